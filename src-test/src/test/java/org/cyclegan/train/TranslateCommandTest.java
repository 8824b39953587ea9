package org.cyclegan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** translate: a saved generator on a folder with an odd-sized image and a broken one; refusals by name. */
class TranslateCommandTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void translatesEveryReadableImageAtAnySizeAndNamesTheBrokenOne() throws Exception {
        CycleGanConfig c = CycleGanTest.tiny();
        CycleGan model = new CycleGan(c, new Random(1));
        TrainCommand.saveNetworks(model, dir, "latest", c, 1);
        Path in = Files.createDirectories(dir.resolve("in"));
        BufferedImage img = new BufferedImage(30, 22, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 22; y++) for (int x = 0; x < 30; x++) img.setRGB(x, y, (x * 8) << 16 | (y * 10) << 8 | 90);
        ImageIO.write(img, "png", in.resolve("odd.png").toFile());
        Files.write(in.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path outDir = dir.resolve("out");
        assertEquals(0, run("translate", "--weights", dir.resolve("latest_net_G_A.safetensors").toString(), "--input", in.toString(),
                "--output", outDir.toString(), "--device", "cpu"), err.toString(StandardCharsets.UTF_8));
        BufferedImage result = ImageIO.read(outDir.resolve("odd.png").toFile());
        assertTrue(result.getWidth() % 4 == 0 && result.getHeight() % 4 == 0 && Math.abs(result.getWidth() - 30) <= 2
                && Math.abs(result.getHeight() - 22) <= 2, "rounded to a multiple of 4: " + result.getWidth() + "x" + result.getHeight());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken.png"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("translated 1 of 2"), out.toString(StandardCharsets.UTF_8));
    }

    @Test void missingOrWrongInputsAreRefused() throws Exception {
        assertEquals(2, run("translate", "--input", "x", "--output", "y"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--weights"), err.toString(StandardCharsets.UTF_8));
        Path notWeights = Files.writeString(dir.resolve("w.safetensors"), "not a safetensors file at all");
        assertEquals(1, run("translate", "--weights", notWeights.toString(), "--input", dir.toString(), "--output", dir.resolve("o").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("w.safetensors"), err.toString(StandardCharsets.UTF_8));
    }
}
