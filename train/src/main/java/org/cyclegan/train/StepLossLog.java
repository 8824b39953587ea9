package org.cyclegan.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code loss_steps.csv}: the losses at step resolution, one row each time train prints a progress line (every
 * --print_freq steps and at the end of an epoch), so the loss plot shows a curve even for a run of one or two long
 * epochs. Columns: {@code epoch,step,global_step,<loss names>}, where global_step = (epoch − 1) · steps per epoch + step
 * and each loss is its mean over the steps since the previous row of the same epoch: a running mean, so one noisy step
 * does not make the curve.
 *
 * <p>The caller hands over the epoch's running sums (the same ones the epoch means come from); the difference from
 * the previous call gives the window's mean, so nothing needs to be called on the steps in between.
 */
final class StepLossLog {
    private final Path file;
    private int lastEpoch = -1, lastStep;
    private Map<String, Double> lastSums = new HashMap<>();

    /** Appends to {@code file}, writing the header first when the file does not exist yet (or is empty). */
    StepLossLog(Path file) throws IOException {
        this.file = file;
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.writeString(file, "epoch,step,global_step," + String.join(",", CycleGan.LOSS_NAMES) + "\n", StandardCharsets.UTF_8);
        }
    }

    /**
     * Appends the row for step {@code step} of {@code epoch}; {@code epochSums} holds each loss summed over steps 1 ..
     * step of this epoch. A second call for the same step writes nothing.
     */
    void append(int epoch, int step, int stepsPerEpoch, Map<String, Double> epochSums) throws IOException {
        if (epoch != lastEpoch) {
            lastEpoch = epoch;
            lastStep = 0;
            lastSums = new HashMap<>();
        }
        int window = step - lastStep;
        if (window <= 0) return;
        StringBuilder row = new StringBuilder().append(epoch).append(',').append(step).append(',').append((long) (epoch - 1) * stepsPerEpoch + step);
        List<String> names = CycleGan.LOSS_NAMES;
        for (String name : names) {
            double sum = epochSums.getOrDefault(name, Double.NaN);
            row.append(',').append((float) ((sum - lastSums.getOrDefault(name, 0.0)) / window));
        }
        Files.writeString(file, row.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        lastStep = step;
        lastSums = new HashMap<>(epochSums);
    }
}
