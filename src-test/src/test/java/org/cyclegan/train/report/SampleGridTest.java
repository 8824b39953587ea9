package org.cyclegan.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.cyclegan.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sample grids: small images enlarged by a whole factor with their pixels replicated, large ones at their size. */
class SampleGridTest {
    @TempDir Path dir;

    private static Tensor image(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.of(v, 1, 3, h, w);
    }

    private static List<List<Tensor>> rows(int count, int side) {
        List<List<Tensor>> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            List<Tensor> row = new ArrayList<>();
            for (int c = 0; c < 6; c++) row.add(image(side, side, 10L * r + c));
            rows.add(row);
        }
        return rows;
    }

    @Test
    void factorsMakeTheLongerSideAtLeastTheTarget() {
        assertEquals(4, Enlargement.factor(32, 32, 128));
        assertEquals(4, Enlargement.factor(32, 16, 128), "the longer side decides");
        assertEquals(2, Enlargement.factor(100, 60, 128), "whole factors: 200 px");
        assertEquals(1, Enlargement.factor(128, 128, 128));
        assertEquals(1, Enlargement.factor(256, 256, 128));
        assertEquals(1, Enlargement.factor(1000, 30, 128));
        assertEquals(128, Enlargement.factor(1, 1, 128));
        assertEquals(8, Enlargement.factor(32, 32, 256));
    }

    /** The embedded set's 32-px images: each shows at 4× (128 px), so the grid of 2 rows is 778 × 258, not 202 × 66. */
    @Test
    void thirtyTwoPixelImagesAreEnlargedFourTimesWithTheirPixelsReplicated() throws Exception {
        List<List<Tensor>> rows = rows(2, 32);
        Path file = dir.resolve("grid.png");
        SampleGrid.write(file, rows);
        BufferedImage grid = ImageIO.read(file.toFile());
        assertEquals(6 * (128 + 2) - 2, grid.getWidth());
        assertEquals(2 * (128 + 2) - 2, grid.getHeight());
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 6; c++) {
                BufferedImage small = Png.toImage(rows.get(r).get(c));
                int left = c * 130, top = r * 130;
                for (int y = 0; y < 128; y++) {
                    for (int x = 0; x < 128; x++) {
                        assertEquals(small.getRGB(x / 4, y / 4), grid.getRGB(left + x, top + y), "row " + r + " column " + c + " at " + x + "," + y);
                    }
                }
                if (c < 5) assertEquals(0xFFFFFFFF, grid.getRGB(left + 128, top + 5), "the white gap");
            }
        }
    }

    @Test
    void largeImagesAreNotEnlarged() {
        List<List<Tensor>> rows = rows(1, 256);
        BufferedImage grid = SampleGrid.image(rows);
        assertEquals(6 * 258 - 2, grid.getWidth());
        assertEquals(256, grid.getHeight());
        BufferedImage third = Png.toImage(rows.get(0).get(2));
        for (int y = 0; y < 256; y += 7) for (int x = 0; x < 256; x += 5) assertEquals(third.getRGB(x, y), grid.getRGB(2 * 258 + x, y));
        BufferedImage img = Png.toImage(rows.get(0).get(0));
        assertSame(img, Enlargement.enlarge(img, 1));
    }

    @Test
    void thePageShowsSmallTestImagesAtAWholeMultipleAndLargeOnesAtTheReferencesWidth() throws Exception {
        Path images = Files.createDirectories(dir.resolve("test_latest/images"));
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", images.resolve("small.png").toFile());
        ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", images.resolve("wide.png").toFile());
        ImageIO.write(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png", images.resolve("large.png").toFile());
        Files.write(images.resolve("broken.png"), new byte[] {1, 2, 3});
        assertEquals(" width=\"256\" height=\"256\"", TestResultsPage.displaySize(images.resolve("small.png")), "32 px at 8×");
        assertEquals(" width=\"260\" height=\"130\"", TestResultsPage.displaySize(images.resolve("wide.png")), "20 × 10 at 13×");
        assertEquals(" width=\"256\"", TestResultsPage.displaySize(images.resolve("large.png")), "as the reference's page");
        assertEquals(" width=\"256\"", TestResultsPage.displaySize(images.resolve("broken.png")), "unreadable: as before");
        Path page = dir.resolve("test_latest/index.html");
        TestResultsPage.write(page, "x", "latest", null, List.of(new TestResultsPage.Row("a.png", "small.png", "wide.png", "large.png")), List.of());
        String html = Files.readString(page);
        assertEquals(1, html.split("src=\"images/small.png\" width=\"256\" height=\"256\"", -1).length - 1, html);
        assertEquals(1, html.split("src=\"images/wide.png\" width=\"260\" height=\"130\"", -1).length - 1, html);
    }
}
