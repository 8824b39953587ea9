package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.CycleGanTest;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.NetworkFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's entry point: the info command, --help, and refusal of bad options with exit status 2. */
class MainTest {
    @TempDir Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void infoPrintsVersionBackendAndAConvergingDemo() {
        assertEquals(0, run("--device", "reference"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("cyclegan-engine "), text);
        assertTrue(text.contains("using: reference"), text);
        assertTrue(text.contains("demo ok"), text);
    }

    @Test void helpExitsZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage:"));
    }

    @Test void unknownOptionCommandAndDeviceAreRefused() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'--bogus'"));
        assertEquals(2, run("fly"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'fly'"));
        assertEquals(2, run("--device", "tpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'tpu'"));
        assertEquals(2, run("--device"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--device needs a value"), err.toString(StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** --threads 100000 spent 43 s creating threads and died of OutOfMemoryError; now a usage error naming the bound. */
    @Test void tooManyThreadsIsAUsageError() {
        int cores = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        assertEquals(2, run("--device", "cpu", "--threads", "100000"));
        assertTrue(stderr().contains("--threads 100000") && stderr().contains("at most " + 4 * cores) && stderr().contains(cores + " core"), stderr());
        assertFalse(stderr().contains("Exception"), stderr());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused at once");
        err.reset();
        assertEquals(0, run("--device", "cpu", "--threads", Integer.toString(4 * cores)), stderr());
    }

    /** The reference's --gpu_ids is unknown here; the message says to use --device. */
    @Test void gpuIdsPointsToDevice() {
        assertEquals(2, run("train", "--gpu_ids", "0"));
        assertTrue(stderr().contains("'--gpu_ids'") && stderr().contains("--device"), stderr());
    }

    /** "--batch_size --lr 0.1": the missing value is named, not "unexpected argument '0.1'"; negative numbers are values. */
    @Test void anOptionFollowedByAnotherOptionIsMissingItsValue() {
        assertEquals(2, run("train", "--batch_size", "--lr", "0.1"));
        assertTrue(stderr().contains("--batch_size needs a value") && stderr().contains("--lr"), stderr());
        assertFalse(stderr().contains("unexpected argument"), stderr());
        CommandLine cl = new CommandLine("x", "").option("lr", "1", "").option("name", "", "");
        cl.parse(java.util.List.of("--lr", "-1", "--name=--odd"));
        assertEquals(-1f, cl.real("lr"));
        assertEquals("--odd", cl.string("name"), "a value that starts with -- can be given with =");
    }

    /** --epoch chooses the save to continue; without --continue_train it has no effect, and the warning says so. */
    @Test void epochWithoutContinueTrainWarns() throws Exception {
        Path missing = tmp.resolve("nope");
        assertEquals(2, run("train", "--epoch", "5", "--dataroot", missing.toString(), "--device", "cpu"));
        assertTrue(stderr().contains("warning: --epoch 5 has no effect without --continue_train"), stderr());
    }

    /** Train's warnings for skipped images were printed as "warning: warning: skipping ...". */
    @Test void skippedImageWarningsSayWarningOnce() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(root.resolve("trainA"));
        Files.writeString(root.resolve("trainA/broken.png"), "not an image");
        assertEquals(2, run("train", "--dataroot", root.toString(), "--device", "cpu"));
        assertTrue(stderr().contains("warning: skipping cannot read image " + root.resolve("trainA/broken.png")), stderr());
        assertFalse(stderr().contains("warning: warning:"), stderr());
    }

    /** java.nio exceptions print as their path alone; the message now says what went wrong there. */
    @Test void fileSystemErrorsSayWhy() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("fs"));
        Path file = Files.writeString(d.resolve("existing.txt"), "x");
        assertEquals(file + ": already exists and is a file, not a folder", IoMessages.describe(thrown(() -> Files.createDirectories(file))));
        assertEquals(file.resolve("sub") + ": Not a directory", IoMessages.describe(thrown(() -> Files.createDirectories(file.resolve("sub")))));
        assertEquals(d.resolve("none/x") + ": no such file or folder", IoMessages.describe(thrown(() -> Files.createFile(d.resolve("none/x")))));
        assertEquals("plain message", IoMessages.describe(new java.io.IOException("plain message")));
        // Through the command line: test's images/ folder is a file. It used to print only the path.
        CycleGanConfig c = CycleGanTest.tiny();
        NetworkFiles.write(new CycleGan(c, new java.util.Random(1)), new CheckpointFiles(Files.createDirectories(d.resolve("ck/e"))), "latest", 1);
        Path images = d.resolve("res/e/test_latest/images");
        Files.createDirectories(images.getParent());
        Files.writeString(images, "a file where a folder goes");
        assertEquals(1, run("test", "--results_dir", d.resolve("res").toString(), "--checkpoints_dir", d.resolve("ck").toString(), "--name", "e",
                "--num_test", "1", "--device", "cpu"));
        assertTrue(stderr().contains("error: " + images + ": already exists and is a file, not a folder"), stderr());
    }

    private interface Io {
        void run() throws java.io.IOException;
    }

    private static java.io.IOException thrown(Io io) {
        try {
            io.run();
        } catch (java.io.IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException");
    }
}
