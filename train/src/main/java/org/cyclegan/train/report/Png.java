package org.cyclegan.train.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.io.AtomicFile;

/** Network outputs as pictures: a [1, 3, H, W] tensor in [−1, 1] to an RGB image, and PNG files written atomically. */
public final class Png {
    private Png() {}

    /** The first image of an NCHW batch in [−1, 1] as 8-bit RGB. */
    public static BufferedImage toImage(Tensor t) {
        int h = t.dim(2), w = t.dim(3), plane = h * w;
        float[] v = t.toArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            img.setRGB(i % w, i / w, (to8bit(v[i]) << 16) | (to8bit(v[plane + i]) << 8) | to8bit(v[2 * plane + i]));
        }
        return img;
    }

    /**
     * [−1, 1] → 0..255 exactly as the reference's tensor2im: (x + 1) / 2 · 255 in float32, truncated toward zero (numpy's
     * astype(uint8)), so our PNGs are the reference's byte for byte; clamped for values a tanh cannot produce.
     */
    public static int to8bit(float x) {
        return Math.max(0, Math.min(255, (int) ((x + 1f) / 2f * 255f)));
    }

    public static void write(BufferedImage img, Path file) throws IOException {
        AtomicFile.write(file, ch -> {
            if (!ImageIO.write(img, "png", Channels.newOutputStream(ch))) throw new IOException("no PNG writer available");
        });
    }
}
