package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.cyclegan.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder scanning and the reference's UnalignedDataset: pairing, length, truncation, direction, batches. */
class UnalignedDatasetTest {
    @TempDir Path root;

    /** Writes n flat 8x8 PNGs named a00.png ... whose red level is 10·i (the image tells its index). */
    static List<Path> folder(Path dir, String prefix, int n) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, (10 * i) << 16 | (prefix.equals("b") ? 200 : 50));
            Path p = dir.resolve(String.format("%s%02d.png", prefix, i));
            ImageIO.write(img, "png", p.toFile());
            out.add(p);
        }
        return out;
    }

    static DataOptions small() {
        return DataOptions.defaults().withPreprocess(Preprocess.RESIZE_AND_CROP, 8, 8).withNoFlip(true);
    }

    UnalignedDataset open(int nA, int nB, DataOptions o) throws IOException {
        folder(root.resolve(o.phase() + "A"), "a", nA);
        folder(root.resolve(o.phase() + "B"), "b", nB);
        return UnalignedDataset.open(root, o, w -> {});
    }

    static int indexOf(String path) {
        String f = Path.of(path).getFileName().toString();
        return Integer.parseInt(f.substring(1, 3));
    }

    @Test
    void scannerFindsImagesRecursivelySortedIgnoringCaseAndSkipsOthers() throws IOException {
        Path d = root.resolve("trainA");
        folder(d, "a", 2);
        folder(d.resolve("sub"), "c", 1);
        Files.move(d.resolve("a01.png"), d.resolve("a01.PNG"));
        Files.writeString(d.resolve("notes.txt"), "not an image");
        Files.writeString(d.resolve("zz.png"), "garbage");
        List<String> warnings = new ArrayList<>();
        ImageFolder f = ImageFolder.scan(d, Integer.MAX_VALUE, warnings::add);
        assertEquals(List.of(d.resolve("a00.png").toString(), d.resolve("a01.PNG").toString(), d.resolve("sub/c00.png").toString()), f.paths());
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        assertTrue(warnings.get(0).contains(d.resolve("zz.png").toString()), warnings.get(0));
    }

    @Test
    void unreadableImagesAreSkippedWithAWarningEach() throws IOException {
        Path d = root.resolve("trainA");
        List<Path> good = folder(d, "a", 3);
        byte[] png = Files.readAllBytes(good.get(1));
        Files.write(good.get(1), Arrays.copyOf(png, png.length / 2)); // truncated
        Files.write(d.resolve("a09.jpg"), new byte[] {1, 2, 3, 4, 5}); // garbage
        List<String> warnings = new ArrayList<>();
        ImageFolder f = ImageFolder.scan(d, Integer.MAX_VALUE, warnings::add);
        assertEquals(List.of(good.get(0).toString(), good.get(2).toString()), f.paths());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(good.get(1).toString()) && warnings.get(0).contains("truncated"), warnings.get(0));
        assertTrue(warnings.get(1).contains("a09.jpg"), warnings.get(1));
    }

    @Test
    void emptyMissingOrAllBadFoldersAreRefusedByName() throws IOException {
        folder(root.resolve("trainA"), "a", 2);
        DataSetException missing = assertThrows(DataSetException.class, () -> UnalignedDataset.open(root, small(), w -> {}));
        assertTrue(missing.getMessage().contains(root.resolve("trainB").toString()) && missing.getMessage().contains("does not exist"), missing.getMessage());

        Files.createDirectories(root.resolve("trainB"));
        Files.writeString(root.resolve("trainB/readme.txt"), "x");
        DataSetException empty = assertThrows(DataSetException.class, () -> UnalignedDataset.open(root, small(), w -> {}));
        assertTrue(empty.getMessage().contains(root.resolve("trainB").toString()) && empty.getMessage().contains("no images"), empty.getMessage());

        Files.writeString(root.resolve("trainB/bad.png"), "x");
        List<String> warnings = new ArrayList<>();
        DataSetException allBad = assertThrows(DataSetException.class, () -> UnalignedDataset.open(root, small(), warnings::add));
        assertTrue(allBad.getMessage().contains(root.resolve("trainB").toString()) && allBad.getMessage().contains("no readable"), allBad.getMessage());
        assertEquals(1, warnings.size());

        DataSetException testPhase = assertThrows(DataSetException.class, () -> UnalignedDataset.open(root, small().withPhase("test"), w -> {}));
        assertTrue(testPhase.getMessage().contains(root.resolve("testA").toString()), testPhase.getMessage());
        DataSetException noRoot = assertThrows(DataSetException.class, () -> UnalignedDataset.open(root.resolve("nope"), small(), w -> {}));
        assertTrue(noRoot.getMessage().contains("nope"), noRoot.getMessage());
    }

    @Test
    void serialBatchesPairByIndexModuloSize() throws IOException {
        UnalignedDataset ds = open(3, 5, small().withSerialBatches(true));
        assertEquals(5, ds.size(), "length is max(|A|, |B|)");
        int[] order = ds.epochOrder(new Random(1));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, order, "serial: no shuffling");
        Random rng = new Random(1);
        for (int i = 0; i < 5; i++) {
            Batch b = ds.batch(order, i, rng);
            assertEquals(i % 3, indexOf(b.pathsA().get(0)));
            assertEquals(i % 5, indexOf(b.pathsB().get(0)));
            // the image content matches the file: red level 10·index
            float red = b.dataA()[0];
            assertEquals((10 * (i % 3) / 255f - 0.5f) / 0.5f, red, 1e-6);
        }
    }

    @Test
    void randomBPairingAndShuffledA() throws IOException {
        UnalignedDataset ds = open(6, 4, small());
        assertEquals(6, ds.size());
        Random rng = new Random(7);
        int[] order = ds.epochOrder(rng);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, sorted, "an epoch visits each item once");
        List<Integer> bs = new ArrayList<>();
        Set<Integer> seenA = new HashSet<>();
        for (int epoch = 0; epoch < 10; epoch++) {
            int[] o = ds.epochOrder(rng);
            for (int i = 0; i < ds.batchCount(); i++) {
                Batch b = ds.batch(o, i, rng);
                assertEquals(o[i] % 6, indexOf(b.pathsA().get(0)), "A follows the epoch order");
                seenA.add(indexOf(b.pathsA().get(0)));
                bs.add(indexOf(b.pathsB().get(0)));
            }
        }
        assertEquals(6, seenA.size());
        assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(bs), "every B image is drawn");
        int serialLike = 0;
        for (int k = 0; k < bs.size(); k++) if (bs.get(k) == (k % 6) % 4) serialLike++;
        assertTrue(serialLike < bs.size() / 2, "B is not paired by index: " + serialLike + " of " + bs.size());
        List<int[]> orders = List.of(ds.epochOrder(new Random(3)), ds.epochOrder(new Random(4)), ds.epochOrder(new Random(5)));
        assertTrue(orders.stream().anyMatch(o -> !Arrays.equals(o, new int[] {0, 1, 2, 3, 4, 5})), "A is shuffled");

        // the same seed gives the same epoch
        int[] o1 = ds.epochOrder(new Random(11)), o2 = ds.epochOrder(new Random(11));
        assertArrayEquals(o1, o2);
    }

    @Test
    void maxDatasetSizeKeepsTheFirstSortedImages() throws IOException {
        UnalignedDataset ds = open(5, 3, small().withMaxDatasetSize(2));
        assertEquals(2, ds.sourceA().size());
        assertEquals(2, ds.sourceB().size());
        assertEquals(2, ds.size());
        assertEquals(0, indexOf(ds.sourceA().paths().get(0)));
        assertEquals(1, indexOf(ds.sourceA().paths().get(1)));
    }

    @Test
    void directionBtoASwapsTheDomains() throws IOException {
        UnalignedDataset ds = open(2, 2, small().withSerialBatches(true).withDirection("BtoA"));
        Batch b = ds.batch(ds.epochOrder(new Random(1)), 1, new Random(1));
        assertTrue(Path.of(b.pathsA().get(0)).getParent().endsWith("trainB"), b.pathsA().toString());
        assertTrue(Path.of(b.pathsB().get(0)).getParent().endsWith("trainA"), b.pathsB().toString());
        // B images were written with blue 200: real_A now holds them
        assertEquals((200 / 255f - 0.5f) / 0.5f, b.dataA()[2 * 64], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> small().withDirection("AtoC"));
    }

    @Test
    void batchesHaveTheRightShapesAndTheLastMayBeSmaller() throws IOException {
        UnalignedDataset ds = open(5, 2, small().withBatchSize(2));
        assertEquals(3, ds.batchCount());
        int[] order = ds.epochOrder(new Random(2));
        Random rng = new Random(2);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Batch b = ds.batch(order, i, rng);
            int n = i < 2 ? 2 : 1;
            assertEquals(n, b.size());
            Tensor a = b.realA(), bb = b.realB();
            assertArrayEquals(new int[] {n, 3, 8, 8}, a.shape());
            assertArrayEquals(new int[] {n, 3, 8, 8}, bb.shape());
            for (float v : a.toArray()) assertTrue(v >= -1 && v <= 1);
            seen.addAll(b.pathsA());
        }
        assertEquals(5, new HashSet<>(seen).size(), "every A image once per epoch");
    }

    @Test
    void prefetchedEpochMatchesDirectLoadingAndNamesAFileThatBrokeLater() throws IOException {
        UnalignedDataset ds = open(4, 3, small().withNoFlip(false).withPreprocess(Preprocess.RESIZE_AND_CROP, 12, 8));
        List<Batch> direct = new ArrayList<>();
        UnalignedDataset.EpochPlan plan = ds.plan(new Random(5));
        for (int i = 0; i < ds.batchCount(); i++) direct.add(ds.batch(plan, i));
        try (Prefetcher<Batch> p = ds.epoch(ds.plan(new Random(5)), 0, 2)) {
            for (Batch want : direct) {
                Batch got = p.next();
                assertEquals(want.pathsA(), got.pathsA());
                assertEquals(want.pathsB(), got.pathsB());
                assertArrayEquals(want.dataA(), got.dataA());
                assertArrayEquals(want.dataB(), got.dataB());
            }
            assertTrue(!p.hasNext());
        }
        // a file that was fine at scan time and broken later: the consumer gets the error naming it
        Path a2 = root.resolve("trainA/a02.png");
        Files.writeString(a2, "now garbage");
        UnalignedDataset serial = new UnalignedDataset(ds.sourceA(), ds.sourceB(), ds.options().withSerialBatches(true));
        try (Prefetcher<Batch> p = serial.epoch(serial.plan(new Random(1)), 0, 2)) {
            p.next();
            p.next();
            Prefetcher.LoadException e = assertThrows(Prefetcher.LoadException.class, p::next);
            assertTrue(e.getMessage().contains(a2.toString()), e.getMessage());
        }
        assertNotEquals(0, direct.size());
    }

    @Test
    void anEpochStartedAtABatchInTheMiddleGivesTheSameBatchesAsTheWholeEpoch() throws IOException {
        UnalignedDataset ds = open(5, 3, small().withNoFlip(false).withPreprocess(Preprocess.RESIZE_AND_CROP, 12, 8));
        UnalignedDataset.EpochPlan plan = ds.plan(new Random(9));
        List<Batch> whole = new ArrayList<>();
        try (Prefetcher<Batch> p = ds.epoch(plan, 0, 2)) {
            while (p.hasNext()) whole.add(p.next());
        }
        try (Prefetcher<Batch> p = ds.epoch(ds.plan(new Random(9)), 3, 2)) {
            for (int b = 3; b < whole.size(); b++) {
                Batch got = p.next();
                assertEquals(whole.get(b).pathsB(), got.pathsB());
                assertArrayEquals(whole.get(b).dataA(), got.dataA());
                assertArrayEquals(whole.get(b).dataB(), got.dataB());
            }
            assertTrue(!p.hasNext());
        }
    }

    /**
     * The augmentation is drawn from each batch's own Random, after the reference's draws: the epoch's plan (order and
     * batch seeds, which a resumed run redraws from its saved random state) is the same with it on or off, a batch is
     * the same wherever the epoch starts, and off gives the reference's batches.
     */
    @Test
    void augmentationLeavesTheEpochPlanAsItIsAndBatchesReproducible() throws IOException {
        DataOptions plain = small().withNoFlip(false).withPreprocess(Preprocess.RESIZE_AND_CROP, 12, 8);
        UnalignedDataset reference = open(5, 3, plain);
        UnalignedDataset off = UnalignedDataset.open(root, plain.withAugmentation(Augmentation.NONE), w -> {});
        UnalignedDataset on = UnalignedDataset.open(root, plain.withAugmentation(new Augmentation(40, 0.5, 0.5)), w -> {});
        UnalignedDataset.EpochPlan planRef = reference.plan(new Random(9)), planOn = on.plan(new Random(9));
        assertArrayEquals(planRef.order(), planOn.order());
        assertArrayEquals(planRef.batchSeeds(), planOn.batchSeeds());
        boolean differs = false;
        for (int b = 0; b < reference.batchCount(); b++) {
            Batch r = reference.batch(planRef, b), o = off.batch(off.plan(new Random(9)), b), a = on.batch(planOn, b);
            assertArrayEquals(r.dataA(), o.dataA(), "off is the reference");
            assertArrayEquals(r.dataB(), o.dataB());
            assertEquals(r.pathsA(), a.pathsA(), "the same A images");
            assertArrayEquals(a.dataA(), on.batch(on.plan(new Random(9)), b).dataA(), "batch " + b + " again, as a resumed run loads it");
            differs |= !Arrays.equals(r.dataA(), a.dataA());
        }
        assertTrue(differs, "the augmentation changes the pixels");
    }

    /** A data folder that is a symbolic link (ln -s /data/horse2zebra/trainA trainA) is followed, as the reference does. */
    @Test
    void aSymbolicLinkToAFolderIsFollowed() throws IOException {
        List<Path> real = folder(root.resolve("elsewhere/horses"), "a", 2);
        folder(root.resolve("data/trainB"), "b", 1);
        Files.createSymbolicLink(root.resolve("data/trainA"), root.resolve("elsewhere/horses"));
        Files.createDirectories(root.resolve("data/trainB/more"));
        folder(root.resolve("elsewhere/zebras"), "z", 1);
        Files.createSymbolicLink(root.resolve("data/trainB/more/link"), root.resolve("elsewhere/zebras"));
        List<String> warnings = new ArrayList<>();
        UnalignedDataset d = UnalignedDataset.open(root.resolve("data"), small(), warnings::add);
        assertEquals(List.of(root.resolve("data/trainA/a00.png").toString(), root.resolve("data/trainA/a01.png").toString()), d.sourceA().paths(),
                "listed under the link's name");
        assertEquals(2, d.sourceB().size(), "a linked sub-folder is followed too: " + d.sourceB().paths());
        assertEquals(List.of(), warnings);
        assertEquals(2, real.size());
    }

    /** A link back to a folder above it is skipped with a warning naming it; the walk ends and the rest is listed. */
    @Test
    void aSymbolicLinkLoopIsSkippedByName() throws IOException {
        Path d = root.resolve("trainA");
        folder(d, "a", 2);
        Files.createDirectories(d.resolve("sub"));
        Path loop = Files.createSymbolicLink(d.resolve("sub/loop"), d);
        List<String> warnings = new ArrayList<>();
        ImageFolder f = ImageFolder.scan(d, Integer.MAX_VALUE, warnings::add);
        assertEquals(2, f.size(), f.paths().toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(loop.toString()) && warnings.get(0).contains("loop"), warnings.get(0));
    }

    /** The scanner's lines carry no "warning:" of their own: the caller's sink adds it (train printed it twice). */
    @Test
    void warningLinesLeaveThePrefixToTheSink() throws IOException {
        Path d = root.resolve("trainA");
        folder(d, "a", 1);
        Files.writeString(d.resolve("zz.png"), "garbage");
        List<String> warnings = new ArrayList<>();
        ImageFolder.scan(d, Integer.MAX_VALUE, warnings::add);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping "), warnings.get(0));
    }

    /**
     * Under --preprocess none an image keeps its size (rounded to a multiple of 4), so one too small for the networks
     * is skipped up front with a warning naming it and saying why, and the others are used.
     */
    @Test
    void imagesTooSmallForTheNetworksAfterPreprocessingAreSkippedByName() throws IOException {
        folder(root.resolve("trainA"), "a", 2);
        folder(root.resolve("trainB"), "b", 1);
        BufferedImage tiny = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        Path tinyFile = root.resolve("trainA/tiny.png");
        ImageIO.write(tiny, "png", tinyFile.toFile());
        DataOptions none = DataOptions.defaults().withPreprocess(Preprocess.NONE, 8, 8).withNoFlip(true);
        SizeCheck atLeast8 = (w, h) -> w >= 8 && h >= 8 ? null : "too small (" + w + "x" + h + ")";
        List<String> warnings = new ArrayList<>();
        UnalignedDataset d = UnalignedDataset.open(root, none, atLeast8, warnings::add);
        assertEquals(2, d.sourceA().size(), d.sourceA().paths().toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(tinyFile.toString()) && warnings.get(0).contains("too small (4x4)"), warnings.get(0));

        // With a crop every image ends at the crop size, checked once for the option; only images smaller than the crop go.
        List<String> cropWarnings = new ArrayList<>();
        UnalignedDataset cropped = UnalignedDataset.open(root, DataOptions.defaults().withPreprocess(Preprocess.CROP, 8, 8), atLeast8, cropWarnings::add);
        assertEquals(2, cropped.sourceA().size());
        assertTrue(cropWarnings.get(0).contains(tinyFile.toString()) && cropWarnings.get(0).contains("smaller than the crop"), cropWarnings.toString());
    }
}
