package org.cyclegan.train.data;

import java.awt.image.BufferedImage;

/**
 * Brightness and contrast as torchvision's {@code ColorJitter} changes them: brightness multiplies every channel by its
 * factor; contrast blends each channel with the image's mean grey (0.299 R + 0.587 G + 0.114 B, PIL's grey) as
 * {@code mean + factor · (v − mean)}. Values are clamped to 0..255 after each step and rounded to 8 bits at the end.
 * torchvision applies its adjustments in a random order; here brightness always comes first.
 */
final class ColorJitter {
    private ColorJitter() {}

    static BufferedImage adjust(BufferedImage src, double brightness, double contrast) {
        int w = src.getWidth(), h = src.getHeight(), n = w * h;
        int[] px = src.getRGB(0, 0, w, h, null, 0, w);
        double[] r = new double[n], g = new double[n], b = new double[n];
        double grey = 0;
        for (int i = 0; i < n; i++) {
            r[i] = clamp(((px[i] >> 16) & 255) * brightness);
            g[i] = clamp(((px[i] >> 8) & 255) * brightness);
            b[i] = clamp((px[i] & 255) * brightness);
            grey += 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i];
        }
        double mean = grey / n;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = channel(r[i], mean, contrast) << 16 | channel(g[i], mean, contrast) << 8 | channel(b[i], mean, contrast);
        }
        BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, w, h, out, 0, w);
        return result;
    }

    private static int channel(double v, double mean, double contrast) {
        return (int) Math.round(clamp(mean + contrast * (v - mean)));
    }

    private static double clamp(double v) {
        return Math.min(255, Math.max(0, v));
    }
}
