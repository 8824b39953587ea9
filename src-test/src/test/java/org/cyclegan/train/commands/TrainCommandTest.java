package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.Networks;
import org.cyclegan.train.cli.Main;
import org.cyclegan.train.gan.LrSchedule;
import org.cyclegan.train.report.LossPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command end to end on a few embedded images with tiny networks, its outputs, and its refusals. */
class TrainCommandTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void trainsOnTheEmbeddedSetAndWritesCheckpointsSamplesAndLossLog() throws Exception {
        int rc = run("train", "--max_dataset_size", "3", "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "1",
                "--save_epoch_freq", "2", "--checkpoints_dir", dir.toString(), "--name", "tiny", "--device", "cpu");
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Path exp = dir.resolve("tiny");
        for (String net : List.of("G_A", "G_B", "D_A", "D_B")) {
            assertTrue(Files.exists(exp.resolve("latest_net_" + net + ".safetensors")), net);
            assertTrue(Files.exists(exp.resolve("2_net_" + net + ".safetensors")), "every --save_epoch_freq epochs: " + net);
        }
        assertTrue(Files.exists(exp.resolve("samples/epoch_001.png")) && Files.exists(exp.resolve("samples/epoch_002.png")));
        List<String> csv = Files.readAllLines(exp.resolve("loss_log.csv"));
        assertEquals(3, csv.size(), "header + one row per epoch");
        assertTrue(csv.get(0).startsWith("epoch,steps,lr,D_A,G_A,cycle_A,idt_A,D_B,G_B,cycle_B,idt_B"));
        assertTrue(csv.get(2).startsWith("2,3,1.0E-4,"), "the second epoch decays the rate to lr / 2: " + csv.get(2));

        // The saved generator loads into a network built from the file's own metadata, under the reference's key names.
        Safetensors.Contents g = Safetensors.read(exp.resolve("latest_net_G_A.safetensors"), Backends.getDefault());
        assertEquals("resnet_6blocks", g.metadata().get("netG"));
        assertTrue(g.tensors().containsKey("model.1.weight") && g.tensors().containsKey("model.10.conv_block.1.weight"));
        Module net = Networks.defineG(3, 3, Integer.parseInt(g.metadata().get("ngf")), g.metadata().get("netG"), g.metadata().get("norm"),
                false, "normal", 0.02f, new Random(1));
        net.loadStateDict(g.tensors());
        float[] y = net.forward(Tensor.uniform(new Random(2), -1f, 1f, 1, 3, 32, 32)).toArray();
        for (float v : y) assertTrue(v >= -1f && v <= 1f, "tanh output");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("it/s") && out.toString(StandardCharsets.UTF_8).contains("ETA"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("memory: ~") && out.toString(StandardCharsets.UTF_8).contains("JVM max heap"));

        // The step log (a row at every progress line, here only the last step of each epoch), the plot and the page.
        List<String> steps = Files.readAllLines(exp.resolve("loss_steps.csv"));
        assertEquals(List.of("epoch,step,global_step", "1,3,3", "2,3,6"), steps.stream().map(l -> String.join(",", List.of(l.split(",")).subList(0, 3))).toList());
        assertEquals(LossPlot.WIDTH, javax.imageio.ImageIO.read(exp.resolve("loss_plot.png").toFile()).getWidth());
        String page = Files.readString(exp.resolve("index.html"));
        assertTrue(page.contains("src=\"loss_plot.png\"") && page.contains("samples/epoch_002.png") && page.contains("Updated after epoch 2."), page);
        assertTrue(page.indexOf("samples/epoch_002.png") < page.indexOf("samples/epoch_001.png"), "newest samples first");
    }

    @Test void theEmbeddedSetDefaultsToHalfWidthNetworksForSixEpochs() throws Exception {
        int rc = run("train", "--max_dataset_size", "2", "--n_epochs_decay", "0", "--n_epochs", "1", "--checkpoints_dir", dir.toString(),
                "--name", "defaults", "--device", "cpu");
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        var meta = Safetensors.read(dir.resolve("defaults/latest_net_G_A.safetensors"), Backends.getDefault()).metadata();
        assertEquals("resnet_6blocks", meta.get("netG"));
        assertEquals("32", meta.get("ngf"));
        assertEquals("32", meta.get("ndf"));
    }

    @Test void missingDatarootAndBadValuesAreRefusedByName() {
        assertEquals(2, run("train", "--dataroot", dir.resolve("nowhere").toString(), "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nowhere"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("train", "--preprocess", "stretch", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("preprocess"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("train", "--lr", "fast"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lr"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--netG", "unet_128", "--checkpoints_dir", dir.toString()));   // embedded images are 32 px
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--crop_size 32 does not fit --netG unet_128"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--lr_policy", "sometimes", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lr_policy"), err.toString(StandardCharsets.UTF_8));
    }

    /** Images that reach the networks too small for them are found by the memory estimate, before any step: a usage error. */
    @Test void imagesTheNetworksCannotTakeAreAUsageErrorBeforeTheFirstStep() {
        assertEquals(2, run("train", "--preprocess", "scale_width", "--load_size", "4", "--max_dataset_size", "2", "--ngf", "4", "--ndf", "4",
                "--checkpoints_dir", dir.toString(), "--device", "cpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: train: --netG resnet_6blocks / --netD basic cannot run on 4x32 images"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test void linearPolicyMatchesTheReferenceFormula() {
        LrSchedule s = new LrSchedule(1, 100, 100);
        assertEquals(1.0, s.multiplier(1), 1e-12);
        assertEquals(1.0, s.multiplier(100), 1e-12);
        assertEquals(1.0 - 1.0 / 101, s.multiplier(101), 1e-12);
        assertEquals(1.0 / 101, s.multiplier(200), 1e-12);
        LrSchedule resumed = new LrSchedule(151, 100, 100);   // --epoch_count 151: already 50 epochs into the decay
        assertEquals(1.0 - 51.0 / 101, resumed.multiplier(151), 1e-12);
    }

    @Test void stepCosineAndPlateauPoliciesMatchPyTorchsSchedulers() {
        LrSchedule step = new LrSchedule("step", 1, 100, 100, 3);
        assertEquals(1.0, step.multiplier(3), 1e-12);
        assertEquals(0.1, step.multiplier(4), 1e-12);
        assertEquals(0.01, step.multiplier(7), 1e-12);
        // torch.optim.lr_scheduler.CosineAnnealingLR(T_max=4, eta_min=0), lr 1, epochs 0..5
        LrSchedule cosine = new LrSchedule("cosine", 1, 4, 0, 50);
        double[] torchCosine = {1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0, 0.1464466094067262};
        for (int k = 0; k < torchCosine.length; k++) assertEquals(torchCosine[k], cosine.multiplier(1 + k), 1e-12, "cosine epoch " + k);
        // ReduceLROnPlateau(mode='min', factor=0.2, threshold=0.01, patience=5) fed these metrics, lr after each step:
        double[] metrics = {5, 4, 3.99, 3.98, 3.97, 3.96, 3.95, 3.94, 2, 2, 2, 2, 2, 2, 2, 2};
        double[] torchPlateau = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.2, 0.2};
        LrSchedule plateau = new LrSchedule("plateau", 1, 100, 100, 50);
        for (int i = 0; i < metrics.length; i++) {
            plateau.endEpoch(metrics[i]);
            assertEquals(torchPlateau[i], plateau.multiplier(2 + i), 1e-12, "plateau after metric " + i);
        }
    }

    /** A tiny run that saves mid-epoch (iter_3, iter_6) and at each epoch end (1_, 2_), with a pool small enough to fill. */
    private int tinyRun(Path checkpoints, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--max_dataset_size", "4", "--ngf", "4", "--ndf", "4",
                "--n_epochs", "1", "--n_epochs_decay", "1", "--pool_size", "3", "--load_size", "36", "--crop_size", "32",
                "--save_epoch_freq", "1", "--save_latest_freq", "3", "--save_by_iter", "--print_freq", "1000",
                "--checkpoints_dir", checkpoints.toString(), "--name", "tiny", "--device", "cpu", "--seed", "11"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target);
            }
        }
    }

    private static void assertSameTensors(Path expected, Path actual) throws java.io.IOException {
        var want = Safetensors.read(expected, Backends.getDefault()).tensors();
        var got = Safetensors.read(actual, Backends.getDefault()).tensors();
        assertEquals(want.keySet(), got.keySet(), actual.toString());
        for (String k : want.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(want.get(k).toArray(), got.get(k).toArray(), actual + ": " + k);
        }
    }

    @Test void continuingFromTheMiddleOrTheEndOfAnEpochGivesExactlyTheUninterruptedRun() throws Exception {
        // 4 images, batch 1: iter_6 is the second step of epoch 2; the plan, pools, moments and random state must all come back.
        assertContinuationsAreExact("batch1", List.of("iter_3", "iter_6", "1"));
    }

    @Test void continuingIsExactWithBatchesDirectionBtoANoPoolAndThePlateauPolicy() throws Exception {
        // 5 images in batches of 2 (the last one short), 3 steps per epoch: iter_2 is inside epoch 1, iter_4 inside epoch 2.
        assertContinuationsAreExact("batch2", List.of("iter_4", "1", "iter_2"), "--max_dataset_size", "5", "--batch_size", "2",
                "--direction", "BtoA", "--pool_size", "0", "--lr_policy", "plateau", "--save_latest_freq", "2");
    }

    private void assertContinuationsAreExact(String name, List<String> froms, String... options) throws Exception {
        Path full = dir.resolve(name);
        List<String> extra = new java.util.ArrayList<>(List.of(options));
        extra.addAll(List.of("--print_freq", "1"));
        assertEquals(0, tinyRun(full, extra.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
        Path tiny = full.resolve("tiny");
        for (String prefix : froms) {
            assertTrue(Files.exists(tiny.resolve(prefix + "_train_state.safetensors")), prefix);
            assertTrue(Files.exists(tiny.resolve(prefix + "_net_G_A.safetensors")), prefix);
        }
        List<String> fullLog = Files.readAllLines(tiny.resolve("loss_log.csv"));
        List<String> fullStepLog = Files.readAllLines(tiny.resolve("loss_steps.csv"));

        for (String from : froms) {
            Path copy = dir.resolve(name + "_from_" + from);
            copyTree(full, copy);
            out.reset();
            // No other option given: the saved run's options are used.
            int rc = run("train", "--continue_train", "--epoch", from, "--checkpoints_dir", copy.toString(), "--name", "tiny", "--device", "cpu");
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("continuing"), out.toString(StandardCharsets.UTF_8));
            for (String net : List.of("G_A", "G_B", "D_A", "D_B")) {
                assertSameTensors(tiny.resolve("latest_net_" + net + ".safetensors"), copy.resolve("tiny/latest_net_" + net + ".safetensors"));
            }
            assertSameTensors(tiny.resolve("latest_train_state.safetensors"), copy.resolve("tiny/latest_train_state.safetensors"));
            List<String> log = Files.readAllLines(copy.resolve("tiny/loss_log.csv"));
            assertEquals(fullLog.size(), log.size(), "rows of the replaced epochs are dropped, not duplicated: " + log);
            for (int i = 1; i < log.size(); i++) {
                // epoch, steps, lr and the mean losses are equal; the last two columns, the timings, are not
                List<String> want = withoutTimings(fullLog.get(i)), got = withoutTimings(log.get(i));
                assertEquals(want, got, "continued from " + from);
            }
            assertEquals(fullStepLog, Files.readAllLines(copy.resolve("tiny/loss_steps.csv")), "step log continued from " + from);
        }
    }

    private static List<String> withoutTimings(String row) {
        List<String> fields = List.of(row.split(","));
        return fields.subList(0, fields.size() - 2);
    }

    @Test void continuingIsExactWithEveryTuningOptionSet() throws Exception {
        // D's own rate and beta1, clipping (tight enough to act), instance noise (whose generator and annealing position
        // must come back too), augmentation (drawn from the data plan's generators) and the generators' shape options.
        assertContinuationsAreExact("tuned", List.of("iter_3", "iter_6", "1"), TUNING_OPTIONS);
    }

    /** Every tuning option at a value that changes training. */
    private static final String[] TUNING_OPTIONS = {"--lr_D", "0.0001", "--beta1_D", "0.9", "--clip_grad_norm", "0.5", "--d_noise", "0.1",
        "--rotate", "15", "--color_jitter", "0.2,0.3", "--upsample", "resize_conv", "--netG", "resnet_4blocks"};

    @Test void tuningOptionsAreSavedShownAndScheduledAndBadValuesRefusedByName() throws Exception {
        assertEquals(0, tinyRun(dir, TUNING_OPTIONS), err.toString(StandardCharsets.UTF_8));
        String log = out.toString(StandardCharsets.UTF_8);
        // The linear policy halves both rates in the second (last) epoch of 1 + 1.
        assertTrue(log.contains("lr 0.000200 (D 0.000100)") && log.contains("lr 0.000100 (D 0.000050)"), log);
        var meta = Safetensors.read(dir.resolve("tiny/latest_train_state.safetensors"), Backends.getDefault()).metadata();
        for (int i = 0; i < TUNING_OPTIONS.length; i += 2) assertEquals(TUNING_OPTIONS[i + 1], meta.get("option." + TUNING_OPTIONS[i].substring(2)));
        assertTrue(meta.containsKey("random.instance_noise"));
        for (String[] bad : new String[][] {{"--lr_D", "0"}, {"--lr_D", "slow"}, {"--beta1_D", "1"}, {"--clip_grad_norm", "-1"}, {"--d_noise", "-0.1"}}) {
            err.reset();
            assertEquals(2, run("train", bad[0], bad[1], "--checkpoints_dir", dir.resolve("bad").toString()), bad[0]);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(bad[0]), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test void continuingAWgangpRunIsExactPenaltyInterpolationIncluded() throws Exception {
        // The mixed penalty draws one α per sample and D step from its own generator, saved in the training state.
        assertContinuationsAreExact("wgangp", List.of("iter_3", "iter_6", "1"), "--gan_mode", "wgangp");
    }

    @Test void aTinyWgangpRunTrainsWithFiniteLossesAndLogsThePenalties() throws Exception {
        assertEquals(0, tinyRun(dir, "--gan_mode", "wgangp", "--n_epochs_decay", "0", "--print_freq", "2"), err.toString(StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.contains("wgangp (gradient penalty 10.0 at mixed points)"), stdout);
        Path exp = dir.resolve("tiny");
        String lossColumns = "D_A,G_A,cycle_A,idt_A,D_B,G_B,cycle_B,idt_B,gp_A,gp_B";
        List<String> epochs = Files.readAllLines(exp.resolve("loss_log.csv"));
        assertEquals("epoch,steps,lr," + lossColumns + ",data_seconds,compute_seconds", epochs.get(0));
        List<String> steps = Files.readAllLines(exp.resolve("loss_steps.csv"));
        assertEquals("epoch,step,global_step," + lossColumns, steps.get(0));
        assertEquals(3, steps.size(), "rows at steps 2 and 4: " + steps);
        List<String> rows = List.of(epochs.get(1), steps.get(1), steps.get(2));
        for (int r = 0; r < rows.size(); r++) {
            String[] fields = rows.get(r).split(",");
            for (String v : fields) assertTrue(Double.isFinite(Double.parseDouble(v)), rows.get(r));
            int gpA = fields.length - (r == 0 ? 4 : 2);   // the epoch log ends with the two timings
            assertTrue(Double.parseDouble(fields[gpA]) > 0 && Double.parseDouble(fields[gpA + 1]) > 0, "the penalties are on: " + rows.get(r));
        }
        Safetensors.Contents state = Safetensors.read(exp.resolve("latest_train_state.safetensors"), Backends.getDefault());
        assertTrue(state.metadata().containsKey("random.gradient_penalty"), "the α generator is saved");
        assertEquals("10.0", state.metadata().get("option.lambda_gp"));
        assertEquals("mixed", state.metadata().get("option.gp_type"));
    }

    @Test void lambdaGpZeroIsTheReferencesBareWgan() throws Exception {
        assertEquals(0, tinyRun(dir, "--gan_mode", "wgangp", "--lambda_gp", "0", "--n_epochs_decay", "0"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wgangp (no gradient penalty, as the reference)"), out.toString(StandardCharsets.UTF_8));
        String[] row = Files.readAllLines(dir.resolve("tiny/loss_log.csv")).get(1).split(",");
        assertEquals(List.of("0.0", "0.0"), List.of(row).subList(row.length - 4, row.length - 2), "gp_A and gp_B: no penalty");
        // A bare critic's loss goes below 0 as soon as it tells real from fake; it is no sign of a discriminator winning.
        double dA = Double.parseDouble(row[3]), dB = Double.parseDouble(row[7]);
        assertTrue(Math.min(dA, dB) < 0.01, "the lsgan warning's threshold is crossed here (D_A " + dA + ", D_B " + dB + ")");
        assertTrue(!err.toString(StandardCharsets.UTF_8).contains("wins too easily"), "a critic's negative loss is no warning: " + err);
    }

    @Test void wgangpOptionsAreCheckedAndTheModeCannotBeSwitchedOnResume() throws Exception {
        assertEquals(2, run("train", "--gan_mode", "hinge", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--gan_mode must be one of [lsgan, vanilla, wgangp]"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--gan_mode", "wgangp", "--gp_type", "between", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--gp_type must be one of [mixed, real, fake]"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--gan_mode", "wgangp", "--lambda_gp", "-1", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lambda_gp must be >= 0"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--gan_mode", "wgangp", "--lambda_gp", "strong", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lambda_gp needs a number"), err.toString(StandardCharsets.UTF_8));

        // The penalty's options without wgangp: trained as asked, with a warning that they do nothing.
        err.reset();
        Path lsgan = dir.resolve("lsgan");
        assertEquals(0, tinyRun(lsgan, "--lambda_gp", "5", "--n_epochs_decay", "0"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lambda_gp and --gp_type apply to --gan_mode wgangp only"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readAllLines(lsgan.resolve("tiny/loss_log.csv")).get(0).endsWith(",idt_B,data_seconds,compute_seconds"), "lsgan's columns as before");

        // A run cannot switch into or out of wgangp (its logs' columns and its saved random state differ); lsgan and
        // vanilla can, with a warning, as before.
        err.reset();
        assertEquals(2, run("train", "--continue_train", "--checkpoints_dir", lsgan.toString(), "--name", "tiny", "--n_epochs", "2",
                "--gan_mode", "wgangp"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--gan_mode wgangp cannot continue a run trained with --gan_mode lsgan"),
                err.toString(StandardCharsets.UTF_8));
        Path wgan = dir.resolve("wgan");
        assertEquals(0, tinyRun(wgan, "--gan_mode", "wgangp", "--n_epochs_decay", "0"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--continue_train", "--checkpoints_dir", wgan.toString(), "--name", "tiny", "--n_epochs", "2",
                "--gan_mode", "vanilla"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--gan_mode vanilla cannot continue a run trained with --gan_mode wgangp"),
                err.toString(StandardCharsets.UTF_8));

        // The penalty's weight and type may change on resume, with the warning every training option gives.
        err.reset();
        assertEquals(0, run("train", "--continue_train", "--checkpoints_dir", wgan.toString(), "--name", "tiny", "--n_epochs", "2",
                "--lambda_gp", "1", "--gp_type", "real"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("warning: --lambda_gp changed from 10.0 to 1"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("warning: --gp_type changed from mixed to real"), err.toString(StandardCharsets.UTF_8));
        assertTrue(!err.toString(StandardCharsets.UTF_8).contains("apply to --gan_mode wgangp only"), err.toString(StandardCharsets.UTF_8));
    }

    @Test void continuingRefusesAnotherArchitectureAMissingSaveAndACorruptState() throws Exception {
        Path full = dir.resolve("run");
        assertEquals(0, tinyRun(full, "--n_epochs_decay", "0"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--continue_train", "--checkpoints_dir", full.toString(), "--name", "tiny", "--ngf", "8", "--n_epochs", "2"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--ngf 8"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--continue_train", "--epoch", "7", "--checkpoints_dir", full.toString(), "--name", "tiny"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("7_train_state.safetensors"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("train", "--continue_train", "--checkpoints_dir", full.toString(), "--name", "tiny"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nothing to do"), err.toString(StandardCharsets.UTF_8));

        Path state = full.resolve("tiny/latest_train_state.safetensors");
        byte[] before = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(before, before.length / 2));
        err.reset();
        assertEquals(1, run("train", "--continue_train", "--checkpoints_dir", full.toString(), "--name", "tiny", "--n_epochs", "2"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(state.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(full.resolve("tiny/latest_net_G_A.safetensors")), "nothing earlier is deleted");

        // Networks without a training state (as the reference leaves them): loaded, with a warning saying what restarts.
        Files.delete(state);
        err.reset();
        assertEquals(0, run("train", "--continue_train", "--checkpoints_dir", full.toString(), "--name", "tiny", "--max_dataset_size", "2",
                "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "0", "--device", "cpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("networks only"), err.toString(StandardCharsets.UTF_8));
    }
}
