package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reference's get_transform: output sizes per --preprocess, flips, and the [−1, 1] mapping. */
class TransformTest {
    static BufferedImage image(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt() & 0xFFFFFF);
        return img;
    }

    static int[] size(Preprocess p, int load, int crop, int w, int h) {
        Transform.Prepared out = new Transform(p, load, crop, true).apply(image(w, h, 1), new Random(3));
        return new int[] {out.width(), out.height()};
    }

    static void assertSize(int w, int h, int[] got, String what) {
        assertEquals(w + "x" + h, got[0] + "x" + got[1], what);
    }

    @Test
    void outputSizeOfEveryPreprocessMode() {
        assertSize(32, 32, size(Preprocess.RESIZE_AND_CROP, 40, 32, 50, 30), "resize_and_crop: load 40 then crop 32");
        assertSize(40, 40, size(Preprocess.RESIZE_AND_CROP, 40, 40, 17, 90), "resize_and_crop with crop = load");
        assertSize(16, 16, size(Preprocess.CROP, 99, 16, 50, 30), "crop ignores load_size");
        // scale_width: width → load, height = int(max(load·h/w, crop)).
        assertSize(40, 16, size(Preprocess.SCALE_WIDTH, 40, 16, 80, 30), "scale_width, wide image: height raised to crop");
        assertSize(40, 30, size(Preprocess.SCALE_WIDTH, 40, 16, 80, 60), "scale_width, 4:3");
        assertSize(40, 106, size(Preprocess.SCALE_WIDTH, 40, 16, 30, 80), "scale_width, tall: int(40·80/30) = 106");
        assertSize(40, 60, size(Preprocess.SCALE_WIDTH, 40, 16, 40, 60), "scale_width, already 40 wide: unchanged");
        assertSize(16, 16, size(Preprocess.SCALE_WIDTH_AND_CROP, 40, 16, 80, 30), "scale_width_and_crop");
        // none: sides rounded to multiples of 4 with Python's round (halves to even): 50/4 = 12.5 → 12, 30/4 = 7.5 → 8.
        assertSize(48, 32, size(Preprocess.NONE, 286, 256, 50, 30), "none: multiples of 4, halves to even");
        assertSize(36, 12, size(Preprocess.NONE, 286, 256, 37, 13), "none: nearest multiples of 4");
        assertSize(32, 32, size(Preprocess.NONE, 286, 256, 32, 32), "none: already multiples of 4");
        assertSize(4, 4, size(Preprocess.NONE, 286, 256, 1, 1), "none: never below 4");
    }

    @Test
    void cropLargerThanImageIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Transform(Preprocess.CROP, 286, 64, false).apply(image(50, 30, 1), new Random(1)));
        assertTrue(e.getMessage().contains("50x30") && e.getMessage().contains("64"), e.getMessage());
    }

    @Test
    void cropIsAWindowOfTheImage() {
        BufferedImage src = image(20, 10, 5);
        Transform.Prepared p = new Transform(Preprocess.CROP, 0 + 1, 6, true).apply(src, new Random(9));
        BufferedImage c = p.image();
        boolean found = false;
        for (int top = 0; top <= 4 && !found; top++) {
            for (int left = 0; left <= 14 && !found; left++) {
                boolean same = true;
                for (int y = 0; y < 6 && same; y++) for (int x = 0; x < 6 && same; x++) same = c.getRGB(x, y) == src.getRGB(left + x, top + y);
                found = same;
            }
        }
        assertTrue(found, "the crop is a 6x6 window of the source");
    }

    @Test
    void parseRejectsUnknownValues() {
        assertEquals(Preprocess.SCALE_WIDTH_AND_CROP, Preprocess.parse("scale_width_and_crop"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preprocess.parse("resize_crop"));
        assertTrue(e.getMessage().contains("resize_crop") && e.getMessage().contains("resize_and_crop"), e.getMessage());
    }

    @Test
    void flipsAboutHalfTheTimeAndNeverWithNoFlip() {
        BufferedImage src = image(8, 8, 2);
        float[] plain = new float[3 * 64];
        Transform.toTensor(src, false, plain, 0);
        Transform flipping = new Transform(Preprocess.NONE, 8, 8, false), never = new Transform(Preprocess.NONE, 8, 8, true);
        Random rng = new Random(42);
        int flips = 0, n = 1000;
        for (int i = 0; i < n; i++) {
            Transform.Prepared p = flipping.apply(src, rng);
            float[] a = p.toArray();
            boolean mirrored = a[0] == plain[7] && a[7] == plain[0] && a[64 + 8] == plain[64 + 15];
            assertEquals(p.flip(), mirrored, "the data is mirrored exactly when flip is drawn");
            if (p.flip()) flips++;
            assertFalse(never.apply(src, rng).flip(), "no_flip never flips");
        }
        assertTrue(flips > 430 && flips < 570, "flips in 1000 draws: " + flips);
        float[] m = new float[3 * 64];
        Transform.toTensor(src, true, m, 0);
        for (int c = 0; c < 3; c++) for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++)
            assertEquals(plain[c * 64 + y * 8 + 7 - x], m[c * 64 + y * 8 + x]);
    }

    @Test
    void valuesMapToMinusOneOne() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x000000);
        img.setRGB(1, 0, 0xFFFF80);
        float[] t = new float[6];
        Transform.toTensor(img, false, t, 0);
        // CHW: R plane (0, 255), G plane (0, 255), B plane (0, 128)
        assertEquals(-1f, t[0]);
        assertEquals(1f, t[1]);
        assertEquals(-1f, t[2]);
        assertEquals(1f, t[3]);
        assertEquals(-1f, t[4]);
        assertEquals((128 / 255f - 0.5f) / 0.5f, t[5]);
        float[] all = new Transform(Preprocess.RESIZE_AND_CROP, 37, 29, false).apply(image(23, 41, 7), new Random(1)).toArray();
        for (float v : all) assertTrue(v >= -1f && v <= 1f, "value out of [-1, 1]: " + v);
    }

    @Test
    void bicubicResizeKeepsFlatColoursAndSize() {
        BufferedImage flat = new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 50; x++) flat.setRGB(x, y, 0x4080C0);
        for (int[] s : new int[][] {{286, 286}, {7, 5}, {50, 31}}) {
            BufferedImage r = Images.resize(flat, s[0], s[1]);
            assertEquals(s[0], r.getWidth());
            assertEquals(s[1], r.getHeight());
            for (int y = 0; y < s[1]; y++) for (int x = 0; x < s[0]; x++) assertEquals(0x4080C0, r.getRGB(x, y) & 0xFFFFFF, "flat colour at " + x + "," + y);
        }
    }

    /** preparedSize, which the data set uses to skip images up front, gives exactly the size apply makes. */
    @Test
    void preparedSizeIsTheSizeApplyMakes() {
        int[][] sizes = {{30, 22}, {4, 4}, {5, 3}, {6, 6}, {300, 200}, {64, 64}, {10, 90}};
        for (Preprocess pre : Preprocess.values()) {
            Transform t = new Transform(pre, 40, 32, true);
            for (int[] s : sizes) {
                BufferedImage img = new BufferedImage(s[0], s[1], BufferedImage.TYPE_INT_RGB);
                String what = pre + " " + s[0] + "x" + s[1];
                int[] predicted;
                try {
                    predicted = t.preparedSize(s[0], s[1]);
                } catch (IllegalArgumentException e) {
                    assertThrows(IllegalArgumentException.class, () -> t.apply(img, new java.util.Random(1)), what + ": both refuse");
                    continue;
                }
                Transform.Prepared p = t.apply(img, new java.util.Random(1));
                assertArrayEquals(new int[] {p.width(), p.height()}, predicted, what);
            }
        }
    }
}
