package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The data set shipped in the jar: complete, 32×32, licensed, and never iterated paired. */
class EmbeddedDatasetTest {
    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void opensWith1342ImagesPerDomainOf32x32() throws IOException {
        UnalignedDataset ds = EmbeddedDataset.open();
        assertEquals(1342, ds.sourceA().size());
        assertEquals(1342, ds.sourceB().size());
        assertEquals(1342, ds.size());
        for (ImageSource s : List.of(ds.sourceA(), ds.sourceB())) {
            for (int i = 0; i < s.size(); i++) {
                BufferedImage img = s.read(i);
                assertEquals(32, img.getWidth(), s.paths().get(i));
                assertEquals(32, img.getHeight(), s.paths().get(i));
            }
        }
        Batch b = ds.batch(ds.epochOrder(new Random(1)), 0, new Random(1));
        assertArrayEquals(new int[] {1, 3, 32, 32}, b.realA().shape());
        assertTrue(b.pathsA().get(0).contains("trainA/") && b.pathsB().get(0).contains("trainB/"));
    }

    @Test
    void sameCodepointsInBothButNeverPairedSerially() throws IOException {
        ImageSource a = EmbeddedDataset.domain("trainA"), b = EmbeddedDataset.domain("trainB");
        assertEquals(new HashSet<>(a.paths().stream().map(EmbeddedDatasetTest::name).toList()),
                new HashSet<>(b.paths().stream().map(EmbeddedDatasetTest::name).toList()));
        UnalignedDataset serial = EmbeddedDataset.open(EmbeddedDataset.defaultOptions().withSerialBatches(true));
        for (int i = 0; i < serial.size(); i++) {
            assertNotEquals(name(serial.sourceA().paths().get(i)), name(serial.sourceB().paths().get(i % serial.sourceB().size())),
                    "serial item " + i + " would pair the same emoji");
        }
        // shuffled loading: A in a random order, B drawn independently; pairs of the same emoji are rare chance
        UnalignedDataset ds = EmbeddedDataset.open();
        Random rng = new Random(3);
        int[] order = ds.epochOrder(rng);
        int same = 0;
        for (int i = 0; i < 200; i++) {
            UnalignedDataset.Item it = ds.item(order[i], rng);
            if (name(it.pathA()).equals(name(it.pathB()))) same++;
        }
        assertTrue(same <= 2, "same-emoji pairs in 200 shuffled items: " + same);
    }

    @Test
    void licenceNoticeManifestAndIndexAreShipped() throws IOException {
        String licence = resource("LICENSE-Apache-2.0.txt");
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0") && licence.contains("END OF TERMS AND CONDITIONS"));
        String notice = resource("NOTICE.md");
        assertTrue(notice.contains("Apache License 2.0") && notice.contains("CC-BY 4.0"));
        assertTrue(resource("manifest.csv").startsWith("file,"));
        assertEquals(2 * 1342, EmbeddedDataset.index().size());
    }

    @Test
    void onlyTheTrainSplitIsShipped() {
        DataSetException e = assertThrows(DataSetException.class, () -> EmbeddedDataset.open(EmbeddedDataset.defaultOptions().withPhase("test")));
        assertTrue(e.getMessage().contains("train split"), e.getMessage());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EmbeddedDataset.class.getResourceAsStream(EmbeddedDataset.ROOT + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
