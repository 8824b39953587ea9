package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cyclegan.engine.io.Json;
import org.cyclegan.testing.Console;
import org.cyclegan.train.eval.ImageMetrics;
import org.cyclegan.train.eval.ImageMetricsTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval: scores over images matched by name, the identity baseline, the JSON line, and every refusal by name. */
class EvalCommandTest {
    @TempDir Path dir;
    private final Console console = new Console();
    private Path pred, target, source;

    @BeforeEach void folders() throws IOException {
        pred = Files.createDirectories(dir.resolve("pred"));
        target = Files.createDirectories(dir.resolve("target"));
        source = Files.createDirectories(dir.resolve("source"));
    }

    private static void png(Path file, BufferedImage img) throws IOException {
        ImageIO.write(img, "png", file.toFile());
    }

    @Test void scoresMatchedPairsWithTheIdentityBaselineAndEndsWithJson() throws Exception {
        // a: the target is stored as RGBA, half transparent; the prediction is that image already composited onto
        // white, as Images.read does it, so the pair must count as identical.
        BufferedImage rgba = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) rgba.setRGB(x, y, 0x80 << 24 | (x * 16) << 16 | (y * 16) << 8 | 40);
        png(target.resolve("a.png"), rgba);
        png(pred.resolve("a.png"), org.cyclegan.train.data.Images.toRgb(rgba, "a"));
        png(source.resolve("a.png"), ImageMetricsTest.constant(16, 16, 255, 255, 255));
        // b: the prediction is 10 levels off everywhere; the source 40. c has no prediction: left out with a warning.
        png(target.resolve("b.png"), ImageMetricsTest.constant(16, 16, 100, 100, 100));
        png(pred.resolve("b.png"), ImageMetricsTest.constant(16, 16, 110, 110, 110));
        png(source.resolve("b.png"), ImageMetricsTest.constant(16, 16, 140, 140, 140));
        png(target.resolve("c.png"), ImageMetricsTest.constant(16, 16, 1, 2, 3));
        png(source.resolve("c.png"), ImageMetricsTest.constant(16, 16, 1, 2, 3));

        assertEquals(0, console.run("eval", "--pred", pred.toString(), "--target", target.toString(), "--source", source.toString(), "--json"), console.err());
        assertTrue(console.err().contains("1 of 3 images in --target") && console.err().contains("c.png"), console.err());
        assertTrue(console.out().contains("eval: 2 images matched"), console.out());
        assertTrue(console.out().contains("prediction (--pred)") && console.out().contains("identity (--source)"), console.out());
        String[] lines = console.out().trim().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        assertEquals(2L, json.get("images"));
        Map<?, ?> p = (Map<?, ?>) json.get("pred"), id = (Map<?, ?>) json.get("identity");
        assertEquals((0 + 10 / 127.5) / 2, (Double) p.get("l1"), 1e-12);
        assertEquals((ImageMetrics.PSNR_CAP_DB + 20 * Math.log10(25.5)) / 2, (Double) p.get("psnr"), 1e-9);
        assertEquals(1L, p.get("identical"));
        BufferedImage a = org.cyclegan.train.data.Images.toRgb(rgba, "a");
        double sourceL1 = (ImageMetrics.l1(ImageMetricsTest.constant(16, 16, 255, 255, 255), a) + 40 / 127.5) / 2;
        assertEquals(sourceL1, (Double) id.get("l1"), 1e-12);
        assertEquals(sourceL1 / 2, (Double) id.get("l1_01"), 1e-12);
        assertTrue((Double) p.get("ssim") > (Double) id.get("ssim"), json.toString());
        assertEquals(1L, ((Map<?, ?>) json.get("unmatched")).get("target"));
    }

    @Test void matchesByNameWithoutExtension() throws Exception {
        png(pred.resolve("x.png"), ImageMetricsTest.constant(12, 12, 9, 9, 9));
        ImageIO.write(ImageMetricsTest.constant(12, 12, 9, 9, 9), "bmp", target.resolve("x.bmp").toFile());
        assertEquals(0, console.run("eval", "--pred", pred.toString(), "--target", target.toString()), console.err());
        assertTrue(console.out().contains("eval: 1 images matched"), console.out());
    }

    @Test void missingOptionsAndFoldersAreUsageErrors() throws Exception {
        assertEquals(2, console.run("eval", "--pred", pred.toString()));
        assertTrue(console.err().contains("--target is required"), console.err());
        assertEquals(2, console.run("eval", "--pred", dir.resolve("nowhere").toString(), "--target", target.toString()));
        assertTrue(console.err().contains("--pred " + dir.resolve("nowhere") + " does not exist"), console.err());
        png(target.resolve("t.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        assertEquals(2, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains("--pred " + pred + " holds no images"), console.err());
        assertEquals(2, console.run("eval", "--pred", target.resolve("t.png").toString(), "--target", target.toString()));
        assertTrue(console.err().contains("is not a folder"), console.err());
    }

    @Test void noCommonNameIsAUsageError() throws Exception {
        png(pred.resolve("one.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        png(target.resolve("two.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        assertEquals(2, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains("no file name is common"), console.err());
    }

    @Test void aSizeMismatchIsRefusedNamingBothFiles() throws Exception {
        png(pred.resolve("m.png"), ImageMetricsTest.constant(16, 16, 0, 0, 0));
        png(target.resolve("m.png"), ImageMetricsTest.constant(16, 12, 0, 0, 0));
        assertEquals(1, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains(pred.resolve("m.png") + " is 16x16") && console.err().contains(target.resolve("m.png") + " is 16x12"), console.err());
    }

    @Test void anUnreadableImageIsRefusedByName() throws Exception {
        Files.write(pred.resolve("bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        png(target.resolve("bad.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        assertEquals(1, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains("cannot read image " + pred.resolve("bad.png")), console.err());
    }

    @Test void twoImagesWithOneBaseNameAndImagesTooSmallForSsimAreRefused() throws Exception {
        png(pred.resolve("d.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        ImageIO.write(ImageMetricsTest.constant(12, 12, 0, 0, 0), "bmp", pred.resolve("d.bmp").toFile());
        png(target.resolve("d.png"), ImageMetricsTest.constant(12, 12, 0, 0, 0));
        assertEquals(1, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains("two images named d (d.bmp and d.png)"), console.err());
        Files.delete(pred.resolve("d.bmp"));
        png(pred.resolve("d.png"), ImageMetricsTest.constant(8, 8, 0, 0, 0));
        png(target.resolve("d.png"), ImageMetricsTest.constant(8, 8, 0, 0, 0));
        assertEquals(1, console.run("eval", "--pred", pred.toString(), "--target", target.toString()));
        assertTrue(console.err().contains("is 8x8; SSIM needs images of at least 11x11"), console.err());
    }
}
