package org.cyclegan.train;

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
import org.cyclegan.model.Networks;
import org.cyclegan.model.layers.Layer;
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
        Layer net = Networks.defineG(3, 3, Integer.parseInt(g.metadata().get("ngf")), g.metadata().get("netG"), g.metadata().get("norm"),
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

    @Test void missingDatarootAndBadValuesAreRefusedByName() {
        assertEquals(2, run("train", "--dataroot", dir.resolve("nowhere").toString(), "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("nowhere"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("train", "--preprocess", "stretch", "--checkpoints_dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("preprocess"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("train", "--lr", "fast"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--lr"), err.toString(StandardCharsets.UTF_8));
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
}
