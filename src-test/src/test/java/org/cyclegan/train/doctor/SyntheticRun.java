package org.cyclegan.train.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.report.StepLossLog;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * A synthetic experiment folder whose {@code loss_steps.csv} is written by the run's own {@link StepLossLog}: epochs of
 * {@link #STEPS_PER_EPOCH} steps, a row every {@link #PRINT_FREQ} steps, each row's window mean given by a function
 * of the run's progress t in [0, 1] with a deterministic ±{@link #NOISE} scatter, as real window means have.
 */
final class SyntheticRun {
    static final int STEPS_PER_EPOCH = 500, PRINT_FREQ = 50;
    static final double NOISE = 0.08;

    /** A healthy LSGAN run: D near its balance 0.25, G near 0.35, cycle and identity falling as the generators learn. */
    static Map<String, Double> healthy(double t) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("D_A", 0.22);
        m.put("G_A", 0.36);
        m.put("cycle_A", 2.5 - 1.2 * t);
        m.put("idt_A", 1.2 - 0.6 * t);
        m.put("D_B", 0.23);
        m.put("G_B", 0.33);
        m.put("cycle_B", 2.4 - 1.1 * t);
        m.put("idt_B", 1.1 - 0.5 * t);
        return m;
    }

    /** Writes {@code epochs} epochs of {@code losses} into {@code dir}'s step log; returns the folder. */
    static CheckpointFiles write(Path dir, int epochs, DoubleFunction<Map<String, Double>> losses) throws IOException {
        Files.createDirectories(dir);
        CheckpointFiles files = new CheckpointFiles(dir);
        StepLossLog log = new StepLossLog(files.stepLog(), 0, CycleGan.LOSS_NAMES);
        Random scatter = new Random(7);
        long total = (long) epochs * STEPS_PER_EPOCH, global = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int step = PRINT_FREQ; step <= STEPS_PER_EPOCH; step += PRINT_FREQ) {
                global += PRINT_FREQ;
                for (Map.Entry<String, Double> l : losses.apply((double) global / total).entrySet()) {
                    double v = l.getValue() * (1 + NOISE * (2 * scatter.nextDouble() - 1));
                    sums.merge(l.getKey(), v * PRINT_FREQ, Double::sum);
                }
                log.append(epoch, step, global, sums);
            }
        }
        return files;
    }

    /** {@code healthy} with some losses replaced. */
    static DoubleFunction<Map<String, Double>> healthyWith(DoubleFunction<Map<String, Double>> changes) {
        return t -> {
            Map<String, Double> m = healthy(t);
            m.putAll(changes.apply(t));
            return m;
        };
    }
}
