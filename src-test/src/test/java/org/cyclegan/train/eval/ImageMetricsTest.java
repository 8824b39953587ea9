package org.cyclegan.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.io.Json;
import org.cyclegan.train.data.Images;
import org.junit.jupiter.api.Test;

/**
 * L1, PSNR and SSIM: values derived by hand for simple images, and SSIM against an independent implementation
 * ({@code src-test/fixtures/generate_metric_fixtures.py}, a direct transcription of Wang et al. 2004 that also agrees
 * with scikit-image) on real emoji pairs and a non-square synthetic pair.
 */
public class ImageMetricsTest {
    /** Fixture values are doubles computed in another order of summation: agreement to 1e-10 is exact in practice. */
    private static final double FIXTURE_TOLERANCE = 1e-10;

    public static BufferedImage constant(int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r << 16 | g << 8 | b);
        return img;
    }

    static BufferedImage random(Random rng, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
        return img;
    }

    @Test void anImageAgainstItselfScoresPerfectly() {
        BufferedImage img = random(new Random(3), 32, 29);
        assertEquals(1.0, ImageMetrics.ssim(img, img), 1e-12);
        assertEquals(0.0, ImageMetrics.l1(img, img));
        assertEquals(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnr(img, img), "identical images get the cap, not infinity");
    }

    @Test void aConstantOffsetGivesTheL1PsnrAndSsimDerivedByHand() {
        BufferedImage target = constant(16, 12, 100, 150, 200), pred = constant(16, 12, 110, 160, 210);
        // Every value is 10 levels off: 10/127.5 on [-1, 1]; MSE on [0, 1] is (10/255)², PSNR = 20·log10(25.5).
        assertEquals(10 / 127.5, ImageMetrics.l1(pred, target), 1e-12);
        assertEquals(20 * Math.log10(25.5), ImageMetrics.psnr(pred, target), 1e-9);
        assertEquals(28.1308, ImageMetrics.psnr(pred, target), 1e-4);
        // Flat images have no variance, so only SSIM's luminance term is left: (2·μx·μy + C1) / (μx² + μy² + C1).
        double c1 = 0.01 * 0.01, expected = 0;
        for (int v : new int[] {100, 150, 200}) {
            double mx = (v + 10) / 255.0, my = v / 255.0;
            expected += (2 * mx * my + c1) / (mx * mx + my * my + c1) / 3;
        }
        assertEquals(expected, ImageMetrics.ssim(pred, target), 1e-12);
        assertTrue(expected < 0.999, "the offset must be visible to SSIM: " + expected);
    }

    @Test void oneLevelInOneValueGivesThePsnrOfItsMse() {
        BufferedImage target = constant(20, 10, 50, 50, 50), pred = constant(20, 10, 50, 50, 50);
        pred.setRGB(3, 4, 50 << 16 | 51 << 8 | 50);
        double mse = 1.0 / (255 * 255) / (20 * 10 * 3);
        assertEquals(10 * Math.log10(1 / mse), ImageMetrics.psnr(pred, target), 1e-9);
        assertEquals(1 / 127.5 / 600, ImageMetrics.l1(pred, target), 1e-15);
    }

    @Test void ssimIsSymmetricAndFallsAsNoiseGrows() {
        Random rng = new Random(11);
        BufferedImage target = random(rng, 24, 24), slightly = noisy(target, 8, rng), very = noisy(target, 60, rng);
        assertEquals(ImageMetrics.ssim(slightly, target), ImageMetrics.ssim(target, slightly), 1e-12);
        double s1 = ImageMetrics.ssim(slightly, target), s2 = ImageMetrics.ssim(very, target);
        assertTrue(s1 < 1 && s2 < s1, s1 + " then " + s2);
    }

    @Test void matchesTheIndependentImplementation() throws IOException {
        List<?> cases = (List<?>) ((Map<?, ?>) Json.parse(resource("/fixtures/metrics.json"))).get("cases");
        assertEquals(3, cases.size());
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            BufferedImage pred, target;
            if (c.get("pred").equals("synthetic")) {
                int w = ((Number) c.get("width")).intValue(), h = ((Number) c.get("height")).intValue();
                target = synthetic(w, h, false);
                pred = synthetic(w, h, true);
            } else {
                pred = image((String) c.get("pred"));
                target = image((String) c.get("target"));
            }
            String name = (String) c.get("name");
            assertEquals(number(c, "l1"), ImageMetrics.l1(pred, target), FIXTURE_TOLERANCE, name + " l1");
            assertEquals(number(c, "psnr"), ImageMetrics.psnr(pred, target), FIXTURE_TOLERANCE, name + " psnr");
            assertEquals(number(c, "ssim"), ImageMetrics.ssim(pred, target), FIXTURE_TOLERANCE, name + " ssim");
            List<?> perChannel = (List<?>) c.get("ssim_rgb");
            for (int ch = 0; ch < 3; ch++) {
                int shift = 16 - 8 * ch;
                double got = ImageMetrics.ssimChannel(channel(pred, shift), channel(target, shift), pred.getWidth(), pred.getHeight());
                assertEquals(((Number) perChannel.get(ch)).doubleValue(), got, FIXTURE_TOLERANCE, name + " ssim of channel " + ch);
            }
        }
    }

    @Test void differentSizesAndImagesTooSmallForTheWindowAreRefused() {
        BufferedImage a = constant(16, 16, 1, 2, 3), b = constant(16, 15, 1, 2, 3), tiny = constant(10, 16, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageMetrics.compare(a, b));
        assertTrue(e.getMessage().contains("16x16") && e.getMessage().contains("16x15"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(tiny, tiny));
        assertTrue(e.getMessage().contains("10x16"), e.getMessage());
    }

    @Test void theGaussianWindowIsNormalisedAndSymmetric() {
        double[] g = ImageMetrics.gaussian(11, 1.5);
        double sum = 0;
        for (double v : g) sum += v;
        assertEquals(1.0, sum, 1e-15);
        for (int i = 0; i < 5; i++) assertEquals(g[i], g[10 - i], 0);
        assertEquals(Math.exp(-25 / 4.5), g[0] / g[5], 1e-12, "edge against centre: exp(-5²/(2·1.5²))");
    }

    /** The pair generate_metric_fixtures.py's synthetic() builds, from the same integer formulas. */
    static BufferedImage synthetic(int w, int h, boolean distorted) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int t = (40 + 9 * x + 5 * y + 70 * c + (x * y) % 13 * 4) % 256;
                    int d = (x * 31 + y * 17 + c * 7) % 41 - 20;
                    int v = distorted ? Math.min(255, Math.max(0, t + d)) : t;
                    rgb = rgb << 8 | v;
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static BufferedImage noisy(BufferedImage src, int amplitude, Random rng) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y), rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int v = ((p >> shift) & 255) + rng.nextInt(2 * amplitude + 1) - amplitude;
                    rgb = rgb << 8 | Math.min(255, Math.max(0, v));
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    private static double[] channel(BufferedImage img, int shift) {
        int w = img.getWidth(), h = img.getHeight();
        double[] c = new double[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) c[y * w + x] = ((img.getRGB(x, y) >> shift) & 255) / 255.0;
        return c;
    }

    private static double number(Map<?, ?> c, String key) {
        return ((Number) c.get(key)).doubleValue();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ImageMetricsTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is missing; run src-test/fixtures/generate_metric_fixtures.py");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static BufferedImage image(String resource) throws IOException {
        try (InputStream in = ImageMetricsTest.class.getResourceAsStream("/" + resource)) {
            assertNotNull(in, resource);
            return Images.read(in, resource);
        }
    }
}
