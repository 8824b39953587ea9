package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every image mode and format read back as 8-bit RGB; broken files named in the error. */
class ImagesTest {
    @TempDir Path dir;

    /** The 8-bit gray levels of the test images: mid-grays catch a gamma conversion, 0 and 255 the ends. */
    static final int[] LEVELS = {0, 37, 128, 200, 255, 90};
    static final int W = 3, H = 2;

    static int level(int x, int y) {
        return LEVELS[y * W + x];
    }

    static BufferedImage rgb() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.setRGB(x, y, expectedRgb(x, y));
        return img;
    }

    static int expectedRgb(int x, int y) {
        int v = level(x, y);
        return v << 16 | (255 - v) << 8 | (v / 2);
    }

    static BufferedImage gray8() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) r.setSample(x, y, 0, level(x, y));
        return img;
    }

    static BufferedImage gray16() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) r.setSample(x, y, 0, level(x, y) * 257);
        return img;
    }

    /**
     * Palette of the six colours of {@link #rgb()} (padded with black to {@code entries}), pixel i using entry i. Six
     * entries make the PNG writer store 4-bit indices; the JDK's BMP writer packs 4-bit rows of odd width wrongly, so
     * BMP and GIF get 256 entries (8-bit indices).
     */
    static BufferedImage palette(int entries) {
        byte[] r = new byte[entries], g = new byte[entries], b = new byte[entries];
        for (int i = 0; i < LEVELS.length; i++) {
            int c = expectedRgb(i % W, i / W);
            r[i] = (byte) (c >> 16);
            g[i] = (byte) (c >> 8);
            b[i] = (byte) c;
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, entries, r, g, b));
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) img.getRaster().setSample(x, y, 0, y * W + x);
        return img;
    }

    /** RGBA: row 0 opaque colours, row 1 red at alpha 0, blue at alpha 128, green at alpha 255. */
    static BufferedImage rgba() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
        for (int x = 0; x < W; x++) img.setRGB(x, 0, 0xFF000000 | expectedRgb(x, 0));
        img.setRGB(0, 1, 0x00FF0000);
        img.setRGB(1, 1, 0x800000FF);
        img.setRGB(2, 1, 0xFF00FF00);
        return img;
    }

    static void assertPixels(BufferedImage got, int[][] expected, int tol, String what) {
        assertEquals(BufferedImage.TYPE_INT_RGB, got.getType(), what + ": type");
        assertEquals(W, got.getWidth(), what + ": width");
        assertEquals(H, got.getHeight(), what + ": height");
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int g = got.getRGB(x, y), e = expected[y][x];
                for (int s = 0; s <= 16; s += 8) {
                    int gc = (g >> s) & 255, ec = (e >> s) & 255;
                    assertTrue(Math.abs(gc - ec) <= tol,
                            what + ": pixel (" + x + "," + y + ") channel shift " + s + ": got " + gc + ", expected " + ec);
                }
            }
        }
    }

    static int[][] expected(java.util.function.IntBinaryOperator f) {
        int[][] e = new int[H][W];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) e[y][x] = f.applyAsInt(x, y);
        return e;
    }

    static final int[][] RGB = expected(ImagesTest::expectedRgb);
    static final int[][] GRAY = expected((x, y) -> level(x, y) * 0x010101);
    /** White compositing: alpha 0 → white, alpha 128 over blue → (127,127,255), opaque green stays. */
    static final int[][] RGBA_ON_WHITE = {
        {expectedRgb(0, 0), expectedRgb(1, 0), expectedRgb(2, 0)},
        {0xFFFFFF, 127 << 16 | 127 << 8 | 255, 0x00FF00}};

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path p = dir.resolve(name + "." + format);
        boolean ok = ImageIO.write(img, format, p.toFile());
        if (!ok) {
            Files.deleteIfExists(p);
            return null;
        }
        return p;
    }

    @Test
    void pngEveryModeIsExact() throws IOException {
        assertPixels(Images.read(write(rgb(), "png", "rgb")), RGB, 0, "png rgb");
        assertPixels(Images.read(write(rgba(), "png", "rgba")), RGBA_ON_WHITE, 0, "png rgba on white");
        assertPixels(Images.read(write(gray8(), "png", "gray")), GRAY, 0, "png gray (no gamma change)");
        assertPixels(Images.read(write(gray16(), "png", "gray16")), GRAY, 0, "png 16-bit gray scaled to 8 bits");
        assertPixels(Images.read(write(palette(LEVELS.length), "png", "palette")), RGB, 0, "png palette");
    }

    @Test
    void bmpModesAreExact() throws IOException {
        assertPixels(Images.read(write(rgb(), "bmp", "rgb")), RGB, 0, "bmp rgb");
        assertPixels(Images.read(write(gray8(), "bmp", "gray")), GRAY, 0, "bmp gray");
        assertPixels(Images.read(write(palette(256), "bmp", "palette")), RGB, 0, "bmp palette");
    }

    /** A palette image with every pixel blown up to an s×s block (same palette). */
    static BufferedImage blocks(BufferedImage src, int s) {
        BufferedImage out = new BufferedImage(src.getWidth() * s, src.getHeight() * s, BufferedImage.TYPE_BYTE_INDEXED, (IndexColorModel) src.getColorModel());
        for (int y = 0; y < out.getHeight(); y++) for (int x = 0; x < out.getWidth(); x++) out.getRaster().setSample(x, y, 0, src.getRaster().getSample(x / s, y / s, 0));
        return out;
    }

    static void assertBlocks(BufferedImage got, int[][] want, int s, String what) {
        assertEquals(W * s, got.getWidth(), what);
        assertEquals(H * s, got.getHeight(), what);
        assertEquals(BufferedImage.TYPE_INT_RGB, got.getType(), what);
        for (int y = 0; y < H * s; y++) for (int x = 0; x < W * s; x++) {
            assertEquals(Integer.toHexString(want[y / s][x / s]), Integer.toHexString(got.getRGB(x, y) & 0xFFFFFF), what + " at " + x + "," + y);
        }
    }

    @Test
    void gifPaletteAndTransparentIndex() throws IOException {
        // GIF is a palette format (the JDK's writer quantises RGB input, so only palette images are exact). The JDK's
        // GIF writer also garbles images of a few pixels, so each test pixel is an 8×8 block here.
        assertBlocks(Images.read(write(blocks(palette(256), 8), "gif", "palette")), RGB, 8, "gif palette");
        BufferedImage t = palette(256);
        IndexColorModel cm = (IndexColorModel) t.getColorModel();
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        cm.getReds(r);
        cm.getGreens(g);
        cm.getBlues(b);
        // entry 2 (pixel (2,0)) transparent: it must come back white
        BufferedImage withHole = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b, 2));
        withHole.setData(t.getRaster());
        int[][] want = expected((x, y) -> x == 2 && y == 0 ? 0xFFFFFF : expectedRgb(x, y));
        assertBlocks(Images.read(write(blocks(withHole, 8), "gif", "transparent")), want, 8, "gif transparent index on white");
        assertPixels(Images.read(write(withHole, "png", "transparent")), want, 0, "png transparent index on white");
    }

    @Test
    void jpegRgbAndGray() throws IOException {
        // JPEG is lossy; tiny 3x2 images of extreme colours lose a lot to chroma subsampling, so use flat images.
        BufferedImage flat = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) flat.setRGB(x, y, 0x336699);
        Path p = dir.resolve("flat.jpg");
        assertTrue(ImageIO.write(flat, "jpg", p.toFile()));
        BufferedImage got = Images.read(p);
        assertEquals(BufferedImage.TYPE_INT_RGB, got.getType());
        assertEquals(16, got.getWidth());
        assertEquals(0x33, (got.getRGB(5, 5) >> 16) & 255, 3);
        assertEquals(0x66, (got.getRGB(5, 5) >> 8) & 255, 3);
        assertEquals(0x99, got.getRGB(5, 5) & 255, 3);

        BufferedImage g = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) g.getRaster().setSample(x, y, 0, 128);
        Path pg = dir.resolve("gray.JPEG");
        assertTrue(ImageIO.write(g, "jpg", pg.toFile()));
        BufferedImage gg = Images.read(pg);
        int c = gg.getRGB(7, 7);
        assertEquals(128, (c >> 16) & 255, 1, "gray JPEG keeps its level (no gamma change)");
        assertEquals((c >> 16) & 255, c & 255, "gray JPEG has R = B");
    }

    private static byte[] bigPng() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, r.nextInt());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static byte[] bigJpeg() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(2);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, r.nextInt());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void truncatedGarbageAndEmptyFilesAreNamed() throws IOException {
        byte[] png = bigPng(), jpg = bigJpeg();
        Path[] bad = {
            Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2)),
            Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length / 2)),
            Files.write(dir.resolve("garbage.png"), "this is not an image at all".getBytes()),
            Files.write(dir.resolve("empty.bmp"), new byte[0]),
            dir.resolve("missing.png"),
        };
        String[] why = {"truncated", "truncated", "not an image", "empty", "no such file"};
        for (int i = 0; i < bad.length; i++) {
            Path p = bad[i];
            ImageReadException e = assertThrows(ImageReadException.class, () -> Images.read(p), p.toString());
            assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains(why[i]), "message says why (" + why[i] + "): " + e.getMessage());
            assertEquals(p.toString(), e.file());
        }
    }

    @Test
    void compositingFormula() {
        assertEquals(0xFFFFFF, Images.onWhite(0x00123456));
        assertEquals(0x123456, Images.onWhite(0xFF123456));
        // alpha 127: red 0 → round(255·128/255 + 0) = 128; green and blue 255 stay 255.
        assertEquals(128 << 16 | 255 << 8 | 255, Images.onWhite(0x7F00FFFF));
    }

    /**
     * A CMYK JPEG as PIL writes it (src-test/fixtures/generate_image_fixtures.py) reads as PIL's convert('RGB') does,
     * exactly: block (0, 0) is RGB (0, 128, 255) saved as CMYK, which Java2D's ICC conversion turned into (0, 188, 255).
     */
    @Test
    void cmykJpegReadsAsPilConvertsIt() throws IOException {
        Path jpg = org.cyclegan.testing.TorchFiles.fixtureFile(dir, "cmyk.jpg");
        BufferedImage pil = ImageIO.read(new java.io.ByteArrayInputStream(org.cyclegan.testing.TorchFiles.fixture("cmyk_pil_rgb.png")));
        BufferedImage ours = Images.read(jpg);
        assertEquals(16, ours.getWidth());
        assertEquals(16, ours.getHeight());
        assertEquals(0x0080FF, ours.getRGB(0, 0) & 0xFFFFFF, "RGB (0, 128, 255) comes back");
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(Integer.toHexString(pil.getRGB(x, y) & 0xFFFFFF), Integer.toHexString(ours.getRGB(x, y) & 0xFFFFFF), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void pilsMulDiv255RoundsAsDivisionBy255() {
        for (int a = 0; a < 256; a++) for (int b = 0; b < 256; b++) assertEquals(Math.round(a * b / 255.0), Images.mulDiv255(a, b), a + "*" + b);
    }
}
