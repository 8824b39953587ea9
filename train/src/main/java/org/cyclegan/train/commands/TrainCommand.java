package org.cyclegan.train.commands;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.train.data.Augmentation;
import org.cyclegan.train.data.DataOptions;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.LrSchedule;
import org.cyclegan.train.gan.ResumableRandom;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.ExperimentFolder;
import org.cyclegan.train.run.MemoryEstimate;
import org.cyclegan.train.run.NetworkFiles;
import org.cyclegan.train.run.TrainingRun;
import org.cyclegan.train.run.TrainingState;

/**
 * {@code train}: CycleGAN training as the reference's train.py, on {@code --dataroot} (trainA/, trainB/) or, without
 * it, on the embedded emoji data set. This class reads the options, builds the data set and the model, and decides
 * where training starts: fresh, or with {@code --continue_train} exactly where a saved {@link TrainingState} stopped
 * (its options are reused unless given again; options that shape the networks cannot change). The epochs themselves
 * run in {@link TrainingRun}.
 */
public final class TrainCommand {
    private TrainCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("train", "Trains a CycleGAN on --dataroot (trainA/ and trainB/ folders) or, without it, on the embedded emoji set.")
                .option("dataroot", "", "folder with trainA/ and trainB/ (default: the embedded Google→Twitter emoji set, 32×32)")
                .option("name", "", "experiment name: checkpoints go to <checkpoints_dir>/<name> (default: emoji_g2t, or the dataroot's name)")
                .option("checkpoints_dir", "./checkpoints", "where experiments are saved");
        return ModelOptions.declare(cl, "", String.join(" | ", GeneratorKind.NAMES) + " (default resnet_9blocks; resnet_6blocks on the embedded set)")
                .option("ngf", "", "generator filters in the first conv layer (default 64; 32 on the embedded set)")
                .option("ndf", "", "discriminator filters in the first conv layer (default 64; 32 on the embedded set)")
                .option("init_type", "normal", "normal | xavier | kaiming | orthogonal")
                .option("init_gain", "0.02", "scale for normal, xavier and orthogonal init")
                .option("pool_size", "50", "size of the image history the discriminators see")
                .option("lambda_A", "10.0", "weight of the cycle loss A → B → A")
                .option("lambda_B", "10.0", "weight of the cycle loss B → A → B")
                .option("lambda_identity", "0.5", "identity loss weight, relative to lambda_A / lambda_B")
                .option("lr", "0.0002", "initial Adam learning rate")
                .option("beta1", "0.5", "Adam's beta1")
                .option("lr_D", "", "the discriminators' own initial learning rate, scheduled as --lr is (default: --lr; the tuning guide: below G's, e.g. 0.0001)")
                .option("beta1_D", "", "the discriminators' own Adam beta1 (default: --beta1)")
                .option("clip_grad_norm", "0", "clip the global L2 norm of G's and of D's gradients to this, as torch.nn.utils.clip_grad_norm_ (0: off)")
                .option("d_noise", "0", "Gaussian noise of this standard deviation on every image D sees, real and fake, falling linearly to 0 over the run (0: off)")
                .option("n_epochs", "", "epochs at the initial rate (default 100; 3 on the embedded set)")
                .option("n_epochs_decay", "", "epochs of linear decay to zero (default 100; 3 on the embedded set)")
                .option("lr_policy", "linear", "linear | step | plateau | cosine")
                .option("lr_decay_iters", "50", "step policy: multiply the rate by 0.1 every this many epochs")
                .option("epoch_count", "1", "number of the first epoch")
                .option("batch_size", "1", "images per domain per step")
                .option("load_size", "", "scale images to this size (default 286; 32 on the embedded set)")
                .option("crop_size", "", "then crop to this size (default 256; 32 on the embedded set)")
                .option("preprocess", "resize_and_crop", "resize_and_crop | crop | scale_width | scale_width_and_crop | none")
                .flag("no_flip", "do not flip images horizontally")
                .option("rotate", "0", "DEG: rotate each training image by a random angle within ±DEG degrees, reflection fill (0 = off, at most 180)")
                .option("color_jitter", "0,0", "B,C: random brightness factor in [1-B, 1+B] and contrast factor in [1-C, 1+C] per training image (0,0 = off; each below 1)")
                .flag("serial_batches", "take B images in order instead of at random")
                .option("max_dataset_size", "", "use at most this many images per domain")
                .option("direction", "AtoB", "AtoB | BtoA")
                .option("save_epoch_freq", "5", "also keep <epoch>_net_*.safetensors and the training state every this many epochs")
                .option("save_latest_freq", "5000", "also save latest_* every this many steps within an epoch")
                .flag("save_by_iter", "save the within-epoch checkpoints as iter_<step>_* instead of latest_*")
                .flag("continue_train", "continue the run saved in <checkpoints_dir>/<name> at --epoch (exactly, from its training state)")
                .flag("overwrite", "start afresh where a run was already trained: the earlier run is moved to <name>.replaced-<time>, not deleted")
                .option("epoch", CheckpointFiles.LATEST, "with --continue_train: which save to continue (latest, an epoch number, iter_<step>)")
                .option("print_freq", "100", "print a progress line every this many steps")
                .option("seed", "0", "seed for weights, data order, augmentation and image pools")
                .deviceOptions();
    }

    /** Options that decide the networks' shapes or the pools' size: a resumed run cannot change them. */
    private static final List<String> FIXED_ON_RESUME = List.of("netG", "netD", "n_layers_D", "ngf", "ndf", "norm", "pool_size", "upsample");
    /** The --gan_mode that cannot be switched to or from on resume (see continuedState). */
    private static final String WGANGP = "wgangp";
    /** Options that only say where the run lives or how it reports: never taken from a saved state. */
    private static final List<String> NOT_SAVED = List.of("continue_train", "overwrite", "epoch", "name", "checkpoints_dir", "device", "threads");
    /** Options that change only how often the run reports or saves, or how it uses memory: changing them on resume needs no warning. */
    private static final List<String> REPORTING = List.of("print_freq", "save_epoch_freq", "save_latest_freq", "save_by_iter", "recompute");

    /**
     * What a train command line asks for, read and checked before anything is built: the options (a continued run's
     * saved ones adopted), the data set, the schedule and, with --continue_train, the training state read onto
     * {@code backend}. The launcher reads it too, on the meta backend, to size the heap (HeapPlan).
     */
    public record Setup(boolean resume, CheckpointFiles files, String loadEpoch, TrainingState state, boolean embedded, CycleGanConfig config,
                        int nEpochs, int nEpochsDecay, int epochCount, long seed, int crop, int load, LrSchedule schedule,
                        TrainingRun.Settings settings, UnalignedDataset data) {}

    public static Setup setup(CommandLine cl, Backend backend, PrintStream err) throws IOException {
        boolean resume = cl.flag("continue_train");
        if (cl.given("epoch") && !resume) err.println("warning: --epoch " + cl.string("epoch") + " has no effect without --continue_train (it chooses the save to continue); a fresh run starts at --epoch_count");
        CheckpointFiles files = new CheckpointFiles(Path.of(cl.string("checkpoints_dir")).resolve(experimentName(cl)));
        String loadEpoch = cl.string("epoch");
        refuseToMixRuns(cl, resume, files.dir());
        boolean penaltyGiven = cl.given("lambda_gp") || cl.given("gp_type");   // before a saved run's options are adopted
        TrainingState state = resume ? continuedState(cl, files, loadEpoch, backend, err) : null;

        boolean embedded = cl.string("dataroot").isEmpty();
        CycleGanConfig config = config(cl, embedded);
        if (penaltyGiven && !config.isWasserstein()) {
            err.println("warning: --lambda_gp and --gp_type apply to --gan_mode wgangp only; with --gan_mode " + config.ganMode + " they have no effect");
        }
        int nEpochs = cl.integerOr("n_epochs", embedded ? 3 : 100, 0);
        int nEpochsDecay = cl.integerOr("n_epochs_decay", embedded ? 3 : 100, 0);
        int epochCount = cl.integer("epoch_count", 1);
        int saveFreq = cl.integer("save_epoch_freq", 1);
        int printFreq = cl.integer("print_freq", 1);
        int saveLatestFreq = cl.integer("save_latest_freq", 1);
        long seed = cl.longValue("seed");
        int crop = cl.integerOr("crop_size", embedded ? EmbeddedDataset.IMAGE_SIZE : 256, 1);
        int load = cl.integerOr("load_size", embedded ? EmbeddedDataset.IMAGE_SIZE : 286, 1);
        LrSchedule schedule = schedule(cl, epochCount, nEpochs, nEpochsDecay);
        TrainingRun.Settings settings = new TrainingRun.Settings(nEpochs + nEpochsDecay, printFreq, saveFreq, saveLatestFreq, cl.flag("save_by_iter"));
        UnalignedDataset data = dataset(cl, embedded, config, crop, load, err);
        return new Setup(resume, files, loadEpoch, state, embedded, config, nEpochs, nEpochsDecay, epochCount, seed, crop, load, schedule,
                settings, data);
    }

    /** Refuses --continue_train with --overwrite, and a fresh run into a folder that holds one unless --overwrite. */
    private static void refuseToMixRuns(CommandLine cl, boolean resume, Path dir) throws IOException {
        if (resume && cl.flag("overwrite")) {
            throw new UsageException("train: --continue_train and --overwrite contradict each other: continue the run in " + dir + ", or replace it");
        }
        List<String> earlier = ExperimentFolder.runFiles(dir);
        if (!resume && !earlier.isEmpty() && !cl.flag("overwrite")) {
            throw new UsageException("train: " + dir + " already holds a run (" + String.join(", ", earlier.subList(0, Math.min(4, earlier.size())))
                    + (earlier.size() > 4 ? ", ..." : "") + "): continue it with --continue_train, train a new one with --name OTHER,"
                    + " or replace it with --overwrite (the earlier run is moved to " + dir.getFileName() + ".replaced-<time>, not deleted)");
        }
    }

    /**
     * The training state --continue_train continues, its options adopted where the command line does not give them
     * (warning of the changes that make the run differ from an uninterrupted one, refusing those that reshape the
     * networks); null when the save holds only networks, as the reference leaves them.
     */
    private static TrainingState continuedState(CommandLine cl, CheckpointFiles files, String loadEpoch, Backend backend, PrintStream err) throws IOException {
        Path stateFile = files.trainState(loadEpoch);
        if (!Files.isRegularFile(stateFile)) {
            Path generator = files.network(loadEpoch, "G_A");
            if (Files.isRegularFile(generator)) return null;
            throw new UsageException("train: --continue_train: neither " + stateFile + " nor " + generator + " exists (check --name, --checkpoints_dir and --epoch)");
        }
        TrainingState state = TrainingState.read(stateFile, backend);
        Map<String, String> saved = new LinkedHashMap<>(state.options);
        NOT_SAVED.forEach(saved::remove);
        for (String changed : cl.adoptSaved(saved)) {
            if (changed.equals("gan_mode") && (cl.string(changed).equals(WGANGP) || saved.get(changed).equals(WGANGP))) {
                throw new UsageException("train: --gan_mode " + cl.string(changed) + " cannot continue a run trained with --gan_mode " + saved.get(changed)
                        + " (" + stateFile + "): wgangp's critics give signed scores, its loss logs have the gradient penalties' columns"
                        + " and its training state the penalty's random state; train a new run with --name OTHER");
            }
            if (FIXED_ON_RESUME.contains(changed)) {
                throw new UsageException("train: --" + changed + " " + cl.string(changed) + " does not match the run being continued ("
                        + saved.get(changed) + " in " + stateFile + ")");
            }
            if (!REPORTING.contains(changed)) {
                err.printf("warning: --%s changed from %s to %s: the continued run will differ from an uninterrupted one%n",
                        changed, saved.get(changed), cl.string(changed));
            }
        }
        return state;
    }

    /** The model and optimisation options. */
    private static CycleGanConfig config(CommandLine cl, boolean embedded) {
        // The embedded set's defaults buy iterations: at 32 px a half-width resnet_6blocks runs about 2.3 times as fast as
        // the full one and, step for step, scored the same on held-out emoji (README: "The default run"), so 6 epochs
        // (8,052 steps) fit in about 15 minutes on 2 cores where the full width managed 2.
        CycleGanConfig config = ModelOptions.read(cl, GeneratorKind.resnet(embedded ? 6 : 9), embedded ? 32 : 64);
        config.initType = cl.choice("init_type", List.of("normal", "xavier", "kaiming", "orthogonal"));
        config.initGain = cl.real("init_gain");
        config.poolSize = cl.integer("pool_size", 0);
        config.lambdaA = cl.real("lambda_A");
        config.lambdaB = cl.real("lambda_B");
        config.lambdaIdentity = cl.real("lambda_identity");
        config.lr = cl.real("lr");
        config.beta1 = cl.real("beta1");
        config.lrD = cl.string("lr_D").isEmpty() ? null : cl.real("lr_D");
        config.beta1D = cl.string("beta1_D").isEmpty() ? null : cl.real("beta1_D");
        config.clipGradNorm = cl.real("clip_grad_norm");
        config.dNoise = cl.real("d_noise");
        return config;
    }

    private static LrSchedule schedule(CommandLine cl, int epochCount, int nEpochs, int nEpochsDecay) {
        try {
            return new LrSchedule(cl.choice("lr_policy", LrSchedule.POLICIES), epochCount, nEpochs, nEpochsDecay, cl.integer("lr_decay_iters", 1));
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: " + e.getMessage());
        }
    }

    /**
     * The training images: --dataroot's or the embedded set, with the preprocessing options; an image size the networks
     * cannot take is refused (a crop size) or skipped (images of their own size).
     */
    private static UnalignedDataset dataset(CommandLine cl, boolean embedded, CycleGanConfig config, int crop, int load, PrintStream err) throws IOException {
        DataOptions dataOptions;
        UnalignedDataset data;
        try {
            dataOptions = DataOptions.defaults()
                    .withPreprocess(Preprocess.parse(cl.string("preprocess")), load, crop)
                    .withNoFlip(cl.flag("no_flip"))
                    .withSerialBatches(cl.flag("serial_batches"))
                    .withBatchSize(cl.integer("batch_size", 1))
                    .withDirection(cl.choice("direction", List.of("AtoB", "BtoA")))
                    .withAugmentation(Augmentation.parse(cl.string("rotate"), cl.string("color_jitter")))
                    .withMaxDatasetSize(cl.integerOr("max_dataset_size", Integer.MAX_VALUE, 1));
            data = embedded ? EmbeddedDataset.open(dataOptions)
                    : UnalignedDataset.open(Path.of(cl.string("dataroot")), dataOptions, config.inputSize()::misfit, msg -> err.println("warning: " + msg));
        } catch (IllegalArgumentException | DataSetException e) {
            throw new UsageException("train: " + e.getMessage());
        }
        if (dataOptions.preprocess().crops()) {
            ModelOptions.checkSize("train: --crop_size", crop, config);
        } else if (config.netG.isUnet()) {
            throw new UsageException("train: --netG " + config.netG + " needs one fixed image size: use a --preprocess that crops (resize_and_crop, crop, scale_width_and_crop)");
        }
        return data;
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        Setup setup = setup(cl, backend, err);
        // One training per experiment at a time; the lock is the operating system's, so it ends with this process.
        try (ExperimentFolder folder = ExperimentFolder.lock(setup.files().dir())) {
            Path dir = setup.files().dir();
            if (!setup.resume() && !ExperimentFolder.runFiles(dir).isEmpty()) {   // --overwrite (setup refused it otherwise)
                out.println("moved the earlier run in " + dir + " to " + folder.moveRunAside());
            }
            int stale = folder.removeStaleTemporaries();
            if (stale > 0) err.printf("note: removed %d temporary file%s that an interrupted save left in %s%n", stale, stale == 1 ? "" : "s", dir);
            return train(setup, cl, backend, out, err);
        }
    }

    private static int train(Setup setup, CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        announceMemory(setup, out, err);
        Random seeds = new Random(setup.seed());
        CycleGan model = ModelOptions.build("train", setup.config(), seeds);
        ResumableRandom dataRandom = new ResumableRandom(seeds.nextLong());
        TrainingState.Progress start = start(setup, model, dataRandom, backend, out, err);
        describe(setup, cl, model, backend, start, out);
        TrainingRun run = new TrainingRun(model, setup.data(), setup.schedule(), dataRandom, setup.files(), savedOptions(cl, setup),
                setup.settings(), out, err);
        return switch (run.train(start)) {
            case FINISHED -> 0;
            case LOSS_NOT_FINITE -> 1;
            // Ctrl-C; after SIGTERM the JVM exits with 143 whatever this says, as the signal's shutdown hook ends it.
            case INTERRUPTED -> 130;
        };
    }

    /** The memory estimate's line (MemoryEstimate.announce); images the networks cannot take are a usage error. */
    private static void announceMemory(Setup setup, PrintStream out, PrintStream err) {
        try {
            MemoryEstimate.announce(setup.config(), setup.data(), out, err);
        } catch (ImageReadException | IllegalArgumentException e) {
            throw new UsageException("train: " + e.getMessage());
        }
    }

    /**
     * Where training starts: a fresh run at --epoch_count, an exact continuation from a training state, or (no state,
     * only networks, as the reference leaves them) the networks with fresh optimizers and pools from --epoch_count.
     * Positions {@code dataRandom} there.
     */
    private static TrainingState.Progress start(Setup setup, CycleGan model, ResumableRandom dataRandom, Backend backend, PrintStream out,
                                                PrintStream err) throws IOException {
        UnalignedDataset data = setup.data();
        int lastEpoch = setup.settings().lastEpoch();
        TrainingState.Progress start = TrainingState.Progress.epochStart(setup.epochCount(), 0, dataRandom.encode(), data.batchCount());
        if (setup.state() != null) {
            start = setup.state().restore(model, setup.schedule());
            if (start.batch() > 0 && start.batchesPerEpoch() != data.batchCount()) {
                throw new UsageException("train: the save stopped at batch " + start.batch() + " of an epoch of " + start.batchesPerEpoch()
                        + " batches, but the data set and options now give " + data.batchCount() + " (changed --dataroot, --max_dataset_size or"
                        + " --batch_size?); continue from an end-of-epoch save (--epoch N) or keep them as they were");
            }
            out.printf("continuing %s from epoch %d, batch %d (step %d): weights, Adam moments, image pools, schedule and random state restored%n",
                    setup.files().trainState(setup.loadEpoch()), start.epoch(), start.batch(), start.globalStep());
        } else if (setup.resume()) {
            NetworkFiles.read(model, setup.files(), setup.loadEpoch(), backend);
            err.printf("warning: %s has no %s: loaded the networks only; Adam moments, image pools and the schedule "
                    + "start fresh at --epoch_count %d, as the reference's --continue_train does%n", setup.files().dir(),
                    setup.files().trainState(setup.loadEpoch()).getFileName(), setup.epochCount());
        }
        if (start.epoch() > lastEpoch) {
            throw new UsageException("train: nothing to do: training would start at epoch " + start.epoch() + ", past --n_epochs + --n_epochs_decay = " + lastEpoch
                    + (setup.resume() ? " (raise --n_epochs or --n_epochs_decay to train longer)" : ""));
        }
        dataRandom.decode(start.dataRandom());
        return start;
    }

    /** The options the training state and the run's page record: as given or saved, with the defaults this run worked out. */
    private static Map<String, String> savedOptions(CommandLine cl, Setup setup) {
        CycleGanConfig config = setup.config();
        Map<String, String> options = cl.effectiveValues();
        NOT_SAVED.forEach(options::remove);
        options.put("netG", config.netG.name());
        options.put("ngf", Integer.toString(config.ngf));
        options.put("ndf", Integer.toString(config.ndf));
        options.put("n_epochs", Integer.toString(setup.nEpochs()));
        options.put("n_epochs_decay", Integer.toString(setup.nEpochsDecay()));
        options.put("load_size", Integer.toString(setup.load()));
        options.put("crop_size", Integer.toString(setup.crop()));
        return options;
    }

    /** The two lines that say what is trained: the data and the epochs, the networks and the backend. */
    private static void describe(Setup setup, CommandLine cl, CycleGan model, Backend backend, TrainingState.Progress start, PrintStream out) {
        UnalignedDataset data = setup.data();
        CycleGanConfig config = setup.config();
        out.printf("train: %s, %d images in A and %d in B (%s), %d steps per epoch, epochs %d..%d%n",
                setup.embedded() ? "embedded " + EmbeddedDataset.NAME + " (Google → Twitter emoji)" : cl.string("dataroot"),
                data.sourceA().size(), data.sourceB().size(), data.sourceA().description(), data.batchCount(), start.epoch(), setup.settings().lastEpoch());
        out.printf("model: %s G (%,d parameters) + %s D (%,d), %s, on %s; saving to %s%n", config.netG, model.gA.parameterCount(),
                config.netD, model.dA.parameterCount(), ganDescription(config), backend.description(), setup.files().dir());
        if (config.upsample != GeneratorUpsampling.TRANSPOSE) out.println("generators: up-sampling by " + config.upsample + " (nearest-neighbour x2, then a 3x3 convolution)");
    }

    /** The GAN loss, with wgangp's penalty: "lsgan", "wgangp (gradient penalty 10.0 at mixed points)", "wgangp (no gradient penalty)". */
    private static String ganDescription(CycleGanConfig config) {
        if (!config.isWasserstein()) return config.ganMode;
        return config.ganMode + (config.lambdaGp == 0 ? " (no gradient penalty, as the reference)"
                : " (gradient penalty " + config.lambdaGp + " at " + config.gpType + " points)");
    }

    /** --name, or emoji_g2t on the embedded set, or the dataroot's folder name (train and test agree on it). */
    public static String experimentName(CommandLine cl) {
        if (!cl.string("name").isEmpty()) return cl.string("name");
        if (cl.string("dataroot").isEmpty()) return "emoji_g2t";
        return Path.of(cl.string("dataroot")).toAbsolutePath().normalize().getFileName().toString();
    }
}
