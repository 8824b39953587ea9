package org.cyclegan.train.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cyclegan.engine.Tensor;

/**
 * Writes images in [−1, 1] as PNG grids: one row per sample, one column per image kind (real_A, fake_B, ...). Small
 * images are enlarged by a whole factor, nearest neighbour ({@link Enlargement}), so that each shows at least
 * {@value Enlargement#GRID_SIDE} px: a grid of 32-px images would otherwise be too small to judge by eye.
 */
public final class SampleGrid {
    private SampleGrid() {}

    /** rows.get(r).get(c) is a [1, 3, H, W] tensor; all the same size. Written atomically. */
    public static void write(Path file, List<List<Tensor>> rows) throws IOException {
        Png.write(image(rows), file);
    }

    /** The grid: images of H × W enlarged by {@link Enlargement#factor} k, 2 px of white between them. */
    static BufferedImage image(List<List<Tensor>> rows) {
        int[] s = rows.get(0).get(0).shape();
        int k = Enlargement.factor(s[3], s[2], Enlargement.GRID_SIDE);
        int h = k * s[2], w = k * s[3], gap = 2;
        int cols = rows.get(0).size();
        BufferedImage grid = new BufferedImage(cols * (w + gap) - gap, rows.size() * (h + gap) - gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < cols; c++) {
                    g.drawImage(Enlargement.enlarge(Png.toImage(rows.get(r).get(c)), k), c * (w + gap), r * (h + gap), null);
                }
            }
        } finally {
            g.dispose();
        }
        return grid;
    }
}
