package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.cyclegan.testing.Console;
import org.cyclegan.train.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test command on a tiny trained experiment: the pictures, the page, agreement with translate, and refusals. */
class TestCommandTest {
    @TempDir static Path dir;
    static Path checkpoints;
    private final Console console = new Console();

    @BeforeAll static void trainTinyExperiment() {
        checkpoints = dir.resolve("checkpoints");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
        int rc = Main.run(new String[] {"train", "--max_dataset_size", "2", "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "0",
                "--checkpoints_dir", checkpoints.toString(), "--name", "tiny", "--device", "cpu"}, p, p);
        assertEquals(0, rc, log.toString(StandardCharsets.UTF_8));
    }

    private static void png(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) img.setRGB(x, y, (x * 8 + seed) % 256 << 16 | (y * 8) << 8 | (seed * 40) % 256);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** testA: plain.png and a name that needs escaping; testB: one.png and a broken file. */
    private static Path dataroot(String name) throws IOException {
        Path root = dir.resolve(name);
        png(root.resolve("testA/plain.png"), 1);
        png(root.resolve("testA/a&b <x>.png"), 2);
        png(root.resolve("testB/one.png"), 3);
        Files.write(root.resolve("testB/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
        return root;
    }

    private static Set<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Every src and href of a page, HTML entities and percent-escapes undone. */
    private static Set<String> links(String html) {
        Set<String> links = new HashSet<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            String v = m.group(1).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            links.add(URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return links;
    }

    @Test void writesThreePicturesPerImageAndAPageThatLinksExactlyThem() throws Exception {
        Path root = dataroot("data1"), results = dir.resolve("results1");
        assertEquals(0, console.run("test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", results.toString(), "--crop_size", "32", "--device", "cpu"), console.err());
        Path run = results.resolve("tiny/test_latest");
        Set<String> expected = new TreeSet<>(Set.of("plain_real_A.png", "plain_fake_B.png", "plain_rec_A.png",
                "a&b <x>_real_A.png", "a&b <x>_fake_B.png", "a&b <x>_rec_A.png", "one_real_B.png", "one_fake_A.png", "one_rec_B.png"));
        assertEquals(expected, listing(run.resolve("images")));
        for (String f : expected) {
            BufferedImage img = ImageIO.read(run.resolve("images").resolve(f).toFile());
            assertEquals(32, img.getWidth(), f);
            assertEquals(32, img.getHeight(), f);
        }
        String html = Files.readString(run.resolve("index.html"));
        Set<String> linked = links(html);
        assertEquals(expected.stream().map(f -> "images/" + f).collect(Collectors.toSet()), linked, "the page links every picture and nothing else");
        for (String l : linked) assertTrue(Files.isRegularFile(run.resolve(l)), l);
        assertTrue(html.contains("a&amp;b &lt;x&gt;"), "names are escaped");
        assertFalse(html.contains("<x>"), "no raw markup from a file name");
        assertTrue(html.contains("<title>Experiment = tiny, Phase = test, Epoch = latest</title>"), html);
        assertTrue(console.err().contains("broken.png"), "the unreadable image is named: " + console.err());
        assertTrue(console.out().strip().endsWith(run.resolve("index.html").toString()), "the last line names the page: " + console.out());
    }

    @Test void fakeBIsExactlyWhatTranslateWritesForTheSameImage() throws Exception {
        Path root = dataroot("data2"), results = dir.resolve("results2"), translated = dir.resolve("translated2");
        assertEquals(0, console.run("test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", results.toString(), "--crop_size", "32", "--device", "cpu"), console.err());
        assertEquals(0, console.run("translate", "--weights", checkpoints.resolve("tiny/latest_net_G_A.safetensors").toString(),
                "--input", root.resolve("testA/plain.png").toString(), "--output", translated.toString(), "--device", "cpu"), console.err());
        BufferedImage fromTest = ImageIO.read(results.resolve("tiny/test_latest/images/plain_fake_B.png").toFile());
        BufferedImage fromTranslate = ImageIO.read(translated.resolve("plain.png").toFile());
        int[] a = fromTest.getRGB(0, 0, 32, 32, null, 0, 32), b = fromTranslate.getRGB(0, 0, 32, 32, null, 0, 32);
        assertArrayEquals(b, a, "same generator, same preprocessing, same pixels");
        BufferedImage real = ImageIO.read(results.resolve("tiny/test_latest/images/plain_real_A.png").toFile());
        assertFalse(java.util.Arrays.equals(real.getRGB(0, 0, 32, 32, null, 0, 32), a), "fake_B is a translation, not a copy of real_A");
    }

    @Test void withoutDatarootItSaysItTestsOnTrainingImages() throws Exception {
        Path results = dir.resolve("results3");
        assertEquals(0, console.run("test", "--checkpoints_dir", checkpoints.toString(), "--name", "tiny", "--results_dir", results.toString(),
                "--num_test", "2", "--device", "cpu"), console.err());
        assertTrue(console.out().contains("TRAINING images"), console.out());
        Path run = results.resolve("tiny/test_latest");
        assertEquals(12, listing(run.resolve("images")).size(), "two images per domain, three pictures each");
        assertTrue(Files.readString(run.resolve("index.html")).contains("TRAINING images"));
    }

    @Test void aMissingCheckpointIsRefusedWithWhatExists() {
        assertEquals(2, console.run("test", "--checkpoints_dir", checkpoints.toString(), "--name", "tiny", "--epoch", "7", "--results_dir", dir.resolve("r4").toString()));
        assertTrue(console.err().contains("7_net_G_A.safetensors") && console.err().contains("--epoch") && console.err().contains("latest"), console.err());
        assertEquals(2, console.run("test", "--checkpoints_dir", checkpoints.toString(), "--name", "nope", "--results_dir", dir.resolve("r4").toString()));
        assertTrue(console.err().contains("'nope'") && console.err().contains("--name") && console.err().matches("(?s).*found: [^)]*tiny.*"), console.err());
        assertFalse(Files.exists(dir.resolve("r4")), "nothing written");
    }

    @Test void aCorruptCheckpointIsNamed() throws Exception {
        Path broken = Files.createDirectories(checkpoints.resolve("broken"));
        for (String net : new String[] {"G_A", "G_B"}) {
            Files.copy(checkpoints.resolve("tiny/latest_net_" + net + ".safetensors"), broken.resolve("latest_net_" + net + ".safetensors"));
        }
        Files.writeString(broken.resolve("latest_net_G_B.safetensors"), "not a safetensors file");
        assertEquals(1, console.run("test", "--checkpoints_dir", checkpoints.toString(), "--name", "broken", "--results_dir", dir.resolve("r5").toString()));
        assertTrue(console.err().contains("latest_net_G_B.safetensors"), console.err());
    }

    @Test void aMissingTestFolderIsRefusedByName() throws Exception {
        Path root = dir.resolve("onlyB");
        png(root.resolve("testB/one.png"), 3);
        assertEquals(2, console.run("test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", dir.resolve("r6").toString()));
        assertTrue(console.err().contains("testA"), console.err());
    }

    @Test void picturesOfFilesWithTheSameNameDoNotOverwriteEachOther() {
        Set<String> used = new HashSet<>();
        assertEquals("a", TestCommand.uniqueBase("x/a.png", used));
        assertEquals("a_2", TestCommand.uniqueBase("y/a.jpg", used));
        assertEquals("a_3", TestCommand.uniqueBase("z/a.png", used));
        assertEquals("noext", TestCommand.uniqueBase("embedded:set/trainA/noext", used));
    }

    /** A --name with a path in it would read and write outside --checkpoints_dir and --results_dir: refused, nothing written. */
    @Test void aNameWithAPathIsRefused() throws Exception {
        Path results = dir.resolve("r7");
        for (String name : new String[] {"../x", "..", "a/b", "."}) {
            console.resetErr();
            assertEquals(2, console.run("test", "--checkpoints_dir", checkpoints.toString(), "--name", name, "--results_dir", results.toString(), "--device", "cpu"), name);
            assertTrue(console.err().contains("--name must be a plain experiment name, got '" + name + "'"), console.err());
        }
        assertFalse(Files.exists(results));
        assertFalse(Files.exists(dir.resolve("x")));
    }

    /** A second test of one experiment and epoch refuses to replace the first's pictures without --overwrite. */
    @Test void anEarlierResultIsReplacedOnlyWithOverwrite() throws Exception {
        Path root = dataroot("data8"), results = dir.resolve("results8");
        String[] args = {"test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", results.toString(), "--crop_size", "32", "--device", "cpu"};
        assertEquals(0, console.run(args), console.err());
        Path picture = results.resolve("tiny/test_latest/images/plain_fake_B.png");
        Files.writeString(picture, "kept");
        assertEquals(2, console.run(args));
        assertTrue(console.err().contains("already exists") && console.err().contains("--overwrite"), console.err());
        assertEquals("kept", Files.readString(picture), "nothing replaced");
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        assertEquals(0, console.run(again), console.err());
        assertEquals(32, ImageIO.read(picture.toFile()).getWidth(), "replaced with --overwrite");
    }

    /** Results written inside a test image folder would be read as test images next time: refused, inputs untouched. */
    @Test void resultsInsideTheTestImagesAreRefused() throws Exception {
        Path root = dataroot("data9");
        byte[] plain = Files.readAllBytes(root.resolve("testA/plain.png"));
        assertEquals(2, console.run("test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", root.resolve("testA").toString(), "--crop_size", "32", "--device", "cpu"));
        assertTrue(console.err().contains("lies inside the input folder") && console.err().contains("testA"), console.err());
        assertFalse(Files.exists(root.resolve("testA/tiny")));
        assertArrayEquals(plain, Files.readAllBytes(root.resolve("testA/plain.png")));
    }

    /** --preprocess none keeps sizes: a 4x4 image is skipped with a warning naming it, the others are tested. */
    @Test void imagesTooSmallForTheGeneratorsAreSkippedByName() throws Exception {
        Path root = dataroot("data10"), results = dir.resolve("results10");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", root.resolve("testA/tiny.png").toFile());
        assertEquals(0, console.run("test", "--dataroot", root.toString(), "--checkpoints_dir", checkpoints.toString(), "--name", "tiny",
                "--results_dir", results.toString(), "--preprocess", "none", "--device", "cpu"), console.err());
        assertTrue(console.err().contains("tiny.png: too small for --netG resnet_6blocks"), console.err());
        assertTrue(console.out().contains("tested 2 A and 1 B images"), console.out());
        assertFalse(listing(results.resolve("tiny/test_latest/images")).contains("tiny_real_A.png"));
    }
}
