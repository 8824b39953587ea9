package org.cyclegan.train.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.io.AtomicFile;

/** Network outputs as pictures: a [1, 3, H, W] tensor in [−1, 1] to an RGB image, and PNG files written atomically. */
public final class Png {
    private Png() {}

    /** The first image of an NCHW batch in [−1, 1] as 8-bit RGB. */
    public static BufferedImage toImage(Tensor t) {
        return toImage(t.toArray(), 0, t.dim(3), t.dim(2));
    }

    /** The [3, h, w] image at {@code offset} of {@code v} (values in [−1, 1]) as 8-bit RGB. */
    public static BufferedImage toImage(float[] v, int offset, int w, int h) {
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            int o = offset + i;
            img.setRGB(i % w, i / w, (to8bit(v[o]) << 16) | (to8bit(v[plane + o]) << 8) | to8bit(v[2 * plane + o]));
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
        write(encode(img), file);
    }

    /** Bytes already encoded (by {@link #encode}) written to {@code file} atomically. */
    public static void write(byte[] png, Path file) throws IOException {
        AtomicFile.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(png);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** The image as the bytes of a PNG file. */
    public static byte[] encode(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) throw new IOException("no PNG writer available");
        return bytes.toByteArray();
    }
}
