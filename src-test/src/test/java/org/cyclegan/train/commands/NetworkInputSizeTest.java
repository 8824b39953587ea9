package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.NetworkInputSize;
import org.cyclegan.model.Networks;
import org.cyclegan.train.cli.Main;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.CycleGanTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sizes the networks take: the rule agrees with the networks, and train --preprocess none skips images that break it. */
class NetworkInputSizeTest {
    @TempDir Path dir;

    private static void forward(Module g, int w, int h) {
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
            g.forward(Tensor.zeros(1, 3, h, w));
        }
    }

    /** A ResNet generator fails on 4x4 and on 8x4 (the residual blocks see 1 pixel) and runs at 8x8: the rule says exactly that. */
    @Test void theResnetRuleIsWhatTheGeneratorTakes() {
        Module g = Networks.defineG(3, 3, 4, "resnet_6blocks", "instance", false, "normal", 0.02f, new Random(0));
        NetworkInputSize fit = NetworkInputSize.generator(GeneratorKind.resnet(6));
        for (int[] s : new int[][] {{4, 4}, {8, 4}, {4, 12}}) {
            assertThrows(IllegalArgumentException.class, () -> forward(g, s[0], s[1]), s[0] + "x" + s[1]);
            assertNotNull(fit.misfit(s[0], s[1]), s[0] + "x" + s[1]);
        }
        for (int[] s : new int[][] {{8, 8}, {12, 8}, {8, 20}}) {
            forward(g, s[0], s[1]);
            assertNull(fit.misfit(s[0], s[1]), s[0] + "x" + s[1]);
        }
        assertTrue(fit.misfit(4, 4).contains("too small for --netG resnet_6blocks") && fit.misfit(4, 4).contains("at least 8"), fit.misfit(4, 4));
    }

    @Test void aCycleGanAlsoNeedsWhatItsDiscriminatorTakes() {
        CycleGanConfig c = CycleGanTest.tiny();
        NetworkInputSize fit = c.inputSize();
        assertEquals(24, fit.minimum(), "basic PatchGAN: 3 halvings, then 3x3");
        assertNotNull(fit.misfit(20, 32));
        assertNull(fit.misfit(24, 32));
        assertEquals(256, NetworkInputSize.generator(GeneratorKind.parse("unet_256")).multiple());
    }

    private static void png(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 9) % 256 << 16 | (y * 7) % 256 << 8 | 60);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** train --preprocess none with a 4x4 image among good ones: a warning naming it, then training goes on (it crashed). */
    @Test void trainSkipsAnImageTooSmallForTheNetworks() throws Exception {
        Path root = dir.resolve("data");
        png(root.resolve("trainA/a.png"), 32, 32);
        png(root.resolve("trainA/tiny.png"), 4, 4);
        png(root.resolve("trainB/b.png"), 32, 32);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
        int rc = Main.run(new String[] {"train", "--dataroot", root.toString(), "--preprocess", "none", "--netG", "resnet_6blocks", "--ngf", "4", "--ndf", "4",
                "--n_epochs", "1", "--n_epochs_decay", "0", "--checkpoints_dir", dir.resolve("ck").toString(), "--name", "t", "--device", "cpu"}, p, p);
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        assertTrue(text.contains("warning: skipping " + root.resolve("trainA/tiny.png") + ": too small for --netG resnet_6blocks and --netD basic"), text);
        assertTrue(Files.isRegularFile(dir.resolve("ck/t/latest_net_G_A.safetensors")), "trained on the rest");
    }
}
