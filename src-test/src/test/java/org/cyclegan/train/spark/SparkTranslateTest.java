package org.cyclegan.train.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.train.FolderContents;
import org.cyclegan.train.cli.Main;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanTest;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.NetworkFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local mode, two executor threads, up to three attempts per task: its PNGs are translate's bit for
 * bit, a corrupt image is named and skipped, a task that fails mid-write is retried without leaving a partial file, a
 * job whose task keeps failing leaves none, the parquet table holds the same bytes, and what translate refuses the
 * job refuses before it starts.
 */
class SparkTranslateTest {
    private static SparkSession spark;
    private static Path weights;
    @TempDir static Path shared;
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeAll
    static void startSparkAndSaveAGenerator() throws IOException {
        spark = SparkSession.builder().master("local[2,3]").appName("SparkTranslateTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.hadoop.fs.failing.impl", FailingFileSystem.class.getName())
                .config("spark.hadoop.fs.failing.impl.disable.cache", "true")
                .getOrCreate();
        spark.sparkContext().setLogLevel("OFF");   // the failures below are on purpose: their stack traces would only bury the test output
        Backend previous = Backends.getDefault();
        try (Backend cpu = new CpuBackend(1)) {
            Backends.setDefault(cpu);
            NetworkFiles.write(new CycleGan(CycleGanTest.tiny(), new Random(5)), new CheckpointFiles(shared), "latest", 1);
        } finally {
            Backends.setDefault(previous);
        }
        weights = shared.resolve("latest_net_G_A.safetensors");
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
    }

    @AfterEach
    void disarm() {
        FailingFileSystem.reset();
    }

    private static void png(Path file, int w, int h, int seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.getFileName().toString().endsWith(".jpg") ? "jpg" : "png", file.toFile());
    }

    /** Nine readable images in two folders (one name clash: x.png and x.jpg), one corrupt. */
    private Path inputs() throws IOException {
        Path in = dir.resolve("in");
        for (int i = 0; i < 5; i++) png(in.resolve("a_" + i + ".png"), 32, 32, i);
        png(in.resolve("sub/x.png"), 40, 24, 10);
        png(in.resolve("sub/x.jpg"), 40, 24, 11);
        png(in.resolve("sub/c_wide.png"), 48, 16, 12);
        png(in.resolve("sub/deeper/d.PNG"), 20, 20, 13);
        Files.write(in.resolve("sub/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.writeString(in.resolve("notes.txt"), "not an image");
        return in;
    }

    private int translate(Path in, Path outDir) {
        return Main.run(new String[] {"translate", "--weights", weights.toString(), "--input", in.toString(), "--output", outDir.toString(),
                "--device", "cpu", "--threads", "1"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    private int job(String... args) {
        CommandLine cl = SparkTranslate.options().parse(List.of(args));
        return SparkTranslate.run(spark, cl, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int job(Path in, String output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--weights", weights.toString(), "--input", in.toString(), "--output", output,
                "--device", "cpu", "--threads", "1"));
        args.addAll(List.of(more));
        return job(args.toArray(String[]::new));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static void assertSameImages(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) assertArrayEquals(expected.get(k), actual.get(k), k + ": the same bytes as translate's");
    }

    /** The job's PNGs, without Hadoop's marker and the checksum files its local file system writes beside each. */
    private static Map<String, byte[]> pngs(Path folder) throws IOException {
        Map<String, byte[]> all = FolderContents.of(folder);
        all.keySet().removeIf(k -> !k.endsWith(".png"));
        return all;
    }

    @Test void thePngsAreTranslatesBitForBitAndTheCorruptImageIsNamedAndSkipped() throws Exception {
        Path in = inputs(), expected = dir.resolve("expected"), actual = dir.resolve("actual");
        assertEquals(0, translate(in, expected));
        assertEquals(0, job(in, actual.toString()), stderr());
        Map<String, byte[]> reference = FolderContents.of(expected);
        assertEquals(9, reference.size(), reference.keySet().toString());
        assertTrue(reference.containsKey("sub/x.jpg.png") && reference.containsKey("sub/deeper/d.png"), reference.keySet().toString());
        assertSameImages(reference, pngs(actual));
        assertTrue(Files.exists(actual.resolve("_SUCCESS")), "the job committed");
        assertFalse(Files.exists(actual.resolve("_temporary")), "no attempt folders left");
        assertTrue(stdout().contains("translated 9 of 10 images"), stdout());
        assertTrue(stdout().contains("images/s"), stdout());
        assertTrue(stderr().contains("broken.png") && stdout().contains("skipped 1"), stderr() + stdout());
    }

    @Test void aTaskThatFailsMidWriteIsRetriedAndLeavesNoPartialFile() throws Exception {
        Path in = inputs(), expected = dir.resolve("expected"), actual = dir.resolve("actual");
        assertEquals(0, translate(in, expected));
        FailingFileSystem.failWrites("c_wide", 1);
        assertEquals(0, job(in, "failing://" + actual), stderr());
        assertEquals(1, FailingFileSystem.failures(), "the first attempt's write broke off");
        assertSameImages(FolderContents.of(expected), pngs(actual));
        assertFalse(Files.exists(actual.resolve("_temporary")), "no attempt folders left");
        assertTrue(stdout().contains("translated 9 of 10 images"), "counted once, not once per attempt: " + stdout());
    }

    @Test void aJobWhoseTaskKeepsFailingLeavesNoFileAtAll() throws Exception {
        Path in = inputs(), actual = dir.resolve("actual");
        FailingFileSystem.failWrites("c_wide", -1);
        assertEquals(1, job(in, "failing://" + actual));
        assertEquals(3, FailingFileSystem.failures(), "each of the three attempts failed");
        assertTrue(stderr().contains("the Spark job failed") && stderr().contains("simulated device failure"), stderr());
        assertEquals(Map.of(), pngs(actual), "not one output committed, partial or whole");
    }

    @Test void theParquetTableHoldsEachNameWithTranslatesBytes() throws Exception {
        Path in = inputs(), expected = dir.resolve("expected"), table = dir.resolve("table");
        assertEquals(0, translate(in, expected));
        assertEquals(0, job(in, table.toString(), "--format", "parquet"), stderr());
        Map<String, byte[]> rows = new TreeMap<>();
        for (Row r : spark.read().parquet(table.toString()).collectAsList()) rows.put(r.getString(0), (byte[]) r.get(1));
        assertSameImages(FolderContents.of(expected), rows);
        assertEquals(2, job(in, table.toString(), "--format", "parquet"), "an existing table is not replaced without --overwrite");
        assertTrue(stderr().contains(table + " exists"), stderr());
    }

    @Test void whatTranslateRefusesIsRefusedBeforeTheJobStarts() throws Exception {
        Path in = inputs(), actual = dir.resolve("actual");
        assertEquals(0, job(in, actual.toString()));
        byte[] before = Files.readAllBytes(actual.resolve("a_0.png"));
        assertEquals(2, job(in, actual.toString()), "outputs exist");
        assertTrue(stderr().contains("9 outputs exist already") && stderr().contains("--overwrite"), stderr());
        assertEquals(0, job(in, actual.toString(), "--overwrite"), stderr());
        assertArrayEquals(before, Files.readAllBytes(actual.resolve("a_0.png")), "replaced by the same translation");
        assertEquals(2, job(in, in.resolve("out").toString()), "output inside the input");
        assertTrue(stderr().contains("overlap"), stderr());
        assertEquals(2, job(dir.resolve("nothing-here"), actual.toString()));
        assertTrue(stderr().contains("nothing-here") && stderr().contains("does not exist"), stderr());
        assertEquals(2, job("--input", in.toString(), "--output", actual.toString()));
        assertTrue(stderr().contains("--weights is required"), stderr());
        assertEquals(2, job(in, actual.toString(), "--format", "tiff"));
        assertTrue(stderr().contains("--format"), stderr());
        Path notWeights = Files.writeString(dir.resolve("w.safetensors"), "not a safetensors file at all");
        assertEquals(1, job("--weights", notWeights.toString(), "--input", in.toString(), "--output", dir.resolve("o").toString()));
        assertTrue(stderr().contains("w.safetensors"), stderr());
    }

    @Test void aGlobTakesItsMatchesNamedFromTheFolderAboveIt() throws Exception {
        Path in = inputs(), actual = dir.resolve("actual");
        assertEquals(0, job(in, actual.toString().replace("actual", "all")));
        assertEquals(0, job(dir.resolve("in/a_*.png"), actual.toString()), stderr());
        assertEquals(java.util.Set.of("a_0.png", "a_1.png", "a_2.png", "a_3.png", "a_4.png"), pngs(actual).keySet());
        assertSameImages(pngs(actual), pngs(dir.resolve("all")).entrySet().stream().filter(e -> e.getKey().startsWith("a_"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
    }
}
