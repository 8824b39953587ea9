package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cyclegan.train.FolderContents;
import org.cyclegan.train.cli.Main;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.CycleGanTest;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.NetworkFiles;
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
        NetworkFiles.write(model, new CheckpointFiles(dir), "latest", 1);
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
        Path in = Files.createDirectories(dir.resolve("in"));
        png(in.resolve("x.png"), 16, 16);
        assertEquals(1, run("translate", "--weights", notWeights.toString(), "--input", in.toString(), "--output", dir.resolve("o").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("w.safetensors"), err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] png(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 9) % 256 << 16 | (y * 7) % 256 << 8 | 60);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.getFileName().toString().endsWith(".jpg") ? "jpg" : "png", file.toFile());
        return Files.readAllBytes(file);
    }

    private Path weights() throws IOException {
        CycleGanConfig c = CycleGanTest.tiny();
        NetworkFiles.write(new CycleGan(c, new Random(1)), new CheckpointFiles(dir), "latest", 1);
        return dir.resolve("latest_net_G_A.safetensors");
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet(), "the same files");
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), k + " unchanged");
    }

    /** --output equal to, inside, or containing --input (also through a symbolic link) is refused; the inputs are untouched. */
    @Test void anOutputFolderThatIsInsideOrContainsTheInputIsRefused() throws Exception {
        Path w = weights();
        Path in = dir.resolve("photos");
        png(in.resolve("a.png"), 16, 16);
        png(in.resolve("sub/b.png"), 16, 16);
        Path link = Files.createSymbolicLink(dir.resolve("link"), in);
        Map<String, byte[]> before = FolderContents.of(dir);
        String[][] cases = {
            {in.toString(), "is the input folder"},
            {in.resolve("out").toString(), "lies inside the input folder"},
            {in.resolve("sub").toString(), "lies inside the input folder"},
            {link.toString(), "is the input folder"},
            {link.resolve("new/deeper").toString(), "lies inside the input folder"},
            {dir.toString(), "contains the input folder"},
            {in.resolve("sub/..").toString(), "is the input folder"},
        };
        for (String[] c : cases) {
            err.reset();
            assertEquals(2, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", c[0], "--device", "cpu"), c[0]);
            assertTrue(stderr().contains("--output " + c[0]) && stderr().contains(c[1]), c[0] + ": " + stderr());
        }
        assertSameFiles(before, FolderContents.of(dir));
        assertFalse(Files.exists(in.resolve("out")), "no folder created");
    }

    /** A single image translated into its own folder would overwrite itself when it is a .png: refused. */
    @Test void aSingleImageIsNeverWrittenOverItself() throws Exception {
        Path w = weights();
        Path in = dir.resolve("photos");
        byte[] bytes = png(in.resolve("a.png"), 16, 16);
        assertEquals(2, run("translate", "--weights", w.toString(), "--input", in.resolve("a.png").toString(), "--output", in.toString(),
                "--device", "cpu", "--overwrite"));
        assertTrue(stderr().contains("would overwrite the input image"), stderr());
        assertArrayEquals(bytes, Files.readAllBytes(in.resolve("a.png")));
        // A .jpg in its own folder is fine: the output is a.png beside it.
        png(in.resolve("c.jpg"), 16, 16);
        assertEquals(0, run("translate", "--weights", w.toString(), "--input", in.resolve("c.jpg").toString(), "--output", in.toString(), "--device", "cpu"), stderr());
        assertTrue(Files.isRegularFile(in.resolve("c.png")));
    }

    /**
     * Relative paths are kept, names that would clash keep their extension (x.jpg -> x.jpg.png beside x.png), the count
     * is exactly what was written, and every output exists with the size of its own input.
     */
    @Test void namesKeepTheirFoldersAndClashingNamesKeepTheirExtension() throws Exception {
        Path w = weights();
        Path in = dir.resolve("in"), outDir = dir.resolve("out");
        png(in.resolve("x.png"), 16, 16);
        png(in.resolve("x.jpg"), 20, 16);
        png(in.resolve("sub/x.png"), 24, 16);
        png(in.resolve("y.jpg"), 28, 16);
        assertEquals(0, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", outDir.toString(), "--device", "cpu"), stderr());
        assertEquals(java.util.Set.of("x.png", "x.jpg.png", "sub/x.png", "y.png"), FolderContents.of(outDir).keySet());
        assertEquals(16, ImageIO.read(outDir.resolve("x.png").toFile()).getWidth());
        assertEquals(20, ImageIO.read(outDir.resolve("x.jpg.png").toFile()).getWidth());
        assertEquals(24, ImageIO.read(outDir.resolve("sub/x.png").toFile()).getWidth());
        assertEquals(28, ImageIO.read(outDir.resolve("y.png").toFile()).getWidth());
        assertTrue(stdout().contains("translated 4 of 4 images"), stdout());
    }

    @Test void aClashTheRuleCannotResolveIsRefusedByName() {
        java.util.List<Path> files = java.util.List.of(Path.of("in/x.jpg"), Path.of("in/x.png"), Path.of("in/x.jpg.png"));
        UsageException e = assertThrows(UsageException.class, () -> TranslatedNames.assign(Path.of("in"), files));
        assertTrue(e.getMessage().contains("in/x.jpg") && e.getMessage().contains("in/x.jpg.png") && e.getMessage().contains("rename"), e.getMessage());
    }

    /** An existing output is never replaced without --overwrite: refused before anything is translated, naming the file and the flag. */
    @Test void existingOutputsAreReplacedOnlyWithOverwrite() throws Exception {
        Path w = weights();
        Path in = dir.resolve("in"), outDir = Files.createDirectories(dir.resolve("out"));
        png(in.resolve("a.png"), 16, 16);
        png(in.resolve("b.png"), 16, 16);
        Path existing = Files.writeString(outDir.resolve("b.png"), "an earlier result");
        assertEquals(2, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", outDir.toString(), "--device", "cpu"));
        assertTrue(stderr().contains(existing.toString()) && stderr().contains("already exists") && stderr().contains("--overwrite"), stderr());
        assertEquals("an earlier result", Files.readString(existing));
        assertFalse(Files.exists(outDir.resolve("a.png")), "nothing translated before the refusal");
        assertEquals(0, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", outDir.toString(), "--device", "cpu", "--overwrite"), stderr());
        assertEquals(16, ImageIO.read(existing.toFile()).getWidth(), "replaced by a translation");
    }

    @Test void anOutputThatIsAFileIsRefused() throws Exception {
        Path w = weights();
        Path in = dir.resolve("in");
        png(in.resolve("a.png"), 16, 16);
        Path file = Files.writeString(dir.resolve("existing.txt"), "keep me");
        assertEquals(2, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", file.toString(), "--device", "cpu"));
        assertTrue(stderr().contains(file + " is a file"), stderr());
        assertEquals("keep me", Files.readString(file));
    }

    /** Images of 4 px or less are skipped with a warning naming them and why; the others are translated and counted. */
    @Test void imagesTooSmallForTheGeneratorAreSkippedByName() throws Exception {
        Path w = weights();
        Path in = dir.resolve("in"), outDir = dir.resolve("out");
        png(in.resolve("a_tiny.png"), 4, 4);
        png(in.resolve("b_line.png"), 40, 2);
        png(in.resolve("c_ok.png"), 8, 8);
        assertEquals(0, run("translate", "--weights", w.toString(), "--input", in.toString(), "--output", outDir.toString(), "--device", "cpu"), stderr());
        assertTrue(stderr().contains("a_tiny.png: 4x4 px is too small for --netG resnet_6blocks"), stderr());
        assertTrue(stderr().contains("b_line.png: 40x2 px is too small"), stderr());
        assertEquals(java.util.Set.of("c_ok.png"), FolderContents.of(outDir).keySet());
        assertTrue(stdout().contains("translated 1 of 3 images"), stdout());
        assertTrue(stdout().contains("skipped 2") && stdout().contains("a_tiny.png") && stdout().contains("b_line.png"), stdout());
    }

    /** --input that is a symbolic link to a folder is followed; a loop inside is skipped by name. */
    @Test void aLinkedInputFolderIsFollowedAndALoopSkipped() throws Exception {
        Path w = weights();
        Path real = dir.resolve("real");
        png(real.resolve("a.png"), 16, 16);
        Path loop = Files.createSymbolicLink(real.resolve("again"), real);
        Path link = Files.createSymbolicLink(dir.resolve("in"), real);
        Path outDir = dir.resolve("out");
        assertEquals(0, run("translate", "--weights", w.toString(), "--input", link.toString(), "--output", outDir.toString(), "--device", "cpu"), stderr());
        assertEquals(java.util.Set.of("a.png"), FolderContents.of(outDir).keySet());
        assertTrue(stderr().contains(link.resolve("again").toString()) && stderr().contains("loop"), stderr());
        assertTrue(Files.isSymbolicLink(loop));
    }
}
