package org.cyclegan.train;

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
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.train.data.Batch;
import org.cyclegan.train.data.DataOptions;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.data.Prefetcher;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.UnalignedDataset;

/**
 * {@code train}: CycleGAN training as the reference's train.py, on {@code --dataroot} (trainA/, trainB/) or, without
 * it, on the embedded emoji data set. Each epoch: learning rate from the linear policy, batches from a background
 * loader, one {@link CycleGan#optimize} step per batch with a progress line (it/s, ETA, data vs compute time), then the
 * four networks saved as safetensors (latest, and every --save_epoch_freq epochs), a sample grid and a loss CSV row.
 *
 * <p>Not yet: resuming (--continue_train) with the full training state, the step/cosine/plateau policies, the loss
 * plot and HTML page.
 */
final class TrainCommand {
    private TrainCommand() {}

    static CommandLine options() {
        CommandLine cl = new CommandLine("train", "Trains a CycleGAN on --dataroot (trainA/ and trainB/ folders) or, without it, on the embedded emoji set.")
                .option("dataroot", "", "folder with trainA/ and trainB/ (default: the embedded Google→Twitter emoji set, 32×32)")
                .option("name", "", "experiment name: checkpoints go to <checkpoints_dir>/<name> (default: emoji_g2t, or the dataroot's name)")
                .option("checkpoints_dir", "./checkpoints", "where experiments are saved");
        return ModelOptions.declare(cl, "", "resnet_9blocks | resnet_6blocks | unet_256 | unet_128 (default resnet_9blocks; resnet_6blocks on the embedded set)")
                .option("init_type", "normal", "normal | xavier | kaiming | orthogonal")
                .option("init_gain", "0.02", "scale for normal, xavier and orthogonal init")
                .option("pool_size", "50", "size of the image history the discriminators see")
                .option("lambda_A", "10.0", "weight of the cycle loss A → B → A")
                .option("lambda_B", "10.0", "weight of the cycle loss B → A → B")
                .option("lambda_identity", "0.5", "identity loss weight, relative to lambda_A / lambda_B")
                .option("lr", "0.0002", "initial Adam learning rate")
                .option("beta1", "0.5", "Adam's beta1")
                .option("n_epochs", "", "epochs at the initial rate (default 100; 1 on the embedded set)")
                .option("n_epochs_decay", "", "epochs of linear decay to zero (default 100; 1 on the embedded set)")
                .option("epoch_count", "1", "number of the first epoch")
                .option("batch_size", "1", "images per domain per step")
                .option("load_size", "", "scale images to this size (default 286; 32 on the embedded set)")
                .option("crop_size", "", "then crop to this size (default 256; 32 on the embedded set)")
                .option("preprocess", "resize_and_crop", "resize_and_crop | crop | scale_width | scale_width_and_crop | none")
                .flag("no_flip", "do not flip images horizontally")
                .flag("serial_batches", "take B images in order instead of at random")
                .option("max_dataset_size", "", "use at most this many images per domain")
                .option("direction", "AtoB", "AtoB | BtoA")
                .option("save_epoch_freq", "5", "also keep <epoch>_net_*.safetensors every this many epochs")
                .option("print_freq", "100", "print a progress line every this many steps")
                .option("seed", "0", "seed for weights, data order, augmentation and image pools")
                .deviceOptions();
    }

    static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        boolean embedded = cl.string("dataroot").isEmpty();
        CycleGanConfig config = ModelOptions.read(cl, embedded ? "resnet_6blocks" : "resnet_9blocks");
        config.initType = cl.choice("init_type", List.of("normal", "xavier", "kaiming", "orthogonal"));
        config.initGain = cl.real("init_gain");
        config.poolSize = cl.integer("pool_size", 0);
        config.lambdaA = cl.real("lambda_A");
        config.lambdaB = cl.real("lambda_B");
        config.lambdaIdentity = cl.real("lambda_identity");
        config.lr = cl.real("lr");
        config.beta1 = cl.real("beta1");
        // On the embedded set, 2 × 1342 steps (about 13 minutes on 2 cores): well past the ~1500 steps after which a
        // reference CycleGAN beats copying the input on held-out emoji.
        int nEpochs = cl.string("n_epochs").isEmpty() ? (embedded ? 1 : 100) : cl.integer("n_epochs", 0);
        int nEpochsDecay = cl.string("n_epochs_decay").isEmpty() ? (embedded ? 1 : 100) : cl.integer("n_epochs_decay", 0);
        int epochCount = cl.integer("epoch_count", 1);
        int saveFreq = cl.integer("save_epoch_freq", 1);
        int printFreq = cl.integer("print_freq", 1);
        long seed = cl.longValue("seed");
        int defaultSize = embedded ? EmbeddedDataset.IMAGE_SIZE : 256;
        int crop = cl.string("crop_size").isEmpty() ? defaultSize : cl.integer("crop_size", 1);
        int load = cl.string("load_size").isEmpty() ? (embedded ? EmbeddedDataset.IMAGE_SIZE : 286) : cl.integer("load_size", 1);
        if (nEpochs + nEpochsDecay < epochCount) throw new CommandLine.UsageException("train: nothing to do: --epoch_count " + epochCount + " is past --n_epochs + --n_epochs_decay");

        DataOptions dataOptions;
        UnalignedDataset data;
        try {
            dataOptions = DataOptions.defaults()
                    .withPreprocess(Preprocess.parse(cl.string("preprocess")), load, crop)
                    .withNoFlip(cl.flag("no_flip"))
                    .withSerialBatches(cl.flag("serial_batches"))
                    .withBatchSize(cl.integer("batch_size", 1))
                    .withDirection(cl.choice("direction", List.of("AtoB", "BtoA")))
                    .withMaxDatasetSize(cl.string("max_dataset_size").isEmpty() ? Integer.MAX_VALUE : cl.integer("max_dataset_size", 1));
            data = embedded ? EmbeddedDataset.open(dataOptions)
                    : UnalignedDataset.open(Path.of(cl.string("dataroot")), dataOptions, msg -> err.println("warning: " + msg));
        } catch (IllegalArgumentException | DataSetException e) {
            throw new CommandLine.UsageException("train: " + e.getMessage());
        }
        if (config.netG.startsWith("resnet")) BenchCommand.checkSize(crop, config);

        String name = !cl.string("name").isEmpty() ? cl.string("name")
                : embedded ? "emoji_g2t" : Path.of(cl.string("dataroot")).toAbsolutePath().normalize().getFileName().toString();
        Path dir = Path.of(cl.string("checkpoints_dir")).resolve(name);
        Files.createDirectories(dir.resolve("samples"));
        MemoryEstimate.announce(config, data, out, err);

        Random rng = new Random(seed);
        CycleGan model;
        try {
            model = new CycleGan(config, rng);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("train: " + e.getMessage());
        }
        Random dataRng = new Random(rng.nextLong());
        int stepsPerEpoch = data.batchCount();
        int lastEpoch = nEpochs + nEpochsDecay;
        out.printf("train: %s, %d images in A and %d in B (%s), %d steps per epoch, epochs %d..%d%n",
                embedded ? "embedded " + EmbeddedDataset.NAME + " (Google → Twitter emoji)" : cl.string("dataroot"),
                data.sourceA().size(), data.sourceB().size(), data.sourceA().description(), stepsPerEpoch, epochCount, lastEpoch);
        out.printf("model: %s G (%,d parameters) + %s D (%,d), %s, on %s; saving to %s%n", config.netG, model.gA.parameterCount(),
                config.netD, model.dA.parameterCount(), config.ganMode, backend.description(), dir);

        List<Batch> samples = fixedSamples(data, 4);
        LrSchedule schedule = new LrSchedule(epochCount, nEpochs, nEpochsDecay);
        Path csv = dir.resolve("loss_log.csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, "epoch,steps,lr," + String.join(",", CycleGan.LOSS_NAMES) + ",data_seconds,compute_seconds\n", StandardCharsets.UTF_8);
        }
        StepLossLog stepLog = new StepLossLog(dir.resolve("loss_steps.csv"));
        long runStart = System.nanoTime();
        int totalSteps = (lastEpoch - epochCount + 1) * stepsPerEpoch, stepsDone = 0;
        for (int epoch = epochCount; epoch <= lastEpoch; epoch++) {
            float lr = (float) (config.lr * schedule.multiplier(epoch));
            model.optimizerG.setLr(lr);
            model.optimizerD.setLr(lr);
            Map<String, Double> sums = new LinkedHashMap<>();
            double computeSeconds = 0;
            int steps = 0;
            try (Prefetcher<Batch> loader = data.epoch(dataRng, 4)) {
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
                    for (Map.Entry<String, Float> e : losses.entrySet()) {
                        if (!Float.isFinite(e.getValue())) {
                            err.printf("error: loss %s became %s at epoch %d step %d; stopping. The checkpoints in %s are from the last completed epoch.%n",
                                    e.getKey(), e.getValue(), epoch, steps, dir);
                            return 1;
                        }
                        sums.merge(e.getKey(), (double) e.getValue(), Double::sum);
                    }
                    if (steps % printFreq == 0 || steps == stepsPerEpoch) {
                        double elapsed = (System.nanoTime() - runStart) / 1e9;
                        double perStep = elapsed / stepsDone;
                        out.printf("epoch %d/%d  step %d/%d  %.2f it/s  data %.3f s  compute %.3f s  ETA %s  %s%n", epoch, lastEpoch, steps,
                                stepsPerEpoch, 1 / perStep, loader.totalWaitSeconds() / steps, computeSeconds / steps,
                                duration(perStep * (totalSteps - stepsDone)), format(losses));
                        stepLog.append(epoch, steps, stepsPerEpoch, sums);
                    }
                }
                Map<String, Double> means = new LinkedHashMap<>();
                for (Map.Entry<String, Double> e : sums.entrySet()) means.put(e.getKey(), e.getValue() / steps);
                for (String d : List.of("D_A", "D_B")) {
                    if (means.getOrDefault(d, 1.0) < 0.01) {
                        err.printf("warning: %s averaged %.4f this epoch: the discriminator wins too easily and its generator may get no useful gradient%n", d, means.get(d));
                    }
                }
                saveNetworks(model, dir, "latest", config, epoch);
                if (epoch % saveFreq == 0) saveNetworks(model, dir, Integer.toString(epoch), config, epoch);
                writeSamples(model, samples, dir.resolve("samples").resolve(String.format("epoch_%03d.png", epoch)));
                StringBuilder row = new StringBuilder().append(epoch).append(',').append(steps).append(',').append(lr);
                for (String k : CycleGan.LOSS_NAMES) row.append(',').append(means.get(k));
                row.append(',').append(loader.totalWaitSeconds()).append(',').append(computeSeconds).append('\n');
                Files.writeString(csv, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                TrainingReport.update(dir, cl.values(), err);
                out.printf("end of epoch %d/%d: mean %s, lr %.6f, saved %s%n", epoch, lastEpoch, format(means), lr, dir.resolve("latest_net_G_A.safetensors"));
            }
        }
        out.printf("done in %s: %s/latest_net_G_A.safetensors translates A → B; samples in %s%n",
                duration((System.nanoTime() - runStart) / 1e9), dir, dir.resolve("samples"));
        return 0;
    }

    /** The first {@code n} items in serial order, unflipped, for the sample grids. */
    private static List<Batch> fixedSamples(UnalignedDataset data, int n) {
        List<Batch> out = new ArrayList<>();
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random fixed = new Random(0);
        for (int i = 0; i < Math.min(n, data.size()); i++) {
            try {
                out.add(data.batch(order, i, fixed));
            } catch (org.cyclegan.train.data.ImageReadException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return out;
    }

    private static void writeSamples(CycleGan model, List<Batch> samples, Path file) throws IOException {
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

    /** The four networks as <prefix>_net_G_A.safetensors etc., with the architecture in the metadata. */
    static void saveNetworks(CycleGan model, Path dir, String prefix, CycleGanConfig c, int epoch) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "cyclegan-engine");
        meta.put("netG", c.netG);
        meta.put("netD", c.netD);
        meta.put("n_layers_D", Integer.toString(c.nLayersD));
        meta.put("ngf", Integer.toString(c.ngf));
        meta.put("ndf", Integer.toString(c.ndf));
        meta.put("norm", c.norm);
        meta.put("input_nc", Integer.toString(c.inputNc));
        meta.put("output_nc", Integer.toString(c.outputNc));
        meta.put("no_dropout", Boolean.toString(c.noDropout));
        meta.put("epoch", Integer.toString(epoch));
        Safetensors.write(dir.resolve(prefix + "_net_G_A.safetensors"), model.gA.stateDict(), meta);
        Safetensors.write(dir.resolve(prefix + "_net_G_B.safetensors"), model.gB.stateDict(), meta);
        Safetensors.write(dir.resolve(prefix + "_net_D_A.safetensors"), model.dA.stateDict(), meta);
        Safetensors.write(dir.resolve(prefix + "_net_D_B.safetensors"), model.dB.stateDict(), meta);
    }

    private static String format(Map<String, ? extends Number> losses) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ? extends Number> e : losses.entrySet()) sb.append(e.getKey()).append(' ').append(String.format("%.3f", e.getValue().doubleValue())).append("  ");
        return sb.toString().trim();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
