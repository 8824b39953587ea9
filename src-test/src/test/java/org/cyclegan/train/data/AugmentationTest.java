package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rotation with reflection fill, brightness and contrast, their option values, and that off draws nothing. */
class AugmentationTest {
    static BufferedImage image(int w, int h, long seed, int low) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (low + r.nextInt(256 - low)) << 16 | (low + r.nextInt(256 - low)) << 8 | (low + r.nextInt(256 - low)));
            }
        }
        return img;
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void rotationByZeroIsTheIdentityAndByNinetyATransposeAndFlip() {
        BufferedImage src = image(7, 7, 1, 0);
        assertArrayEquals(pixels(src), pixels(Rotation.rotate(src, 0)), "0°");
        assertArrayEquals(pixels(src), pixels(Rotation.rotate(src, 360)), "360°");
        BufferedImage ccw = Rotation.rotate(src, 90), cw = Rotation.rotate(src, -90), half = Rotation.rotate(src, 180);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                // Counter-clockwise on screen: the top row becomes the left column, its right end on top.
                assertEquals(src.getRGB(6 - y, x), ccw.getRGB(x, y), "90° at " + x + "," + y);
                assertEquals(src.getRGB(y, 6 - x), cw.getRGB(x, y), "−90° at " + x + "," + y);
                assertEquals(src.getRGB(6 - x, 6 - y), half.getRGB(x, y), "180° at " + x + "," + y);
            }
        }
        BufferedImage even = image(8, 8, 2, 0);
        assertEquals(even.getRGB(7, 0), Rotation.rotate(even, 90).getRGB(0, 0), "an even side rotates about the centre between pixels");
    }

    @Test
    void reflectionMirrorsWithoutRepeatingTheEdge() {
        int[] expected = {2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1};   // indices −2 .. 9 of a side of 5
        for (int i = -2; i <= 9; i++) assertEquals(expected[i + 2], Rotation.reflect(i, 5), "index " + i);
        assertEquals(0, Rotation.reflect(-3, 1));
        assertEquals(0, Rotation.reflect(4, 1));
    }

    /** Corners rotated in from outside the frame take the image's own (mirrored) colours: no black or constant border. */
    @Test
    void reflectionFillLeavesNoConstantBorder() {
        BufferedImage src = image(16, 16, 3, 100);   // every channel 100..255
        BufferedImage r = Rotation.rotate(src, 45);
        for (int p : pixels(r)) {
            for (int shift = 0; shift <= 16; shift += 8) assertTrue(((p >> shift) & 255) >= 100, "a fill colour that is not the image's: " + Integer.toHexString(p));
        }
        int[] corners = {r.getRGB(0, 0), r.getRGB(15, 0), r.getRGB(0, 15), r.getRGB(15, 15)};
        assertTrue(corners[0] != corners[1] || corners[1] != corners[2] || corners[2] != corners[3], "the corners are not one constant colour");
        assertNotEquals(pixels(src)[0], r.getRGB(0, 0), "45° moves the content");
        BufferedImage flat = new BufferedImage(9, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) for (int x = 0; x < 9; x++) flat.setRGB(x, y, 0x4080C0);
        for (int p : pixels(Rotation.rotate(flat, 33))) assertEquals(0x4080C0, p & 0xFFFFFF, "a flat image stays flat, corners included");
    }

    @Test
    void factorsOfOneAreTheIdentity() {
        BufferedImage src = image(6, 5, 4, 0);
        assertArrayEquals(pixels(src), pixels(ColorJitter.adjust(src, 1, 1)));
    }

    @Test
    void brightnessScalesAndClamps() {
        BufferedImage src = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0x102030);
        src.setRGB(1, 0, 0xC8FF00);
        src.setRGB(2, 0, 0x000000);
        BufferedImage darker = ColorJitter.adjust(src, 0.5, 1), brighter = ColorJitter.adjust(src, 1.5, 1);
        assertEquals(0x081018, darker.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x648000, darker.getRGB(1, 0) & 0xFFFFFF, "255 · 0.5 = 127.5 rounds to 128");
        assertEquals(0x183048, brighter.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFF00, brighter.getRGB(1, 0) & 0xFFFFFF, "200 · 1.5 and 255 · 1.5 clamp to 255");
        assertEquals(0, brighter.getRGB(2, 0) & 0xFFFFFF, "black stays black");
    }

    @Test
    void contrastPullsTowardsTheMeanGreyAndClamps() {
        BufferedImage src = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0x404040);   // grey 64
        src.setRGB(1, 0, 0xC0C0C0);   // grey 192: the mean grey is 128
        assertEquals(0x606060, ColorJitter.adjust(src, 1, 0.5).getRGB(0, 0) & 0xFFFFFF, "128 + 0.5 · (64 − 128) = 96");
        assertEquals(0xA0A0A0, ColorJitter.adjust(src, 1, 0.5).getRGB(1, 0) & 0xFFFFFF, "128 + 0.5 · (192 − 128) = 160");
        assertEquals(0x000000, ColorJitter.adjust(src, 1, 3).getRGB(0, 0) & 0xFFFFFF, "128 + 3 · (−64) clamps to 0");
        assertEquals(0xFFFFFF, ColorJitter.adjust(src, 1, 3).getRGB(1, 0) & 0xFFFFFF, "128 + 3 · 64 clamps to 255");
        BufferedImage colour = new BufferedImage(1, 2, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, 0xFF0000);
        colour.setRGB(0, 1, 0x000000);
        double mean = 0.299 * 255 / 2;   // PIL's grey of pure red, averaged with black
        int r = (int) Math.round(mean + 0.5 * (255 - mean)), gb = (int) Math.round(mean + 0.5 * (0 - mean));
        assertEquals(r << 16 | gb << 8 | gb, ColorJitter.adjust(colour, 1, 0.5).getRGB(0, 0) & 0xFFFFFF, "the mean is the grey of all pixels");
    }

    @Test
    void optionValuesAndTheirBounds() {
        assertEquals(new Augmentation(15, 0.2, 0.3), Augmentation.parse("15", "0.2,0.3"));
        assertTrue(Augmentation.parse("0", "0,0").isOff());
        assertEquals(new Augmentation(180, 0, 0.99), Augmentation.parse("180", "0, 0.99"));
        for (String bad : new String[] {"-1", "180.5", "NaN", "Infinity", "ten", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse(bad, "0,0"), bad);
            assertTrue(e.getMessage().startsWith("--rotate"), e.getMessage());
        }
        for (String bad : new String[] {"0.2", "0.2,0.2,0.2", "1,0", "0,1", "-0.1,0", "a,b", ",", "0.1;0.1", "0,Infinity"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("0", bad), bad);
            assertTrue(e.getMessage().startsWith("--color_jitter"), e.getMessage());
        }
    }

    /** A Random that counts its draws (every nextX goes through next(bits)). */
    static final class CountingRandom extends Random {
        int draws;

        CountingRandom(long seed) {
            super(seed);
        }

        @Override
        protected int next(int bits) {
            draws++;
            return super.next(bits);
        }
    }

    /**
     * Off, the transform draws exactly the reference's numbers (crop top, crop left, flip); on, it draws them first and
     * identically, so crop and flip are those of the run without augmentation, then one number per augmentation.
     */
    @Test
    void augmentationDrawsAfterTheReferenceAndNothingWhenOff() {
        BufferedImage src = image(20, 20, 5, 0);
        Transform reference = new Transform(Preprocess.CROP, 20, 12, false);
        Transform off = new Transform(new DataOptions("train", "AtoB", Preprocess.CROP, 20, 12, false, false, 1, 9, Augmentation.NONE));
        Transform on = new Transform(Preprocess.CROP, 20, 12, false, new Augmentation(30, 0.2, 0.2));
        Transform rotateOnly = new Transform(Preprocess.CROP, 20, 12, false, new Augmentation(30, 0, 0));
        for (long seed = 0; seed < 20; seed++) {
            Random expected = new Random(seed);
            int top = expected.nextInt(9), left = expected.nextInt(9);
            boolean flip = expected.nextFloat() < 0.5f;
            CountingRandom r = new CountingRandom(seed);
            Transform.Prepared p = off.apply(src, r);
            assertEquals(3, r.draws, "the reference's three draws");
            assertEquals(expected.nextLong(), r.nextLong(), "and the same numbers");
            assertEquals(flip, p.flip());
            assertArrayEquals(pixels(src.getSubimage(left, top, 12, 12)), pixels(p.image()), "the reference's crop");
            assertArrayEquals(reference.apply(src, new Random(seed)).toArray(), p.toArray(), "as the transform without options");

            CountingRandom a = new CountingRandom(seed);
            Transform.Prepared augmented = on.apply(src, a);
            assertEquals(3 + 3 * 2, a.draws, "then an angle, a brightness and a contrast factor (two ints per double)");
            assertEquals(flip, augmented.flip(), "the flip is the reference's");
            CountingRandom b = new CountingRandom(seed);
            rotateOnly.apply(src, b);
            assertEquals(3 + 2, b.draws, "jitter off draws nothing");
        }
        assertSame(Augmentation.NONE, reference.augmentation(), "the transform test and translate build has no augmentation");
    }

    @Test
    void anAugmentedImageKeepsItsSizeAndIsDrawnFromTheRandom() {
        BufferedImage src = image(14, 10, 6, 0);
        Transform t = new Transform(Preprocess.NONE, 1, 1, true, new Augmentation(20, 0.3, 0.3));
        Transform.Prepared p = t.apply(src, new Random(7));
        assertArrayEquals(t.preparedSize(14, 10), new int[] {p.width(), p.height()}, "preparedSize still holds");
        assertArrayEquals(pixels(p.image()), pixels(t.apply(src, new Random(7)).image()), "the same Random, the same image");
        assertTrue(!java.util.Arrays.equals(pixels(p.image()), pixels(t.apply(src, new Random(8)).image())), "another draw, another image");
        assertTrue(!java.util.Arrays.equals(pixels(src), pixels(p.image())), "changed");
    }
}
