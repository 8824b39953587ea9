package org.cyclegan.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;
import org.cyclegan.engine.Tensor;

/** Writes images in [−1, 1] as PNG grids: one row per sample, one column per image kind (real_A, fake_B, ...). */
final class SampleGrid {
    private SampleGrid() {}

    /** rows.get(r).get(c) is a [1, 3, H, W] tensor; all the same size. Written atomically (temp file + rename). */
    static void write(Path file, List<List<Tensor>> rows) throws IOException {
        int[] s = rows.get(0).get(0).shape();
        int h = s[2], w = s[3], gap = 2;
        int cols = rows.get(0).size();
        BufferedImage img = new BufferedImage(cols * (w + gap) - gap, rows.size() * (h + gap) - gap, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols; c++) {
                float[] v = rows.get(r).get(c).toArray();
                int plane = h * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = y * w + x;
                        int rgb = (to8bit(v[i]) << 16) | (to8bit(v[plane + i]) << 8) | to8bit(v[2 * plane + i]);
                        img.setRGB(c * (w + gap) + x, r * (h + gap) + y, rgb);
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer available");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** [−1, 1] → 0..255, as the reference's tensor2im: (x + 1) / 2 · 255, rounded, clamped. */
    static int to8bit(float x) {
        return Math.max(0, Math.min(255, Math.round((x + 1f) / 2f * 255f)));
    }
}
