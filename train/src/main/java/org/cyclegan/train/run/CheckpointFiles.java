package org.cyclegan.train.run;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the files in an experiment's folder ({@code <checkpoints_dir>/<name>}), in one place for train, test,
 * the launcher and the run's page.
 *
 * <p>A save is named by its prefix: {@link #LATEST}, an epoch number, or {@code iter_<step>} ({@link #iterPrefix}). It
 * is the four networks, {@code <prefix>_net_G_A.safetensors} ... {@code _net_D_B}, and the training state
 * {@code <prefix>_train_state.safetensors}, which is written last, so a save is complete once its training state is
 * on disk. Beside the saves: the loss logs {@code loss_log.csv} (a row per epoch) and {@code loss_steps.csv} (a row
 * per progress line), the plot {@code loss_plot.png}, the sample grids {@code samples/epoch_NNN.png}, the training doctor's
 * latest verdict {@code doctor.txt}, the run's page {@code index.html} and train's lock {@code .train.lock}.
 */
public record CheckpointFiles(Path dir) {
    /** The save every epoch (and an interrupt) writes, and the one --continue_train and test read by default. */
    public static final String LATEST = "latest";
    public static final String LOSS_LOG = "loss_log.csv", STEP_LOG = "loss_steps.csv", LOSS_PLOT = "loss_plot.png", PAGE = "index.html";
    /** The training doctor's verdict after the latest epoch, as text; the run's page shows it. */
    public static final String DOCTOR = "doctor.txt";
    /** The folder of the sample grids. */
    public static final String SAMPLES = "samples";
    static final String LOCK = ".train.lock";

    private static final String NET = "_net_", TRAIN_STATE = "_train_state.safetensors", SAFETENSORS = ".safetensors";
    private static final Pattern SAMPLE = Pattern.compile("epoch_(\\d{1,9})\\.png");

    /** The prefix of a save within an epoch under --save_by_iter: iter_<global step>. */
    public static String iterPrefix(long globalStep) {
        return "iter_" + globalStep;
    }

    /** {@code <prefix>_net_<net>.safetensors}. */
    public static String networkFileName(String prefix, String net) {
        return prefix + networkSuffix(net);
    }

    /** What the file names of network {@code net} end with, after their prefix: {@code _net_G_A.safetensors}. */
    public static String networkSuffix(String net) {
        return NET + net + SAFETENSORS;
    }

    public Path network(String prefix, String net) {
        return dir.resolve(networkFileName(prefix, net));
    }

    public Path trainState(String prefix) {
        return dir.resolve(prefix + TRAIN_STATE);
    }

    /** The files of one save, as messages name them: {@code <dir>/<prefix>_*.safetensors}. */
    public Path save(String prefix) {
        return dir.resolve(prefix + "_*" + SAFETENSORS);
    }

    /** The glob of the training states in the folder, one per complete save. */
    public static String trainStateGlob() {
        return "*" + TRAIN_STATE;
    }

    /** The prefix of a training state's file name ("latest" for latest_train_state.safetensors), or null when it is none. */
    public static String trainStatePrefix(String fileName) {
        return fileName.endsWith(TRAIN_STATE) ? fileName.substring(0, fileName.length() - TRAIN_STATE.length()) : null;
    }

    /** Whether a file of the folder shows that a run was trained there: a network, a training state or the loss log. */
    public static boolean isRunFile(String fileName) {
        return fileName.contains(NET) || fileName.endsWith(TRAIN_STATE) || fileName.equals(LOSS_LOG);
    }

    public Path lossLog() {
        return dir.resolve(LOSS_LOG);
    }

    public Path stepLog() {
        return dir.resolve(STEP_LOG);
    }

    public Path lossPlot() {
        return dir.resolve(LOSS_PLOT);
    }

    public Path doctor() {
        return dir.resolve(DOCTOR);
    }

    public Path page() {
        return dir.resolve(PAGE);
    }

    public Path samples() {
        return dir.resolve(SAMPLES);
    }

    /** {@code samples/epoch_NNN.png}: the sample grid after {@code epoch}. */
    public Path sample(int epoch) {
        return samples().resolve(String.format(Locale.ROOT, "epoch_%03d.png", epoch));
    }

    /** The epoch of a sample grid's file name, or -1 when it is not one. */
    public static int sampleEpoch(String fileName) {
        Matcher m = SAMPLE.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    public Path lock() {
        return dir.resolve(LOCK);
    }
}
