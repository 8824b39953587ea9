package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * {@code checkpoints/<name>/index.html}, rewritten after every epoch: the run's name, the loss plot and the logs, the
 * training doctor's verdict ({@code doctor.txt}), the sample grids newest first, the options the run was started with,
 * and a table of the epoch means. Every link is relative and points at a file that exists when the page is written;
 * all text is escaped.
 */
final class TrainingPage {
    private TrainingPage() {}

    /** Writes {@code dir/index.html} (atomically). {@code epochs} is loss_log.csv as read for the plot. */
    static void write(Path dir, Map<String, String> options, LossCsv epochs) throws IOException {
        CheckpointFiles files = new CheckpointFiles(dir);
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        StringBuilder h = new StringBuilder(Html.head(name + ": training"));
        h.append("<h1>").append(Html.escape(name)).append(": training</h1>\n");
        List<double[]> rows = epochs.rows();
        int epochColumn = epochs.column("epoch");
        h.append("<p>").append(rows.isEmpty() ? "No epoch completed yet."
                : "Updated after epoch " + (long) rows.get(rows.size() - 1)[epochColumn] + ".").append("</p>\n");

        h.append("<h2>Losses</h2>\n");
        if (Files.exists(files.lossPlot())) {
            h.append("<p><img src=\"").append(CheckpointFiles.LOSS_PLOT).append("\" alt=\"loss plot\" style=\"max-width: 100%\"></p>\n");
        }
        h.append("<p>Logs: ").append(link(dir, CheckpointFiles.LOSS_LOG, "(one row per epoch)"));
        if (Files.exists(files.stepLog())) h.append(", ").append(link(dir, CheckpointFiles.STEP_LOG, "(one row per progress line)"));
        h.append("</p>\n");
        String latestGA = CheckpointFiles.networkFileName(CheckpointFiles.LATEST, "G_A"), latestGB = CheckpointFiles.networkFileName(CheckpointFiles.LATEST, "G_B");
        if (Files.exists(dir.resolve(latestGA))) {
            h.append("<p>Latest generators: ").append(link(dir, latestGA, "(A → B)"));
            if (Files.exists(dir.resolve(latestGB))) h.append(", ").append(link(dir, latestGB, "(B → A)"));
            h.append("</p>\n");
        }

        doctor(h, files);

        h.append("<h2>Samples</h2>\n<p>Columns: real A, fake B, reconstructed A, real B, fake A, reconstructed B; the same images every epoch.</p>\n");
        List<Sample> samples = samples(files.samples());
        if (samples.isEmpty()) h.append("<p>No sample grids yet.</p>\n");
        for (Sample s : samples) {
            String href = Html.escape(Html.link(CheckpointFiles.SAMPLES + "/" + s.file));
            int[] size = Html.imageSize(files.samples().resolve(s.file));   // grids are written enlarged: show them pixel for pixel
            String fit = size == null ? " style=\"width: 100%; max-width: 960px\"" : Html.size(size[0], size[1]) + " style=\"max-width: 100%; height: auto\"";
            h.append("<figure><a href=\"").append(href).append("\"><img class=\"pixels\" src=\"").append(href)
                    .append("\" alt=\"samples after epoch ").append(s.epoch).append('"').append(fit).append("></a>")
                    .append("<figcaption>after epoch ").append(s.epoch).append("</figcaption></figure>\n");
        }

        h.append("<h2>Options</h2>\n<table>\n<tr><th>option</th><th>value</th></tr>\n");
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue() == null || e.getValue().isEmpty() ? "(default)" : e.getValue();
            h.append("<tr><td>--").append(Html.escape(e.getKey())).append("</td><td>").append(Html.escape(v)).append("</td></tr>\n");
        }
        h.append("</table>\n");

        if (!rows.isEmpty()) {
            h.append("<h2>Epoch means</h2>\n<table>\n<tr>");
            for (String c : epochs.columns()) h.append("<th>").append(Html.escape(c)).append("</th>");
            h.append("</tr>\n");
            for (double[] r : rows) {
                h.append("<tr>");
                for (int c = 0; c < r.length; c++) h.append("<td>").append(cell(epochs.columns().get(c), r[c])).append("</td>");
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        Html.write(files.page(), h.append(Html.tail()).toString());
    }

    /** The Doctor section: the training doctor's latest verdict as it wrote it, or a line saying there is none yet. */
    private static void doctor(StringBuilder h, CheckpointFiles files) throws IOException {
        h.append("<h2>Doctor</h2>\n");
        if (!Files.isRegularFile(files.doctor())) {
            h.append("<p>No verdict yet: the training doctor writes one after each epoch.</p>\n");
            return;
        }
        h.append("<pre style=\"white-space: pre-wrap\">").append(Html.escape(Files.readString(files.doctor()).strip())).append("</pre>\n");
    }

    private record Sample(String file, int epoch) {}

    /** samples/epoch_NNN.png files, newest epoch first. */
    private static List<Sample> samples(Path folder) throws IOException {
        List<Sample> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) return out;
        try (Stream<Path> s = Files.list(folder)) {
            s.forEach(p -> {
                int epoch = CheckpointFiles.sampleEpoch(p.getFileName().toString());
                if (epoch >= 0 && Files.isRegularFile(p)) out.add(new Sample(p.getFileName().toString(), epoch));
            });
        }
        out.sort(Comparator.comparingInt(Sample::epoch).reversed());
        return out;
    }

    /** A link to {@code file} of {@code dir} reading "file (what it is)", or that text with "(not written yet)". */
    private static String link(Path dir, String file, String what) {
        String text = file + " " + what;
        return Files.exists(dir.resolve(file)) ? "<a href=\"" + Html.escape(Html.link(file)) + "\">" + Html.escape(text) + "</a>" : Html.escape(text) + " (not written yet)";
    }

    private static String cell(String column, double v) {
        if (column.equals("epoch") || column.equals("steps")) return Long.toString((long) v);
        if (column.equals("lr")) return String.format(Locale.ROOT, "%.3g", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
