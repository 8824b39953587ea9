package org.cyclegan.train.report;

import java.awt.image.BufferedImage;

/**
 * Small images shown bigger, by a whole factor and nearest neighbour, so each pixel becomes a sharp square: a 32-px
 * emoji at 4× is judged by eye as a 256-px photograph is at 1×. Images already large enough stay as they are.
 */
final class Enlargement {
    /** The longer side a sample grid's image shows at, at least: six of them make a grid about 800 px wide. */
    static final int GRID_SIDE = 128;
    /** The longer side a test page's image shows at, at least; the reference's page shows every image 256 wide. */
    static final int PAGE_SIDE = 256;

    private Enlargement() {}

    /** The smallest whole factor that makes the longer side of a {@code width × height} image at least {@code side}; 1 for larger images. */
    static int factor(int width, int height, int side) {
        int longer = Math.max(width, height);
        if (longer < 1) throw new IllegalArgumentException("image of " + width + "x" + height);
        return Math.max(1, (side + longer - 1) / longer);
    }

    /** {@code img} with every pixel repeated {@code factor × factor} times (the same object for factor 1). */
    static BufferedImage enlarge(BufferedImage img, int factor) {
        if (factor < 1) throw new IllegalArgumentException("enlargement factor " + factor);
        if (factor == 1) return img;
        int w = img.getWidth(), h = img.getHeight(), bw = w * factor;
        int[] row = new int[w], big = new int[bw];
        BufferedImage out = new BufferedImage(bw, h * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < bw; x++) big[x] = row[x / factor];
            for (int r = 0; r < factor; r++) out.setRGB(0, y * factor + r, bw, 1, big, 0, bw);
        }
        return out;
    }
}
