package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code index.html} of a test run, as the reference's: a title with the experiment and epoch, then one table per
 * direction with a row per test image (its source file, the real picture, the translation, the reconstruction).
 * Links are relative ({@code images/...}), so the folder can be moved or served as it is.
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
        table(h, "A → B: G_A translates, G_B reconstructs", "A", "B", rowsA);
        table(h, "B → A: G_B translates, G_A reconstructs", "B", "A", rowsB);
        Html.write(file, h.append(Html.tail()).toString());
    }

    private static void table(StringBuilder h, String heading, String from, String to, List<Row> rows) {
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
                h.append("<td><a href=\"").append(link).append("\"><img class=\"pixels\" src=\"").append(link).append("\" width=\"256\" alt=\"")
                        .append(Html.escape(img)).append("\"></a></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }
}
