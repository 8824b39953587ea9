package org.cyclegan.train.eval;

import java.awt.image.BufferedImage;

/**
 * Paired full-reference metrics between two 8-bit RGB images of the same size (a prediction and its target).
 *
 * <ul>
 *   <li><b>L1</b> — mean |p − t| over all pixels and channels, with values mapped to [−1, 1] as training maps them
 *       ({@code v/127.5 − 1}), so it is on the scale of the cycle and identity L1 losses. It is twice the L1 on [0, 1].
 *   <li><b>PSNR</b> — {@code 10·log10(1 / MSE)} dB with values on [0, 1] (peak 1), MSE over all pixels and channels.
 *       Identical images have no finite PSNR; every value is capped at {@value #PSNR_CAP_DB} dB so a mean over a set
 *       stays finite. (Below the cap nothing changes for 8-bit images up to about 150,000 values, e.g. 220×220 RGB:
 *       one level of difference in one value already gives 48.1 + 10·log10(values) dB.)
 *   <li><b>SSIM</b> — Wang, Bovik, Sheikh and Simoncelli (2004), as their reference {@code ssim_index.m}: an 11×11
 *       Gaussian window with σ = 1.5 normalised to sum 1, K1 = 0.01, K2 = 0.03, dynamic range 1 (values on [0, 1]),
 *       local statistics only where the window lies wholly inside the image (MATLAB's {@code filter2(..., 'valid')}: no
 *       padding, an (H−10)×(W−10) map), local variances with the window's weights (not the unbiased N−1 estimate),
 *       the map averaged; computed on R, G and B separately and the three averaged; no down-sampling. Images must be
 *       at least 11 pixels on each side.
 * </ul>
 *
 * Everything is accumulated in double precision.
 */
public final class ImageMetrics {
    public static final double PSNR_CAP_DB = 100;
    public static final int SSIM_WINDOW = 11;
    public static final double SSIM_SIGMA = 1.5, SSIM_K1 = 0.01, SSIM_K2 = 0.03;

    /** The Gaussian as separable weights: the 2-D window is the outer product of this with itself. */
    private static final double[] GAUSSIAN = gaussian(SSIM_WINDOW, SSIM_SIGMA);

    /** The three scores of one image pair. */
    public record Scores(double l1, double psnr, double ssim) {}

    private ImageMetrics() {}

    public static Scores compare(BufferedImage pred, BufferedImage target) {
        return new Scores(l1(pred, target), psnr(pred, target), ssim(pred, target));
    }

    /** Mean absolute difference on the [−1, 1] scale (see the class comment). */
    public static double l1(BufferedImage pred, BufferedImage target) {
        int[] p = pixels(pred, target), t = pixels(target, pred);
        long sum = 0;
        for (int i = 0; i < p.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) sum += Math.abs(((p[i] >> shift) & 255) - ((t[i] >> shift) & 255));
        }
        return sum / 127.5 / (3.0 * p.length);
    }

    /** PSNR in dB on [0, 1], capped at {@link #PSNR_CAP_DB} (see the class comment). */
    static double psnr(BufferedImage pred, BufferedImage target) {
        int[] p = pixels(pred, target), t = pixels(target, pred);
        long squares = 0;
        for (int i = 0; i < p.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                long d = ((p[i] >> shift) & 255) - ((t[i] >> shift) & 255);
                squares += d * d;
            }
        }
        if (squares == 0) return PSNR_CAP_DB;
        double mse = squares / (255.0 * 255.0) / (3.0 * p.length);
        return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse));
    }

    /** Mean SSIM over R, G and B (see the class comment). */
    static double ssim(BufferedImage pred, BufferedImage target) {
        int[] p = pixels(pred, target), t = pixels(target, pred);
        int w = pred.getWidth(), h = pred.getHeight();
        if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + SSIM_WINDOW + "x" + SSIM_WINDOW + " pixels, got " + w + "x" + h);
        }
        double sum = 0;
        for (int shift = 16; shift >= 0; shift -= 8) sum += ssimChannel(channel(p, shift), channel(t, shift), w, h);
        return sum / 3;
    }

    /** SSIM of one channel: the mean of the SSIM map over every position where the window fits. */
    static double ssimChannel(double[] x, double[] y, int w, int h) {
        double c1 = SSIM_K1 * SSIM_K1, c2 = SSIM_K2 * SSIM_K2;   // (K·L)² with L = 1
        double[] xx = new double[x.length], yy = new double[x.length], xy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] muX = filterValid(x, w, h), muY = filterValid(y, w, h);
        double[] eXX = filterValid(xx, w, h), eYY = filterValid(yy, w, h), eXY = filterValid(xy, w, h);
        double sum = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx = muX[i], my = muY[i];
            double varX = eXX[i] - mx * mx, varY = eYY[i] - my * my, cov = eXY[i] - mx * my;
            sum += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (varX + varY + c2));
        }
        return sum / muX.length;
    }

    /** Weighted local means with the Gaussian window, 'valid' positions only: (h−10)×(w−10) values, row-major. */
    private static double[] filterValid(double[] v, int w, int h) {
        int k = GAUSSIAN.length, ow = w - k + 1, oh = h - k + 1;
        double[] rows = new double[h * ow];   // horizontal pass
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int j = 0; j < k; j++) s += GAUSSIAN[j] * v[y * w + x + j];
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];   // vertical pass
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int j = 0; j < k; j++) s += GAUSSIAN[j] * rows[(y + j) * ow + x];
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    static double[] gaussian(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0, centre = (size - 1) / 2.0;
        for (int i = 0; i < size; i++) {
            g[i] = Math.exp(-(i - centre) * (i - centre) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) g[i] /= sum;
        return g;
    }

    /** One channel (16 = red, 8 = green, 0 = blue) of packed RGB pixels, on [0, 1]. */
    private static double[] channel(int[] rgb, int shift) {
        double[] c = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) c[i] = ((rgb[i] >> shift) & 255) / 255.0;
        return c;
    }

    /** The packed RGB pixels of {@code image}, row-major; refuses a pair of different sizes. */
    private static int[] pixels(BufferedImage image, BufferedImage other) {
        int w = image.getWidth(), h = image.getHeight();
        if (w != other.getWidth() || h != other.getHeight()) {
            throw new IllegalArgumentException("images differ in size: " + w + "x" + h + " and " + other.getWidth() + "x" + other.getHeight());
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }
}
