package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.train.gan.CycleGan;

/**
 * {@code loss_steps.csv}: the losses at step resolution, one row each time train prints a progress line (every
 * --print_freq steps and at the end of an epoch), so the loss plot shows a curve even for a run of one or two long
 * epochs. Columns: {@code epoch,step,global_step,<loss names>} (the model's), where global_step counts the steps of the whole run
 * and each loss is its mean over the steps since the previous row of the same epoch: a running mean, so one noisy step
 * does not make the curve.
 *
 * <p>The caller hands over the epoch's running sums (the same ones the epoch means come from); the difference from
 * the previous call gives the window's mean, so nothing needs to be called on the steps in between.
 */
public final class StepLossLog {
    private final Path file;
    private final List<String> names;
    private int lastEpoch = -1, lastStep;
    private Map<String, Double> lastSums = new HashMap<>();

    /**
     * Appends to {@code file}, keeping only its rows up to global step {@code keepThrough} (the step a continued run
     * starts after; 0 for a fresh run): later rows belong to the part of an earlier run that this one replaces. Writes
     * the header when the file does not exist yet.
     */
    public StepLossLog(Path file, long keepThrough) throws IOException {
        this(file, keepThrough, CycleGan.LOSS_NAMES);
    }

    /** As {@link #StepLossLog(Path, long)}, with the columns {@code lossNames} (a model's {@link CycleGan#lossNames}). */
    public StepLossLog(Path file, long keepThrough, List<String> lossNames) throws IOException {
        this.file = file;
        this.names = List.copyOf(lossNames);
        LossCsv.keepRows(file, "epoch,step,global_step," + String.join(",", names), 2, step -> step <= keepThrough);
    }

    /**
     * Appends the row for step {@code step} of {@code epoch}; {@code epochSums} holds each loss summed over steps 1 ..
     * step of this epoch. A second call for the same step writes nothing.
     */
    /**
     * Continues a run saved in the middle of {@code epoch}: the next row's window starts at {@code step}, the step of
     * the last row written before the save, whose running sums were {@code sums}, as it would have without the stop.
     */
    public void continueFrom(int epoch, int step, Map<String, Double> sums) {
        lastEpoch = epoch;
        lastStep = step;
        lastSums = new HashMap<>(sums);
    }

    /** The step and the running sums of the last row written in the current epoch (0 and empty before the first). */
    public int lastStep() {
        return lastStep;
    }

    public Map<String, Double> lastSums() {
        return Map.copyOf(lastSums);
    }

    public void append(int epoch, int step, long globalStep, Map<String, Double> epochSums) throws IOException {
        if (epoch != lastEpoch) {
            lastEpoch = epoch;
            lastStep = 0;
            lastSums = new HashMap<>();
        }
        int window = step - lastStep;
        if (window <= 0) return;
        StringBuilder row = new StringBuilder().append(epoch).append(',').append(step).append(',').append(globalStep);
        for (String name : names) {
            double sum = epochSums.getOrDefault(name, Double.NaN);
            row.append(',').append((float) ((sum - lastSums.getOrDefault(name, 0.0)) / window));
        }
        Files.writeString(file, row.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        lastStep = step;
        lastSums = new HashMap<>(epochSums);
    }
}
