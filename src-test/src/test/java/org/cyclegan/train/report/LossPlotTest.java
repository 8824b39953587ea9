package org.cyclegan.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.cyclegan.train.gan.CycleGan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss logs read back (damaged rows, repeated runs), the step log's windows, and the plot drawn from them. */
class LossPlotTest {
    @TempDir Path dir;
    private final List<String> warnings = new ArrayList<>();
    private static final String HEADER = "epoch,steps,lr," + String.join(",", CycleGan.LOSS_NAMES) + ",data_seconds,compute_seconds";

    /** A loss_log row whose losses are base + 0.1 · k for the k-th loss. */
    private static String row(int epoch, double base) {
        StringBuilder sb = new StringBuilder().append(epoch).append(",10,2.0E-4");
        for (int k = 0; k < CycleGan.LOSS_NAMES.size(); k++) sb.append(',').append(base + 0.1 * k);
        return sb.append(",0.5,12.0").toString();
    }

    private LossCsv epochs(String... lines) throws IOException {
        Path f = dir.resolve("loss_log.csv");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return LossCsv.read(f, "epoch", warnings::add);
    }

    private Path plot(LossCsv epochs, LossCsv steps) throws IOException {
        Path png = dir.resolve("loss_plot.png");
        LossPlot.write(png, epochs, steps);
        return png;
    }

    /** Pixels of exactly {@code c} inside {@code r}. */
    private static int count(BufferedImage img, Rectangle r, Color c) {
        int n = 0;
        for (int y = r.y + 1; y < r.y + r.height; y++) for (int x = r.x + 1; x < r.x + r.width; x++) if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) n++;
        return n;
    }

    private static int notBackground(BufferedImage img, Rectangle r) {
        int n = 0;
        for (int y = r.y + 1; y < r.y + r.height; y++) for (int x = r.x + 1; x < r.x + r.width; x++) if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) n++;
        return n;
    }

    @Test void everyLossIsDrawnInItsOwnColourInItsPanel() throws Exception {
        LossCsv e = epochs(HEADER, row(1, 1.0), row(2, 0.8), row(3, 0.7));
        StepLossLog log = new StepLossLog(dir.resolve("loss_steps.csv"), 0);
        for (int epoch = 1; epoch <= 3; epoch++) {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int step = 1; step <= 10; step++) {
                for (int k = 0; k < CycleGan.LOSS_NAMES.size(); k++) sums.merge(CycleGan.LOSS_NAMES.get(k), 1.0 / epoch + 0.1 * k + 0.01 * step, Double::sum);
                if (step % 5 == 0) log.append(epoch, step, (epoch - 1) * 10L + step, sums);
            }
        }
        LossCsv s = LossCsv.read(dir.resolve("loss_steps.csv"), "global_step", warnings::add);
        BufferedImage img = ImageIO.read(plot(e, s).toFile());
        assertEquals(LossPlot.WIDTH, img.getWidth());
        assertEquals(LossPlot.HEIGHT, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (String loss : CycleGan.LOSS_NAMES) {
            Color c = LossPlot.colour(loss, CycleGan.LOSS_NAMES);
            colours.add(c.getRGB());
            int panel = loss.startsWith("D_") ? 1 : 0;
            assertTrue(count(img, LossPlot.plotArea(panel), c) > 20, loss + " is drawn in its colour inside its panel's plotting area");
            assertEquals(0, count(img, LossPlot.plotArea(1 - panel), c), loss + " is not drawn in the other panel");
        }
        assertEquals(CycleGan.LOSS_NAMES.size(), colours.size(), "one colour per loss");
        assertEquals(List.of(), warnings);
    }

    @Test void aSingleEpochIsDrawnAsPoints() throws Exception {
        BufferedImage img = ImageIO.read(plot(epochs(HEADER, row(1, 0.5)), null).toFile());
        assertTrue(count(img, LossPlot.plotArea(1), LossPlot.colour("D_B", CycleGan.LOSS_NAMES)) > 20, "the one epoch mean of D_B is a dot");
        assertTrue(count(img, LossPlot.plotArea(0), LossPlot.colour("cycle_A", CycleGan.LOSS_NAMES)) > 20);
    }

    @Test void aHeaderOnlyLogGivesEmptyPanels() throws Exception {
        LossCsv e = epochs(HEADER);
        assertEquals(0, e.rows().size());
        BufferedImage img = ImageIO.read(plot(e, null).toFile());
        assertEquals(LossPlot.WIDTH, img.getWidth());
        for (String loss : CycleGan.LOSS_NAMES) assertEquals(0, count(img, LossPlot.plotArea(loss.startsWith("D_") ? 1 : 0), LossPlot.colour(loss, CycleGan.LOSS_NAMES)));
        Rectangle area = LossPlot.plotArea(0);
        assertTrue(notBackground(img, area) < area.width * area.height / 20, "only grid lines and the 'no losses' note");
    }

    @Test void damagedRowsAreSkippedWithAWarningNamingTheLine() throws Exception {
        LossCsv e = epochs(HEADER, row(1, 1.0), "2,10,2.0E-4,0.5,0.4", row(3, 0.7).replace(",0.5,12.0", ",abc,12.0"), row(4, 0.6));
        assertEquals(2, e.rows().size(), "epochs 1 and 4 remain");
        assertEquals(4.0, e.rows().get(1)[e.column("epoch")]);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("loss_log.csv:3") && warnings.get(0).contains("skipped"), warnings.get(0));
        assertTrue(warnings.get(1).contains("loss_log.csv:4") && warnings.get(1).contains("'abc'") && warnings.get(1).contains("data_seconds"), warnings.get(1));
        plot(e, null);
    }

    @Test void aFileWithoutItsHeaderIsAnErrorNamingIt() throws Exception {
        IOException x = assertThrows(IOException.class, () -> epochs(row(1, 1.0), row(2, 0.9)));
        assertTrue(x.getMessage().contains("loss_log.csv") && x.getMessage().contains("header"), x.getMessage());
        Files.writeString(dir.resolve("empty.csv"), "");
        assertThrows(IOException.class, () -> LossCsv.read(dir.resolve("empty.csv"), "epoch", warnings::add));
    }

    @Test void aRepeatedRunReplacesTheRowsItRepeats() throws Exception {
        LossCsv e = epochs(HEADER, row(1, 1.0), row(2, 0.9), row(3, 0.8), row(2, 0.5), row(3, 0.4));
        assertEquals(3, e.rows().size());
        int dA = e.column("D_A");
        assertEquals(1.0, e.rows().get(0)[dA]);
        assertEquals(0.5, e.rows().get(1)[dA], "epoch 2 as the resumed run logged it");
        assertEquals(0.4, e.rows().get(2)[dA]);
    }

    @Test void stepRowsAreMeansOverTheirWindowAndCountGlobalSteps() throws Exception {
        Path f = dir.resolve("loss_steps.csv");
        StepLossLog log = new StepLossLog(f, 0);
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String k : CycleGan.LOSS_NAMES) sums.put(k, 2.0);             // steps 1-2: each loss 1.0
        log.append(1, 2, 2, sums);
        for (String k : CycleGan.LOSS_NAMES) sums.put(k, 2.0 + 6.0);       // steps 3-4: each loss 3.0
        log.append(1, 4, 4, sums);
        log.append(1, 4, 4, sums);                                         // the same step again: nothing
        Map<String, Double> next = new LinkedHashMap<>();
        for (String k : CycleGan.LOSS_NAMES) next.put(k, 15.0);            // epoch 2, steps 1-3: each 5.0
        log.append(2, 3, 7, next);
        new StepLossLog(f, 7);                                             // a resumed run keeps the header single
        LossCsv s = LossCsv.read(f, "global_step", warnings::add);
        assertEquals(List.of("epoch", "step", "global_step"), s.columns().subList(0, 3));
        assertEquals(3, s.rows().size());
        int dB = s.column("D_B"), g = s.column("global_step");
        assertEquals(1.0, s.rows().get(0)[dB], 1e-6);
        assertEquals(3.0, s.rows().get(1)[dB], 1e-6);
        assertEquals(5.0, s.rows().get(2)[dB], 1e-6);
        assertEquals(7.0, s.rows().get(2)[g]);
        assertEquals(1, Files.readAllLines(f).stream().filter(l -> l.startsWith("epoch,")).count());
        new StepLossLog(f, 4);                                             // continuing from global step 4 drops the later rows
        assertEquals(2, LossCsv.read(f, "global_step", warnings::add).rows().size());
        assertEquals(List.of(), warnings);
    }
}
