package org.cyclegan.train.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.cyclegan.train.commands.GeneratorWeights;

/**
 * What every task of the job needs, shipped with each task (small) while the weights travel once per executor as a
 * broadcast. {@code key} identifies the generator (a digest of the weights and the options), so an executor that runs
 * several jobs keeps their generators apart. {@code threads} 0 means the task's own CPU allotment
 * ({@code spark.task.cpus}).
 */
record TranslationJob(String key, String weightsName, Broadcast<byte[]> weights, GeneratorWeights.Requested requested, String device,
                      int threads, int batchSize) implements Serializable {}
