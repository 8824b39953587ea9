package org.cyclegan.train.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.cyclegan.train.report.LossCsv;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * A run's losses as the doctor reads them: the rows of {@code loss_steps.csv} (or, for a run that has none, of
 * {@code loss_log.csv}, a row per epoch) merged in order into blocks of at least {@link #BLOCK_STEPS} training steps,
 * each holding every loss's mean over its steps (the rows weighted by the steps they cover).
 *
 * <p>Why blocks: a row is the mean over the steps since the previous progress line, as many as --print_freq says.
 * Single GAN steps scatter widely (one LSGAN step's G loss easily ranges 0.1 to 0.9), so rules for oscillation and
 * trends set on means of 100 steps would see alarms in the noise of a run printed every 5 steps; blocks make the rules
 * independent of --print_freq. A remainder shorter than a block joins the last block.
 *
 * <p>Read as the logs are, so it works on a running experiment: a row cut short by a crash or by a write in progress
 * is skipped (the reason goes to {@code warn}). A loss that is NaN or infinite in any row is remembered with its step.
 */
public final class LossSeries {
    /**
     * Steps per block: 100, the reference's --print_freq, the window the thresholds were chosen for (see above). A run
     * shorter than that is one block.
     */
    public static final int BLOCK_STEPS = 100;

    /** Steps {@code first} .. {@code last} (global steps; epochs for an epoch log), {@code steps} of them, and each loss's mean. */
    public record Block(long first, long last, long steps, Map<String, Double> means) {}

    /** The first loss value that was not finite, and where. */
    public record NonFinite(String loss, double value, long at) {}

    public final String source, unit;
    public final int rows;
    public final List<String> losses;
    public final List<Block> blocks;
    /** The first NaN or infinite value in the log, or null. */
    public final NonFinite nonFinite;

    private LossSeries(String source, String unit, int rows, List<String> losses, List<Block> blocks, NonFinite nonFinite) {
        this.source = source;
        this.unit = unit;
        this.rows = rows;
        this.losses = List.copyOf(losses);
        this.blocks = List.copyOf(blocks);
        this.nonFinite = nonFinite;
    }

    /**
     * The step log of the run in {@code files}, or its epoch log when the step log is missing or holds no row yet; null
     * when neither file exists.
     */
    public static LossSeries read(CheckpointFiles files, Consumer<String> warn) throws IOException {
        if (Files.exists(files.stepLog())) {
            LossCsv steps = LossCsv.read(files.stepLog(), "global_step", warn);
            if (!steps.rows().isEmpty() || !Files.exists(files.lossLog())) return of(steps, "global_step", null, "step");
        }
        if (!Files.exists(files.lossLog())) return null;
        return of(LossCsv.read(files.lossLog(), "epoch", warn), "epoch", "steps", "epoch");
    }

    /**
     * Merges the rows of {@code csv} into blocks. {@code key} is the position column; {@code stepsColumn} the column of
     * the steps a row covers, or null when they are the difference of successive keys (the step log's global_step).
     */
    private static LossSeries of(LossCsv csv, String key, String stepsColumn, String unit) {
        List<String> losses = new ArrayList<>();
        for (String c : csv.columns()) {
            if (!List.of("epoch", "step", "global_step", "steps", "lr", "data_seconds", "compute_seconds").contains(c)) losses.add(c);
        }
        int keyColumn = csv.column(key), stepsIndex = stepsColumn == null ? -1 : csv.column(stepsColumn);
        List<Block> blocks = new ArrayList<>();
        NonFinite nonFinite = null;
        Map<String, Double> sums = new LinkedHashMap<>();
        long previous = 0, first = -1, steps = 0;
        for (double[] row : csv.rows()) {
            long at = (long) row[keyColumn];
            long covers = stepsIndex >= 0 ? (long) row[stepsIndex] : at - previous;
            if (covers <= 0) continue;
            if (first < 0) first = stepsIndex >= 0 ? at : previous + 1;
            for (String l : losses) {
                double v = row[csv.column(l)];
                if (!Double.isFinite(v) && nonFinite == null) nonFinite = new NonFinite(l, v, at);
                sums.merge(l, v * covers, Double::sum);
            }
            steps += covers;
            previous = at;
            if (steps >= BLOCK_STEPS) {
                blocks.add(block(first, at, steps, sums));
                first = -1;
                steps = 0;
                sums = new LinkedHashMap<>();
            }
        }
        if (steps > 0) {
            if (blocks.isEmpty()) {
                blocks.add(block(first, previous, steps, sums));
            } else {
                Block last = blocks.remove(blocks.size() - 1);
                Map<String, Double> merged = new LinkedHashMap<>(sums);
                last.means().forEach((l, m) -> merged.merge(l, m * last.steps(), Double::sum));
                blocks.add(block(last.first(), previous, last.steps() + steps, merged));
            }
        }
        return new LossSeries(csv.file().getFileName().toString(), unit, csv.rows().size(), losses, blocks, nonFinite);
    }

    private static Block block(long first, long last, long steps, Map<String, Double> sums) {
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((l, s) -> means.put(l, s / steps));
        return new Block(first, last, steps, means);
    }

    public boolean has(String loss) {
        return losses.contains(loss);
    }

    /** The mean of {@code loss} over blocks {@code from} (inclusive) to {@code to} (exclusive), weighted by their steps. */
    public double mean(String loss, int from, int to) {
        double sum = 0;
        long steps = 0;
        for (Block b : blocks.subList(from, to)) {
            sum += b.means().getOrDefault(loss, Double.NaN) * b.steps();
            steps += b.steps();
        }
        return sum / steps;
    }

    /** "steps 1–1600" or "epochs 2–3": what blocks {@code from} .. {@code to} (exclusive) cover. */
    public String span(int from, int to) {
        long a = blocks.get(from).first(), b = blocks.get(to - 1).last();
        return unit + (a == b ? " " + a : "s " + a + "–" + b);
    }

    /** "loss_steps.csv: 80 rows, steps 1–8052 in 80 blocks of at least 100 steps" (or "in 1 block, shorter than 100 steps"). */
    public String describe() {
        if (blocks.isEmpty()) return source + ": no rows yet";
        String in = blocks.get(0).steps() < BLOCK_STEPS ? "1 block, shorter than " + BLOCK_STEPS + " steps"
                : blocks.size() + " block" + (blocks.size() == 1 ? "" : "s") + " of at least " + BLOCK_STEPS + " steps";
        return source + ": " + rows + " row" + (rows == 1 ? "" : "s") + ", " + span(0, blocks.size()) + " in " + in;
    }
}
