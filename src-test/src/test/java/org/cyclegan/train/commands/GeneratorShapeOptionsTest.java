package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.testing.Console;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.CycleGanTest;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.NetworkFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options that shape a ResNet generator beyond the reference's: {@code --upsample resize_conv} and
 * {@code --netG resnet_<N>blocks}. A run trained with them saves networks whose metadata says so, and translate and
 * test rebuild the same generator from the file alone; wrong values are usage errors naming the option.
 */
class GeneratorShapeOptionsTest {
    @TempDir Path dir;
    private final Console console = new Console();

    private int train(String name, String... extra) {
        String[] base = {"train", "--max_dataset_size", "2", "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "0",
                "--checkpoints_dir", dir.toString(), "--name", name, "--device", "cpu"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return console.run(args);
    }

    private Path image() throws IOException {
        Path png = dir.resolve("in.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) img.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | 100);
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        return png;
    }

    @Test void aResizeConvolutionRunSavesItsUpsamplingAndTranslateRebuildsItFromTheFile() throws Exception {
        assertEquals(0, train("rc", "--upsample", "resize_conv"), console.err());
        assertTrue(console.out().contains("up-sampling by resize_conv"), console.out());
        Path gA = dir.resolve("rc/latest_net_G_A.safetensors");
        Safetensors.Contents g = Safetensors.read(gA, Backends.getDefault());
        assertEquals("resize_conv", g.metadata().get("upsample"));
        // resnet_6blocks: the Upsample layers are model.16 and model.20, the convolutions model.17 and model.21.
        assertTrue(g.tensors().containsKey("model.17.weight") && g.tensors().containsKey("model.21.weight") && g.tensors().containsKey("model.25.weight"));
        assertFalse(g.tensors().keySet().stream().anyMatch(k -> k.startsWith("model.16.") || k.startsWith("model.20.")));
        Safetensors.Contents state = Safetensors.read(dir.resolve("rc/latest_train_state.safetensors"), Backends.getDefault());
        assertEquals("resize_conv", state.metadata().get("option.upsample"), "saved with the run's options");

        console.resetOut();
        assertEquals(0, console.run("translate", "--weights", gA.toString(), "--input", image().toString(), "--output", dir.resolve("out").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("resnet_6blocks (resize_conv)") && console.out().contains("upsample from the file's metadata"), console.out());
        assertTrue(Files.isRegularFile(dir.resolve("out/in.png")));
        // test reads both generators the same way.
        assertEquals(0, console.run("test", "--checkpoints_dir", dir.toString(), "--name", "rc", "--results_dir", dir.resolve("results").toString(),
                "--num_test", "1", "--device", "cpu"), console.err());

        // Told otherwise, translate refuses the file and says what its keys fit.
        assertEquals(2, console.run("translate", "--weights", gA.toString(), "--upsample", "transpose", "--input", image().toString(),
                "--output", dir.resolve("out2").toString(), "--device", "cpu"));
        assertTrue(console.err().contains("--upsample resize_conv"), console.err());
    }

    @Test void continuingARunWithAnotherUpsamplingIsRefused() {
        assertEquals(0, train("fixed", "--upsample", "resize_conv"), console.err());
        assertEquals(2, console.run("train", "--continue_train", "--upsample", "transpose", "--max_dataset_size", "2", "--n_epochs", "2", "--n_epochs_decay", "0",
                "--checkpoints_dir", dir.toString(), "--name", "fixed", "--device", "cpu"));
        assertTrue(console.err().contains("--upsample transpose does not match the run being continued (resize_conv"), console.err());
        // Without the option the saved value is adopted.
        assertEquals(0, console.run("train", "--continue_train", "--max_dataset_size", "2", "--n_epochs", "2", "--n_epochs_decay", "0",
                "--checkpoints_dir", dir.toString(), "--name", "fixed", "--device", "cpu"), console.err());
        assertTrue(console.out().contains("up-sampling by resize_conv"), console.out());
    }

    @Test void aFileWithoutTheKeyIsTheReferencesTransposedConvolutions() throws Exception {
        CycleGanConfig c = CycleGanTest.tiny();
        NetworkFiles.write(new CycleGan(c, new Random(1)), new CheckpointFiles(dir), "latest", 1);
        Path gA = dir.resolve("latest_net_G_A.safetensors");
        assertFalse(Safetensors.read(gA, Backends.getDefault()).metadata().containsKey("upsample"), "transpose writes no key, as before the option");
        assertEquals(0, console.run("translate", "--weights", gA.toString(), "--input", image().toString(), "--output", dir.resolve("out").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("resnet_6blocks, ngf 4") && !console.out().contains("resize_conv"), console.out());

        // A resize-convolution file whose metadata lost the key is still recognised from its keys.
        c.upsample = GeneratorUpsampling.RESIZE_CONV;
        CycleGan rc = new CycleGan(c, new Random(1));
        Path bare = dir.resolve("bare.safetensors");
        Safetensors.write(bare, rc.gA.stateDict(), java.util.Map.of());
        assertEquals(0, console.run("translate", "--weights", bare.toString(), "--input", image().toString(), "--output", dir.resolve("out3").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("resnet_6blocks (resize_conv)") && console.out().contains("upsample from the file's keys"), console.out());
    }

    @Test void anyNumberOfResidualBlocksTrainsAndTranslateRebuildsIt() throws Exception {
        assertEquals(0, train("four", "--netG", "resnet_4blocks"), console.err());
        Path gA = dir.resolve("four/latest_net_G_A.safetensors");
        Safetensors.Contents g = Safetensors.read(gA, Backends.getDefault());
        assertEquals("resnet_4blocks", g.metadata().get("netG"));
        assertTrue(g.tensors().containsKey("model.13.conv_block.5.weight") && !g.tensors().containsKey("model.14.conv_block.1.weight")
                && g.tensors().containsKey("model.14.weight") && g.tensors().containsKey("model.21.weight"), "blocks model.10-13, then PyTorch's numbering");
        assertEquals(0, console.run("translate", "--weights", gA.toString(), "--input", image().toString(), "--output", dir.resolve("out").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("resnet_4blocks, ngf 4"), console.out());
        // Without metadata, the block count comes from the keys.
        Path bare = dir.resolve("bare.safetensors");
        Safetensors.write(bare, g.tensors(), java.util.Map.of());
        console.resetOut();
        assertEquals(0, console.run("translate", "--weights", bare.toString(), "--input", image().toString(), "--output", dir.resolve("out2").toString(),
                "--device", "cpu"), console.err());
        assertTrue(console.out().contains("resnet_4blocks") && console.out().contains("netG from the file's keys"), console.out());
    }

    @Test void wrongValuesAreUsageErrorsNamingTheOption() throws Exception {
        assertEquals(2, train("bad1", "--upsample", "bilinear"));
        assertTrue(console.err().contains("--upsample must be one of [transpose, resize_conv], got 'bilinear'"), console.err());
        console.resetErr();
        assertEquals(2, train("bad2", "--netG", "unet_128", "--upsample", "resize_conv", "--crop_size", "128", "--load_size", "128"));
        assertTrue(console.err().contains("--upsample resize_conv applies to the resnet generators, not --netG unet_128"), console.err());
        console.resetErr();
        assertEquals(2, train("bad3", "--netG", "resnet_0blocks"));
        assertTrue(console.err().contains("--netG") && console.err().contains("at least 1 residual block"), console.err());
        console.resetErr();
        assertEquals(2, train("bad4", "--netG", "resnet_fourblocks"));
        assertTrue(console.err().contains("--netG") && console.err().contains(GeneratorKind.CHOICES), console.err());
        console.resetErr();
        CycleGanConfig c = CycleGanTest.tiny();
        c.netG = GeneratorKind.unet(7);
        c.ngf = 1;
        NetworkFiles.write(new CycleGan(c, new Random(1)), new CheckpointFiles(dir), "unet", 1);
        String unet = dir.resolve("unet_net_G_A.safetensors").toString();
        assertEquals(2, console.run("translate", "--weights", unet, "--upsample", "cubic", "--input", image().toString(), "--output", dir.resolve("o").toString()));
        assertTrue(console.err().contains("--upsample must be one of [transpose, resize_conv], got 'cubic'"), console.err());
        console.resetErr();
        assertEquals(2, console.run("translate", "--weights", unet, "--upsample", "resize_conv", "--input", image().toString(), "--output", dir.resolve("o").toString()));
        assertTrue(console.err().contains("translate: --upsample resize_conv applies to the resnet generators, not --netG unet_128"), console.err());
    }

    @Test void helpListsTheOptionsAndAnyDepth() {
        for (String command : new String[] {"train", "test", "translate", "bench"}) {
            console.resetOut();
            assertEquals(0, console.run(command, "--help"));
            assertTrue(console.out().contains("--upsample") && console.out().contains("resize_conv"), command + ": " + console.out());
            assertTrue(console.out().contains("resnet_<N>blocks"), command + ": " + console.out());
        }
    }
}
