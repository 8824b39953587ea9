package org.cyclegan.train.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.train.commands.TrainCommand;
import org.cyclegan.train.data.Batch;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Prefetcher;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.LrSchedule;
import org.cyclegan.train.gan.ResumableRandom;
import org.cyclegan.train.report.LossCsv;
import org.cyclegan.train.report.SampleGrid;
import org.cyclegan.train.report.StepLossLog;
import org.cyclegan.train.report.TrainingReport;

/**
 * The epoch loop of {@code train}, from a {@link TrainingState.Progress} (a fresh start or a saved position) to the
 * last epoch. Each epoch: the learning rate from the schedule, the epoch's data plan drawn from the data generator,
 * batches from a background loader starting at the saved batch, one {@link CycleGan#optimize} step per batch with a
 * progress line (and a row of {@code loss_steps.csv}); then checkpoints, a sample grid, a loss-log row, the loss plot and
 * the HTML page ({@link TrainingReport}).
 *
 * <p>Saving: after every epoch the networks ({@code latest_net_*.safetensors}, and {@code <epoch>_net_*} every
 * {@link #saveEpochFreq} epochs) and the full training state under the same prefix; every {@link #saveLatestFreq} steps
 * also in the middle of an epoch (as {@code latest}, or {@code iter_<step>} with {@link #saveByIter}), so a crash loses
 * at most that many steps. Checkpoints, samples and pages are written atomically; the two loss logs are appended to.
 */
public final class TrainingRun {
    /** The last complete save, for messages: "none yet", or its prefix and position. */
    private String lastSave = "none yet";
    private final CycleGan model;
    private final UnalignedDataset data;
    private final LrSchedule schedule;
    private final ResumableRandom dataRandom;
    private final Path dir;
    private final Map<String, String> options;
    private final PrintStream out, err;
    public int lastEpoch, saveEpochFreq = 5, saveLatestFreq = 5000, printFreq = 100;
    public boolean saveByIter;

    public TrainingRun(CycleGan model, UnalignedDataset data, LrSchedule schedule, ResumableRandom dataRandom, Path dir,
                Map<String, String> options, PrintStream out, PrintStream err) {
        this.model = model;
        this.data = data;
        this.schedule = schedule;
        this.dataRandom = dataRandom;
        this.dir = dir;
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Trains from {@code start} to {@link #lastEpoch}; returns the exit status (1 when a loss stops being finite). An
     * interrupt (Ctrl-C, SIGTERM) lets the step in progress finish, saves the networks and the training state as
     * {@code latest}, then lets the JVM exit (with the signal's status, 130 or 143): {@code --continue_train} picks up
     * from there.
     */
    public int train(TrainingState.Progress start) throws IOException {
        StopOnSignal stop = new StopOnSignal(out);
        try {
            return train(start, stop);
        } catch (IOException | RuntimeException e) {
            // After an interrupt the JVM exits as soon as the hook is released, before Main could report this.
            if (stop.requested()) err.println("error: could not save after the interrupt: " + e.getMessage());
            throw e;
        } finally {
            stop.close();
        }
    }

    private int train(TrainingState.Progress start, StopOnSignal stop) throws IOException {
        Files.createDirectories(dir.resolve("samples"));
        Path csv = dir.resolve("loss_log.csv");
        keepLogRowsBefore(csv, start.epoch());
        StepLossLog stepLog = new StepLossLog(dir.resolve("loss_steps.csv"), start.globalStep());
        if (start.batch() > 0) stepLog.continueFrom(start.epoch(), start.stepLogStep(), start.stepLogSums());
        List<Batch> samples = fixedSamples(4);
        int stepsPerEpoch = data.batchCount();
        long runStart = System.nanoTime();
        long totalSteps = (long) (lastEpoch - start.epoch() + 1) * stepsPerEpoch - Math.min(start.batch(), stepsPerEpoch), stepsDone = 0;
        long globalStep = start.globalStep();
        lastSave = start.globalStep() == 0 ? "none yet" : "the one this run continued from (epoch " + start.epoch() + ", step " + start.batch() + ")";
        for (int epoch = start.epoch(); epoch <= lastEpoch; epoch++) {
            boolean resumedHere = epoch == start.epoch();
            int firstBatch = resumedHere ? Math.min(start.batch(), stepsPerEpoch) : 0;
            Map<String, Double> sums = new LinkedHashMap<>(resumedHere ? start.epochSums() : Map.of());
            double computeSeconds = resumedHere ? start.epochComputeSeconds() : 0, dataSecondsBefore = resumedHere ? start.epochDataSeconds() : 0;
            float lr = (float) (model.config.lr * schedule.multiplier(epoch));
            model.optimizerG.setLr(lr);
            model.optimizerD.setLr(lr);
            String epochStartRandom = dataRandom.encode();
            UnalignedDataset.EpochPlan plan = data.plan(dataRandom);
            int steps = firstBatch;
            try (Prefetcher<Batch> loader = data.epoch(plan, firstBatch, 4)) {
                while (loader.hasNext()) {
                    Batch batch = loader.next();
                    long t = System.nanoTime();
                    Map<String, Float> losses;
                    try (MemoryScope scope = MemoryScope.open()) {
                        losses = model.optimize(batch.realA(), batch.realB());
                    }
                    computeSeconds += (System.nanoTime() - t) / 1e9;
                    steps++;
                    stepsDone++;
                    globalStep++;
                    for (Map.Entry<String, Float> e : losses.entrySet()) {
                        if (!Float.isFinite(e.getValue())) {
                            err.printf("error: loss %s became %s at epoch %d step %d; stopping. The last good checkpoint in %s: %s.%n",
                                    e.getKey(), e.getValue(), epoch, steps, dir, lastSave);
                            return 1;
                        }
                        sums.merge(e.getKey(), (double) e.getValue(), Double::sum);
                    }
                    if (steps % printFreq == 0 || steps == stepsPerEpoch) {
                        double elapsed = (System.nanoTime() - runStart) / 1e9;
                        double perStep = elapsed / stepsDone;
                        int here = steps - firstBatch;
                        out.printf("epoch %d/%d  step %d/%d  %.2f it/s  data %.3f s  compute %.3f s  ETA %s  %s%n", epoch, lastEpoch, steps,
                                stepsPerEpoch, 1 / perStep, loader.totalWaitSeconds() / here, computeSeconds / steps,
                                TrainCommand.duration(perStep * (totalSteps - stepsDone)), format(losses));
                        stepLog.append(epoch, steps, globalStep, sums);
                    }
                    if (stop.requested() && steps < stepsPerEpoch) {
                        save("latest", epoch, new TrainingState.Progress(epoch, steps, globalStep, epochStartRandom, sums,
                                dataSecondsBefore + loader.totalWaitSeconds(), computeSeconds, stepsPerEpoch, stepLog.lastStep(), stepLog.lastSums()));
                        out.printf("interrupted: saved %s_*.safetensors at epoch %d step %d; continue with --continue_train%n", dir.resolve("latest"), epoch, steps);
                        stop.saved();
                        return 130;
                    }
                    if (globalStep % saveLatestFreq == 0 && steps < stepsPerEpoch) {
                        String prefix = saveByIter ? "iter_" + globalStep : "latest";
                        save(prefix, epoch, new TrainingState.Progress(epoch, steps, globalStep, epochStartRandom, sums,
                                dataSecondsBefore + loader.totalWaitSeconds(), computeSeconds, stepsPerEpoch, stepLog.lastStep(), stepLog.lastSums()));
                        lastSave = prefix + " (epoch " + epoch + ", step " + steps + ")";
                        out.printf("saved %s_*.safetensors at epoch %d step %d%n", dir.resolve(prefix), epoch, steps);
                    }
                }
                double dataSeconds = dataSecondsBefore + loader.totalWaitSeconds();
                int trained = steps;
                Map<String, Double> means = new LinkedHashMap<>();
                for (Map.Entry<String, Double> e : sums.entrySet()) means.put(e.getKey(), e.getValue() / trained);
                for (String d : List.of("D_A", "D_B")) {
                    if (means.getOrDefault(d, 1.0) < 0.01) {
                        err.printf("warning: %s averaged %.4f this epoch: the discriminator wins too easily and its generator may get no useful gradient%n", d, means.get(d));
                    }
                }
                schedule.endEpoch(means.getOrDefault("cycle_A", 0.0) + means.getOrDefault("cycle_B", 0.0));
                // The epoch's row and samples first, the state that says "epoch done" last: a crash in between resumes
                // this epoch again, and the row it leaves is dropped then (keepLogRowsBefore) instead of lost.
                writeSamples(samples, dir.resolve("samples").resolve(String.format("epoch_%03d.png", epoch)));
                StringBuilder row = new StringBuilder().append(epoch).append(',').append(trained).append(',').append(lr);
                for (String k : CycleGan.LOSS_NAMES) row.append(',').append(means.get(k));
                row.append(',').append(dataSeconds).append(',').append(computeSeconds).append('\n');
                Files.writeString(csv, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                TrainingState.Progress next = TrainingState.Progress.epochStart(epoch + 1, globalStep, dataRandom.encode(), stepsPerEpoch);
                save("latest", epoch, next);
                lastSave = "latest (end of epoch " + epoch + ")";
                if (epoch % saveEpochFreq == 0) save(Integer.toString(epoch), epoch, next);
                TrainingReport.update(dir, options, err);
                out.printf("end of epoch %d/%d: mean %s, lr %.6f, saved %s%n", epoch, lastEpoch, format(means), lr, dir.resolve("latest_net_G_A.safetensors"));
                if (stop.requested() && epoch < lastEpoch) {
                    out.printf("interrupted: epoch %d saved; continue with --continue_train%n", epoch);
                    stop.saved();
                    return 130;
                }
            }
        }
        out.printf("done in %s: %s/latest_net_G_A.safetensors translates A → B; samples in %s%n",
                TrainCommand.duration((System.nanoTime() - runStart) / 1e9), dir, dir.resolve("samples"));
        return 0;
    }

    /**
     * The four networks and the training state under {@code prefix}, the state last: a save is complete once its state
     * is on disk. A failed write (a full disk) stops training with a message naming the file, what this save did not
     * finish, and the last complete save, which is untouched.
     */
    private void save(String prefix, int epoch, TrainingState.Progress progress) throws IOException {
        try {
            TrainCommand.saveNetworks(model, dir, prefix, model.config, epoch);
            TrainingState.write(dir.resolve(prefix + "_train_state.safetensors"), model, schedule, options, progress);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; the save of " + prefix + "_* at epoch " + epoch + " is incomplete (its training state was not written)."
                    + " The last complete save in " + dir + ": " + lastSave + (lastSave.equals("none yet") ? "" : ", which --continue_train resumes from"), e);
        }
    }

    /**
     * Starts the loss log, or, when continuing, drops the rows of epochs from {@code epoch} on: they belong to the part
     * of an earlier run that this one replaces.
     */
    private static void keepLogRowsBefore(Path csv, int epoch) throws IOException {
        LossCsv.keepRows(csv, "epoch,steps,lr," + String.join(",", CycleGan.LOSS_NAMES) + ",data_seconds,compute_seconds", 0, e -> e < epoch);
    }

    /**
     * {@code n} items spread evenly over the data set (A and B images at the same index, unflipped, one per batch), the
     * same every epoch so the sample grids show one set of images changing.
     */
    private List<Batch> fixedSamples(int n) throws ImageReadException {
        UnalignedDataset fixed = new UnalignedDataset(data.sourceA(), data.sourceB(),
                data.options().withNoFlip(true).withSerialBatches(true).withBatchSize(1));
        int count = Math.min(n, fixed.size());
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = (int) ((long) i * fixed.size() / count);
        List<Batch> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) samples.add(fixed.batch(order, i, new Random(i)));
        return samples;
    }

    private void writeSamples(List<Batch> samples, Path file) throws IOException {
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
            List<List<Tensor>> rows = new ArrayList<>();
            for (Batch b : samples) {
                Tensor a = b.realA().slice(0, 0, 1), bb = b.realB().slice(0, 0, 1);
                Tensor fakeB = model.gA.forward(a), fakeA = model.gB.forward(bb);
                rows.add(List.of(a, fakeB, model.gB.forward(fakeB), bb, fakeA, model.gA.forward(fakeA)));
            }
            SampleGrid.write(file, rows);
        }
    }

    private static String format(Map<String, ? extends Number> losses) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ? extends Number> e : losses.entrySet()) sb.append(e.getKey()).append(' ').append(String.format("%.3f", e.getValue().doubleValue())).append("  ");
        return sb.toString().trim();
    }
}
