package org.cyclegan.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cyclegan.train.gan.CycleGan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training page: links only to files that exist, samples newest first, escaped text; and the report that writes it. */
class TrainingPageTest {
    @TempDir Path dir;

    private static final String HEADER = "epoch,steps,lr," + String.join(",", CycleGan.LOSS_NAMES) + ",data_seconds,compute_seconds";

    private static String row(int epoch) {
        return epoch + ",10,2.0E-4,0.2,0.5,2.0,1.0,0.25,0.4,2.2,1.1,0.5,12.0";
    }

    private static List<String> links(String html) {
        List<String> links = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (m.find()) links.add(URLDecoder.decode(m.group(1).replace("&amp;", "&"), StandardCharsets.UTF_8));
        return links;
    }

    private Path experiment(String name) throws Exception {
        Path exp = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(exp.resolve("samples"));
        Files.writeString(exp.resolve("loss_log.csv"), HEADER + "\n" + row(1) + "\n" + row(2) + "\n" + row(10) + "\n");
        for (int e : new int[] {1, 2, 10}) Files.write(exp.resolve(String.format("samples/epoch_%03d.png", e)), new byte[] {1});
        Files.write(exp.resolve("samples/notes.png"), new byte[] {1});
        return exp;
    }

    @Test void thePageLinksOnlyExistingFilesWithTheNewestSamplesFirstAndEscapesText() throws Exception {
        Path exp = experiment("run <1>");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("name", "run <1>");
        options.put("dataroot", "");
        options.put("lambda_A", "<b>&\"10\"");
        TrainingPage.write(exp, options, LossCsv.read(exp.resolve("loss_log.csv"), "epoch", w -> { throw new AssertionError(w); }));
        String html = Files.readString(exp.resolve("index.html"));
        List<String> links = links(html);
        for (String l : links) assertTrue(Files.isRegularFile(exp.resolve(l)), "links to an existing file: " + l);
        assertTrue(links.contains("loss_log.csv"));
        assertFalse(links.contains("loss_plot.png") || links.contains("loss_steps.csv"), "not written yet, so not linked");
        List<String> samples = links.stream().filter(l -> l.startsWith("samples/")).distinct().toList();
        assertEquals(List.of("samples/epoch_010.png", "samples/epoch_002.png", "samples/epoch_001.png"), samples, "newest first, other files ignored");
        assertTrue(html.contains("&lt;b&gt;&amp;&quot;10&quot;") && !html.contains("<b>&"), "option values are escaped");
        assertTrue(html.contains("<h1>run &lt;1&gt;: training</h1>"), "the run's name, escaped");
        assertTrue(html.contains("Updated after epoch 10."));
        assertTrue(html.contains("<td>--dataroot</td><td>(default)</td>"));
    }

    /** Sample grids are written enlarged: the page shows them at their own size, pixel for pixel, shrinking only to fit. */
    @Test void sampleGridsShowAtTheirOwnSize() throws Exception {
        Path exp = experiment("sized");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(778, 258, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                exp.resolve("samples/epoch_002.png").toFile());
        TrainingPage.write(exp, Map.of(), LossCsv.read(exp.resolve("loss_log.csv"), "epoch", w -> { throw new AssertionError(w); }));
        String html = Files.readString(exp.resolve("index.html"));
        assertTrue(html.contains("src=\"samples/epoch_002.png\" alt=\"samples after epoch 2\" width=\"778\" height=\"258\" style=\"max-width: 100%; height: auto\""), html);
        assertTrue(html.contains("alt=\"samples after epoch 1\" style=\"width: 100%; max-width: 960px\""), "a file that is no image: the browser sizes it");
    }

    @Test void theDoctorSectionShowsTheDoctorsLatestVerdictEscaped() throws Exception {
        Path exp = experiment("doctor");
        TrainingPage.write(exp, Map.of(), LossCsv.read(exp.resolve("loss_log.csv"), "epoch", w -> { throw new AssertionError(w); }));
        assertTrue(Files.readString(exp.resolve("index.html")).contains("<h2>Doctor</h2>\n<p>No verdict yet"));
        Files.writeString(exp.resolve("doctor.txt"), "doctor after epoch 10 (lsgan)\nfinding (a) the discriminator wins [D_A/G_A]: D_A 0.010 <x>\n");
        TrainingPage.write(exp, Map.of(), LossCsv.read(exp.resolve("loss_log.csv"), "epoch", w -> { throw new AssertionError(w); }));
        String html = Files.readString(exp.resolve("index.html"));
        assertTrue(html.contains("<h2>Doctor</h2>\n<pre style=\"white-space: pre-wrap\">doctor after epoch 10 (lsgan)\n"
                + "finding (a) the discriminator wins [D_A/G_A]: D_A 0.010 &lt;x&gt;</pre>"), html);
    }

    @Test void theReportDrawsThePlotAndLinksItAndADamagedLogOnlyWarns() throws Exception {
        Path exp = experiment("ok");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TrainingReport.update(exp, Map.of("name", "ok"), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.size(exp.resolve("loss_plot.png")) > 1000);
        assertTrue(links(Files.readString(exp.resolve("index.html"))).contains("loss_plot.png"));

        Path damaged = experiment("damaged");
        Files.writeString(damaged.resolve("loss_log.csv"), row(1) + "\n");
        TrainingReport.update(damaged, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
        String warning = err.toString(StandardCharsets.UTF_8);
        assertTrue(warning.startsWith("warning:") && warning.contains("loss_log.csv") && warning.contains("training goes on"), warning);
    }
}
