package org.cyclegan.train.commands;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.model.NetworkInputSize;
import org.cyclegan.train.data.DataOptions;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.SizeCheck;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.doctor.CopyDistance;
import org.cyclegan.train.doctor.CopyProbe;
import org.cyclegan.train.doctor.Doctor;
import org.cyclegan.train.doctor.LossSeries;
import org.cyclegan.train.doctor.Verdict;
import org.cyclegan.train.gan.GanLoss;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.TrainingState;

/**
 * {@code doctor}: the training doctor's verdict on an experiment, finished or still training. Reads its loss logs as
 * they are (a row cut short by a write in progress is skipped), the --gan_mode and data options from its latest
 * training state, and measures mean |G(x) − x| of {@code latest_net_G_A} and {@code G_B} on a few of the run's
 * training images (taken as {@link CopyProbe} says: evenly spread, no augmentation); then prints the findings with
 * their evidence and advice, or "no finding" with the key numbers it looked at (see {@link Doctor} for the rules).
 * It writes nothing. A missing experiment folder or one without loss logs is a usage error naming the path.
 */
public final class DoctorCommand {
    private DoctorCommand() {}

    public static CommandLine options() {
        return new CommandLine("doctor", "Reads an experiment's loss logs (and its generators' outputs on a few training images) and says whether they"
                + " show a known training problem, with the evidence and what to change.")
                .option("name", "", "experiment name (default: as train: emoji_g2t, or the dataroot's folder name)")
                .option("checkpoints_dir", "./checkpoints", "where experiments are saved")
                .option("dataroot", "", "the training images for the |G(x) − x| measure (default: the run's own, from its training state)")
                .option("images", Integer.toString(CopyProbe.DEFAULT_IMAGES), "training images of each domain the generators are measured on (0: none)")
                .deviceOptions();
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        int images = cl.integer("images", 0);
        Path dir = Path.of(cl.string("checkpoints_dir")).resolve(TrainCommand.experimentName(cl));
        if (!Files.isDirectory(dir)) {
            throw new UsageException("doctor: there is no experiment folder " + dir + " (choose the run with --name and --checkpoints_dir)");
        }
        CheckpointFiles files = new CheckpointFiles(dir);
        LossSeries log = LossSeries.read(files, msg -> err.println("note: " + msg));
        if (log == null) {
            throw new UsageException("doctor: " + dir + " holds no loss log (" + files.stepLog().getFileName() + " or " + files.lossLog().getFileName()
                    + "): no run has trained there yet");
        }
        Map<String, String> options = Map.of();
        Path state = files.trainState(CheckpointFiles.LATEST);
        if (Files.isRegularFile(state)) {
            options = TrainingState.readOptions(state);
        } else {
            err.println("note: " + state + " does not exist: assuming --gan_mode lsgan, and the generators are not measured");
        }
        GanLoss.Mode mode;
        try {
            mode = GanLoss.parse(options.getOrDefault("gan_mode", "lsgan"));
        } catch (IllegalArgumentException e) {
            throw new IOException(state + ": " + e.getMessage(), e);
        }
        CopyDistance copy = options.isEmpty() || images == 0 ? null : measure(cl, files, options, images, backend, err);
        Verdict verdict = Doctor.examine(log, mode, copy);
        out.print(verdict.text("doctor: " + dir + " (" + options.getOrDefault("gan_mode", "lsgan") + "; " + log.describe() + ")"));
        return 0;
    }

    /** mean |G(x) − x| of the latest generators on the run's training images, or null (with a note why) when it cannot be measured. */
    private static CopyDistance measure(CommandLine cl, CheckpointFiles files, Map<String, String> options, int images, Backend backend,
                                        PrintStream err) throws IOException {
        Path fileGA = files.network(CheckpointFiles.LATEST, "G_A"), fileGB = files.network(CheckpointFiles.LATEST, "G_B");
        if (!Files.isRegularFile(fileGA) || !Files.isRegularFile(fileGB)) {
            err.println("note: " + fileGA.getFileName() + " or " + fileGB.getFileName() + " is missing in " + files.dir() + ": the generators are not measured");
            return null;
        }
        GeneratorWeights.Requested asSaved = new GeneratorWeights.Requested("", "", "", "", "");
        GeneratorWeights gA, gB;
        try {
            gA = GeneratorWeights.load(fileGA, asSaved, backend);
            gB = GeneratorWeights.load(fileGB, asSaved, backend);
        } catch (GeneratorWeights.Refused e) {
            throw new IOException(e.getMessage(), e);
        }
        String dataroot = cl.string("dataroot").isEmpty() ? options.getOrDefault("dataroot", "") : cl.string("dataroot");
        UnalignedDataset data;
        try {
            data = dataset(dataroot, options, NetworkInputSize.generator(gA.architecture.netG())::misfit, err);
        } catch (DataSetException | IllegalArgumentException e) {
            err.println("note: the run's training images cannot be read (" + e.getMessage() + "): the generators are not measured; give --dataroot");
            return null;
        }
        CopyProbe probe = CopyProbe.of(data, images, msg -> err.println("warning: " + msg));
        return probe.measure(gA.generator, gB.generator, fileGA.getFileName() + " and " + fileGB.getFileName());
    }

    /**
     * The training images as the run's saved options read them: its dataroot (or the embedded set), direction and
     * preprocessing; images whose size {@code fit} refuses are skipped, as train skips them.
     */
    private static UnalignedDataset dataset(String dataroot, Map<String, String> options, SizeCheck fit, PrintStream err) throws DataSetException {
        boolean embedded = dataroot.isEmpty();
        int crop = number(options, "crop_size", embedded ? EmbeddedDataset.IMAGE_SIZE : 256);
        int load = number(options, "load_size", embedded ? EmbeddedDataset.IMAGE_SIZE : 286);
        DataOptions o = DataOptions.defaults()
                .withPreprocess(Preprocess.parse(options.getOrDefault("preprocess", "resize_and_crop")), load, crop)
                .withDirection(options.getOrDefault("direction", "AtoB"))
                .withMaxDatasetSize(number(options, "max_dataset_size", Integer.MAX_VALUE));
        return embedded ? EmbeddedDataset.open(o) : UnalignedDataset.open(Path.of(dataroot), o, fit, msg -> err.println("warning: " + msg));
    }

    /** A saved option's number, or {@code otherwise} when it was left empty (the run worked out its default). */
    private static int number(Map<String, String> options, String name, int otherwise) {
        String v = options.getOrDefault(name, "").trim();
        return v.isEmpty() ? otherwise : Integer.parseInt(v);
    }
}
