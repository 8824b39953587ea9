package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code index.html} of a test run, as the reference's: a title with the experiment and epoch, then one table per
 * direction with a row per test image (its source file, the real picture, the translation, the reconstruction).
 * Links are relative ({@code images/...}), so the folder can be moved or served as it is. Images up to 256 px show
 * enlarged by a whole factor to at least 256 px, their pixels sharp squares (CSS {@code image-rendering: pixelated});
 * larger ones 256 wide, as the reference's page shows every image. The files themselves keep their true size.
 */
public final class TestResultsPage {
    /** The three pictures of one test image, as file names inside images/, and the image they show. */
    public record Row(String source, String real, String fake, String reconstructed) {}

    private TestResultsPage() {}

    public static void write(Path file, String name, String epoch, String note, List<Row> rowsA, List<Row> rowsB) throws IOException {
        String title = "Experiment = " + name + ", Phase = test, Epoch = " + epoch;
        StringBuilder h = new StringBuilder(Html.head(title));
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        if (note != null) h.append("<p><strong>Note:</strong> ").append(Html.escape(note)).append("</p>\n");
        Path images = file.toAbsolutePath().getParent().resolve("images");
        table(h, "A → B: G_A translates, G_B reconstructs", "A", "B", rowsA, images);
        table(h, "B → A: G_B translates, G_A reconstructs", "B", "A", rowsB, images);
        Html.write(file, h.append(Html.tail()).toString());
    }

    private static void table(StringBuilder h, String heading, String from, String to, List<Row> rows, Path images) {
        h.append("<h2>").append(Html.escape(heading)).append("</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p>No images.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>image</th><th>real_").append(from).append("</th><th>fake_").append(to).append("</th><th>rec_").append(from)
                .append("</th></tr>\n");
        for (Row r : rows) {
            h.append("<tr><td>").append(Html.escape(r.source())).append("</td>");
            for (String img : List.of(r.real(), r.fake(), r.reconstructed())) {
                String link = Html.escape(Html.link("images/" + img));
                h.append("<td><a href=\"").append(link).append("\"><img class=\"pixels\" src=\"").append(link).append('"')
                        .append(displaySize(images.resolve(img))).append(" alt=\"").append(Html.escape(img)).append("\"></a></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** The img element's size attributes: a whole multiple of a small image's size, else the reference's width of 256. */
    static String displaySize(Path image) {
        int[] size = Html.imageSize(image);
        if (size == null || Math.max(size[0], size[1]) > Enlargement.PAGE_SIDE) return " width=\"" + Enlargement.PAGE_SIDE + "\"";
        int k = Enlargement.factor(size[0], size[1], Enlargement.PAGE_SIDE);
        return Html.size(k * size[0], k * size[1]);
    }
}
