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
import org.cyclegan.train.data.Augmentation;
import org.cyclegan.train.data.Batch;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Prefetcher;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.doctor.TrainingDoctor;
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
 * the HTML page ({@link TrainingReport}). The training doctor ({@link TrainingDoctor}) reads the logs at every progress
 * line and at each epoch's end, and says when the curves look like a known problem.
 *
 * <p>Saving: after every epoch the networks ({@code latest_net_*.safetensors}, and {@code <epoch>_net_*} every
 * {@link Settings#saveEpochFreq} epochs) and the full training state under the same prefix; every
 * {@link Settings#saveLatestFreq} steps also in the middle of an epoch (as {@code latest}, or {@code iter_<step>} with
 * {@link Settings#saveByIter}), so a crash loses at most that many steps. Checkpoints, samples and pages are written
 * atomically; the two loss logs are appended to. The names of all these files are {@link CheckpointFiles}'.
 */
public final class TrainingRun {
    /** How far the run goes (its last epoch) and how often it reports and saves. */
    public record Settings(int lastEpoch, int printFreq, int saveEpochFreq, int saveLatestFreq, boolean saveByIter) {}

    /** How a run ended: all its epochs trained, a loss that stopped being finite, or an interrupt after which it saved. */
    public enum Outcome { FINISHED, LOSS_NOT_FINITE, INTERRUPTED }

    private static final String NO_SAVE_YET = "none yet";

    private final CycleGan model;
    private final UnalignedDataset data;
    private final LrSchedule schedule;
    private final ResumableRandom dataRandom;
    private final CheckpointFiles files;
    private final Map<String, String> options;
    private final Settings settings;
    private final PrintStream out, err;

    // Where the run stands, across its epochs.
    /** The last complete save, for messages: "none yet", or its prefix and position. */
    private String lastSave = NO_SAVE_YET;
    private StepLossLog stepLog;
    private TrainingDoctor doctor;
    private int stepsPerEpoch;
    private long runStart, totalSteps, stepsDone, globalStep;
    /** The steps of the whole run, from --epoch_count to the last epoch: --d_noise falls to 0 over them. */
    private long runSteps;

    public TrainingRun(CycleGan model, UnalignedDataset data, LrSchedule schedule, ResumableRandom dataRandom, CheckpointFiles files,
                       Map<String, String> options, Settings settings, PrintStream out, PrintStream err) {
        this.model = model;
        this.data = data;
        this.schedule = schedule;
        this.dataRandom = dataRandom;
        this.files = files;
        this.options = options;
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * Trains from {@code start} to the last epoch and says how it ended. An interrupt (Ctrl-C, SIGTERM) lets the step in
     * progress finish, saves the networks and the training state as {@code latest}, then lets the JVM exit (with the
     * signal's status, 130 or 143): {@code --continue_train} picks up from there.
     */
    public Outcome train(TrainingState.Progress start) throws IOException {
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

    private Outcome train(TrainingState.Progress start, StopOnSignal stop) throws IOException {
        begin(start);
        List<Batch> samples = fixedSamples(4);
        runStart = System.nanoTime();
        for (int epoch = start.epoch(); epoch <= settings.lastEpoch(); epoch++) {
            Epoch e = epoch == start.epoch() ? Epoch.continuing(start, stepsPerEpoch) : Epoch.fresh(epoch);
            Outcome stopped = trainEpoch(e, samples, stop);
            if (stopped != null) return stopped;
        }
        out.printf("done in %s: %s translates A → B; samples in %s%n", duration((System.nanoTime() - runStart) / 1e9),
                files.network(CheckpointFiles.LATEST, "G_A"), files.samples());
        return Outcome.FINISHED;
    }

    /** Opens the logs where {@code start} left them (dropping the rows of the part of an earlier run this one replaces). */
    private void begin(TrainingState.Progress start) throws IOException {
        Files.createDirectories(files.samples());
        LossCsv.keepRows(files.lossLog(), "epoch,steps,lr," + String.join(",", model.lossNames()) + ",data_seconds,compute_seconds", 0,
                epoch -> epoch < start.epoch());
        stepLog = new StepLossLog(files.stepLog(), start.globalStep(), model.lossNames());
        if (start.batch() > 0) stepLog.continueFrom(start.epoch(), start.stepLogStep(), start.stepLogSums());
        doctor = TrainingDoctor.open(files, model.config.ganMode, data, out, err);
        stepsPerEpoch = data.batchCount();
        totalSteps = (long) (settings.lastEpoch() - start.epoch() + 1) * stepsPerEpoch - Math.min(start.batch(), stepsPerEpoch);
        globalStep = start.globalStep();
        runSteps = (long) (settings.lastEpoch() - schedule.epochCount() + 1) * stepsPerEpoch;
        if (start.globalStep() > 0) lastSave = "the one this run continued from (epoch " + start.epoch() + ", step " + start.batch() + ")";
    }

    /** One epoch's running totals: where it started, the steps trained, the loss sums and the time spent. */
    private static final class Epoch {
        final int number, firstBatch;
        final Map<String, Double> sums;
        final double dataSecondsBefore;
        double computeSeconds;
        int steps;
        float lr;
        /** The data generator's state at the epoch's start, which its plan is redrawn from on resume. */
        String startRandom;

        private Epoch(int number, int firstBatch, Map<String, Double> sums, double dataSecondsBefore, double computeSeconds) {
            this.number = number;
            this.firstBatch = firstBatch;
            this.steps = firstBatch;
            this.sums = new LinkedHashMap<>(sums);
            this.dataSecondsBefore = dataSecondsBefore;
            this.computeSeconds = computeSeconds;
        }

        static Epoch fresh(int number) {
            return new Epoch(number, 0, Map.of(), 0, 0);
        }

        /** The epoch a saved position is in, with the totals of the batches it had trained. */
        static Epoch continuing(TrainingState.Progress start, int stepsPerEpoch) {
            return new Epoch(start.epoch(), Math.min(start.batch(), stepsPerEpoch), start.epochSums(), start.epochDataSeconds(),
                    start.epochComputeSeconds());
        }

        Map<String, Double> means() {
            Map<String, Double> means = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : sums.entrySet()) means.put(e.getKey(), e.getValue() / steps);
            return means;
        }
    }

    /**
     * Trains the rest of epoch {@code e}, saving within it as asked, then ends it. Returns how the run ended when it
     * ends here (a loss that is not finite, an interrupt), else null.
     */
    private Outcome trainEpoch(Epoch e, List<Batch> samples, StopOnSignal stop) throws IOException {
        double multiplier = schedule.multiplier(e.number);
        e.lr = (float) (model.config.lr * multiplier);
        model.optimizerG.setLr(e.lr);
        model.optimizerD.setLr((float) (model.config.discriminatorLr() * multiplier));
        e.startRandom = dataRandom.encode();
        UnalignedDataset.EpochPlan plan = data.plan(dataRandom);
        try (Prefetcher<Batch> loader = data.epoch(plan, e.firstBatch, 4)) {
            while (loader.hasNext()) {
                Map<String, Float> losses = step(e, loader.next());
                if (!allFinite(e, losses)) return Outcome.LOSS_NOT_FINITE;
                for (Map.Entry<String, Float> l : losses.entrySet()) e.sums.merge(l.getKey(), (double) l.getValue(), Double::sum);
                if (e.steps % settings.printFreq() == 0 || e.steps == stepsPerEpoch) report(e, loader, losses);
                if (e.steps < stepsPerEpoch) {
                    Outcome stopped = saveWithinEpoch(e, loader, stop);
                    if (stopped != null) return stopped;
                }
            }
            return endEpoch(e, e.dataSecondsBefore + loader.totalWaitSeconds(), samples, stop);
        }
    }

    /** One training step on {@code batch}, its compute time added to the epoch's. */
    private Map<String, Float> step(Epoch e, Batch batch) {
        long t = System.nanoTime();
        Map<String, Float> losses;
        if (model.instanceNoise != null) model.instanceNoise.anneal(globalStep, runSteps);
        try (MemoryScope scope = MemoryScope.open()) {
            losses = model.optimize(batch.realA(), batch.realB());
        }
        e.computeSeconds += (System.nanoTime() - t) / 1e9;
        e.steps++;
        stepsDone++;
        globalStep++;
        return losses;
    }

    /** Whether every loss is finite; if one is not, says so with the last good checkpoint. */
    private boolean allFinite(Epoch e, Map<String, Float> losses) {
        for (Map.Entry<String, Float> l : losses.entrySet()) {
            if (!Float.isFinite(l.getValue())) {
                err.printf("error: loss %s became %s at epoch %d step %d; stopping. The last good checkpoint in %s: %s.%n",
                        l.getKey(), l.getValue(), e.number, e.steps, files.dir(), lastSave);
                doctor.atNonFinite(l.getKey(), l.getValue(), e.number, globalStep);
                return false;
            }
        }
        return true;
    }

    /** The progress line, and the step log's row. */
    private void report(Epoch e, Prefetcher<Batch> loader, Map<String, Float> losses) throws IOException {
        double perStep = (System.nanoTime() - runStart) / 1e9 / stepsDone;
        int here = e.steps - e.firstBatch;
        out.printf("epoch %d/%d  step %d/%d  %.2f it/s  data %.3f s  compute %.3f s  ETA %s  %s%n", e.number, settings.lastEpoch(), e.steps,
                stepsPerEpoch, 1 / perStep, loader.totalWaitSeconds() / here, e.computeSeconds / e.steps,
                duration(perStep * (totalSteps - stepsDone)), format(losses));
        stepLog.append(e.number, e.steps, globalStep, e.sums);
        doctor.atProgressLine();
    }

    /**
     * In the middle of an epoch: after an interrupt, saves {@code latest} and returns {@link Outcome#INTERRUPTED};
     * every --save_latest_freq steps, saves {@code latest} (or {@code iter_<step>}) and returns null.
     */
    private Outcome saveWithinEpoch(Epoch e, Prefetcher<Batch> loader, StopOnSignal stop) throws IOException {
        if (stop.requested()) {
            save(CheckpointFiles.LATEST, e.number, midEpoch(e, loader));
            out.printf("interrupted: saved %s at epoch %d step %d; continue with --continue_train%n", files.save(CheckpointFiles.LATEST), e.number, e.steps);
            stop.saved();
            return Outcome.INTERRUPTED;
        }
        if (globalStep % settings.saveLatestFreq() == 0) {
            String prefix = settings.saveByIter() ? CheckpointFiles.iterPrefix(globalStep) : CheckpointFiles.LATEST;
            save(prefix, e.number, midEpoch(e, loader));
            lastSave = prefix + " (epoch " + e.number + ", step " + e.steps + ")";
            out.printf("saved %s at epoch %d step %d%n", files.save(prefix), e.number, e.steps);
        }
        return null;
    }

    /** Where the run stands after the steps of {@code e} trained so far. */
    private TrainingState.Progress midEpoch(Epoch e, Prefetcher<Batch> loader) {
        return new TrainingState.Progress(e.number, e.steps, globalStep, e.startRandom, e.sums, e.dataSecondsBefore + loader.totalWaitSeconds(),
                e.computeSeconds, stepsPerEpoch, stepLog.lastStep(), stepLog.lastSums());
    }

    /**
     * The end of epoch {@code e}: the schedule told the epoch's cycle loss, then its samples, its log row, the saves, the
     * plot and the page. Returns {@link Outcome#INTERRUPTED} when an interrupt came during the epoch and epochs remain.
     */
    private Outcome endEpoch(Epoch e, double dataSeconds, List<Batch> samples, StopOnSignal stop) throws IOException {
        Map<String, Double> means = e.means();
        // A Wasserstein critic's loss is a signed score, below 0 as soon as it tells real from fake at all: no sign of trouble.
        for (String d : model.config.isWasserstein() ? List.<String>of() : List.of("D_A", "D_B")) {
            if (means.getOrDefault(d, 1.0) < 0.01) {
                err.printf("warning: %s averaged %.4f this epoch: the discriminator wins too easily and its generator may get no useful gradient%n", d, means.get(d));
            }
        }
        schedule.endEpoch(means.getOrDefault("cycle_A", 0.0) + means.getOrDefault("cycle_B", 0.0));
        // The epoch's row and samples first, the state that says "epoch done" last: a crash in between resumes
        // this epoch again, and the row it leaves is dropped then (see begin) instead of lost.
        writeSamples(samples, files.sample(e.number));
        StringBuilder row = new StringBuilder().append(e.number).append(',').append(e.steps).append(',').append(e.lr);
        for (String k : model.lossNames()) row.append(',').append(means.get(k));
        row.append(',').append(dataSeconds).append(',').append(e.computeSeconds).append('\n');
        Files.writeString(files.lossLog(), row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        TrainingState.Progress next = TrainingState.Progress.epochStart(e.number + 1, globalStep, dataRandom.encode(), stepsPerEpoch);
        save(CheckpointFiles.LATEST, e.number, next);
        lastSave = CheckpointFiles.LATEST + " (end of epoch " + e.number + ")";
        if (e.number % settings.saveEpochFreq() == 0) save(Integer.toString(e.number), e.number, next);
        doctor.atEpochEnd(e.number, model.gA, model.gB);   // before the page, which shows its verdict
        TrainingReport.update(files.dir(), options, err);
        out.printf("end of epoch %d/%d: mean %s, lr %.6f%s, saved %s%n", e.number, settings.lastEpoch(), format(means), e.lr,
                model.config.lrD == null ? "" : String.format(" (D %.6f)", model.optimizerD.lr()), files.network(CheckpointFiles.LATEST, "G_A"));
        if (stop.requested() && e.number < settings.lastEpoch()) {
            out.printf("interrupted: epoch %d saved; continue with --continue_train%n", e.number);
            stop.saved();
            return Outcome.INTERRUPTED;
        }
        return null;
    }

    /**
     * The four networks and the training state under {@code prefix}, the state last: a save is complete once its state
     * is on disk. A failed write (a full disk) stops training with a message naming the file, what this save did not
     * finish, and the last complete save, which is untouched.
     */
    private void save(String prefix, int epoch, TrainingState.Progress progress) throws IOException {
        try {
            NetworkFiles.write(model, files, prefix, epoch);
            TrainingState.write(files.trainState(prefix), model, schedule, options, progress);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; the save of " + prefix + "_* at epoch " + epoch + " is incomplete (its training state was not written)."
                    + " The last complete save in " + files.dir() + ": " + lastSave + (lastSave.equals(NO_SAVE_YET) ? "" : ", which --continue_train resumes from"), e);
        }
    }

    /**
     * {@code n} items spread evenly over the data set (A and B images at the same index, unflipped and not augmented, one
     * per batch), the same every epoch so the sample grids show one set of images changing.
     */
    private List<Batch> fixedSamples(int n) throws ImageReadException {
        UnalignedDataset fixed = new UnalignedDataset(data.sourceA(), data.sourceB(),
                data.options().withNoFlip(true).withSerialBatches(true).withBatchSize(1).withAugmentation(Augmentation.NONE));
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

    /** "1h02m" from an hour on, else "3m05s". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
