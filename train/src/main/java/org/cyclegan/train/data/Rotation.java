package org.cyclegan.train.data;

import java.awt.image.BufferedImage;

/**
 * Rotation of an image about its centre, keeping its size (torchvision's {@code rotate(expand=False)}), with reflection
 * fill: where the rotated image leaves the frame, the pixels come from the image mirrored at its borders, as
 * {@code ReflectionPad2d} pads (the edge pixel is not repeated), so no constant border appears for the discriminators
 * to learn. Sampling is bilinear on that reflected image, rounded to 8 bits per channel; torchvision's default is
 * nearest with a constant fill.
 */
final class Rotation {
    private Rotation() {}

    /** The image rotated counter-clockwise (as seen on screen) by {@code degrees}, as torchvision's angle. */
    static BufferedImage rotate(BufferedImage src, double degrees) {
        int w = src.getWidth(), h = src.getHeight();
        int[] in = src.getRGB(0, 0, w, h, null, 0, w), out = new int[w * h];
        double t = Math.toRadians(degrees), cos = Math.cos(t), sin = Math.sin(t);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // The inverse rotation: where in the source the output pixel (x, y) comes from (y grows downwards).
                double dx = x - cx, dy = y - cy;
                double sx = cx + dx * cos - dy * sin, sy = cy + dx * sin + dy * cos;
                out[y * w + x] = bilinear(in, w, h, sx, sy);
            }
        }
        BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, w, h, out, 0, w);
        return result;
    }

    private static int bilinear(int[] in, int w, int h, double sx, double sy) {
        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
        double fx = sx - x0, fy = sy - y0;
        int xa = reflect(x0, w), xb = reflect(x0 + 1, w), ya = reflect(y0, h), yb = reflect(y0 + 1, h);
        int p00 = in[ya * w + xa], p01 = in[ya * w + xb], p10 = in[yb * w + xa], p11 = in[yb * w + xb];
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double top = ((p00 >> shift) & 255) * (1 - fx) + ((p01 >> shift) & 255) * fx;
            double bottom = ((p10 >> shift) & 255) * (1 - fx) + ((p11 >> shift) & 255) * fx;
            int v = (int) Math.round(top * (1 - fy) + bottom * fy);
            rgb |= Math.min(255, Math.max(0, v)) << shift;
        }
        return rgb;
    }

    /** Index {@code i} of a side of {@code n} pixels mirrored into 0..n−1 without repeating the edge: −1 → 1, n → n−2. */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
