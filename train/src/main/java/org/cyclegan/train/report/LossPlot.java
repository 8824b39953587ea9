package org.cyclegan.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cyclegan.train.gan.CycleGan;

/**
 * {@code loss_plot.png}: the losses of a run drawn with plain java.awt (works with {@code -Djava.awt.headless=true}).
 * Two panels, because the scales differ: the generators' losses (G_A, G_B, cycle, identity) on top, the
 * discriminators' (every column starting with {@code D_}, and wgangp's gradient penalties gp_A, gp_B) below. Each loss keeps one colour in both the curve and the
 * legend. Per-epoch means from {@code loss_log.csv} are dots at the middle of their epoch, joined by lines; the
 * optional {@code loss_steps.csv} adds a thinner, lighter curve of the means over each --print_freq window (drawn at
 * the window's middle), so a run of one or two epochs still shows its course. Dashed vertical lines mark the epoch
 * boundaries (up to 40 epochs); the x axis counts epochs. A table with no rows gives empty panels that say so.
 */
public final class LossPlot {
    public static final int WIDTH = 960, HEIGHT = 760;
    private static final int LEFT = 72, RIGHT = 170, TOP = 34, BOTTOM = 46;
    /** Most epochs whose boundaries are drawn as dashed lines. */
    private static final int MAX_BOUNDARIES = 40;
    /** Columns that are not losses. */
    private static final Set<String> NOT_LOSSES = Set.of("epoch", "steps", "step", "global_step", "lr", "data_seconds", "compute_seconds");
    /** Every loss a model can report: the reference's eight, then wgangp's gradient penalties. */
    private static final List<String> KNOWN_LOSSES = concat(CycleGan.LOSS_NAMES, CycleGan.PENALTY_LOSS_NAMES);
    /** One colour per loss (the Tableau 10 palette), in the order of {@link #KNOWN_LOSSES}; unknown names take the rest. */
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(23, 190, 207),
        new Color(188, 189, 34), new Color(127, 127, 127)};
    private static final Color BACKGROUND = Color.WHITE, GRID = new Color(228, 228, 228), AXIS = new Color(60, 60, 60);

    private LossPlot() {}

    /** The colour of a loss series, the same in every plot. */
    static Color colour(String loss, List<String> allLosses) {
        int i = KNOWN_LOSSES.indexOf(loss);
        if (i < 0) i = KNOWN_LOSSES.size() + Math.max(0, allLosses.indexOf(loss));
        return PALETTE[i % PALETTE.length];
    }

    /** A discriminator's loss, or a part of one (wgangp's gradient penalties): drawn in the lower panel. */
    static boolean isDiscriminatorLoss(String loss) {
        return loss.startsWith("D_") || CycleGan.PENALTY_LOSS_NAMES.contains(loss);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** The plotting area (inside the axes) of panel 0 (generators) or 1 (discriminators). */
    static Rectangle plotArea(int panel) {
        int top = panel * HEIGHT / 2;
        return new Rectangle(LEFT, top + TOP, WIDTH - LEFT - RIGHT, HEIGHT / 2 - TOP - BOTTOM);
    }

    /** Renders and writes {@code file} (atomically). {@code steps} may be null. */
    static void write(Path file, LossCsv epochs, LossCsv steps) throws IOException {
        Png.write(render(epochs, steps), file);
    }

    static BufferedImage render(LossCsv epochs, LossCsv steps) {
        List<String> losses = new ArrayList<>();
        for (LossCsv t : steps == null ? List.of(epochs) : List.of(epochs, steps)) {
            for (String c : t.columns()) if (!NOT_LOSSES.contains(c) && !losses.contains(c)) losses.add(c);
        }
        List<Series> all = new ArrayList<>();
        Map<Integer, Double> stepsPerEpoch = stepsPerEpoch(epochs, steps);
        for (String loss : losses) all.add(series(loss, epochs, steps, stepsPerEpoch));

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            double[] xRange = xRange(all);
            List<Series> generators = all.stream().filter(s -> !isDiscriminatorLoss(s.loss)).toList();
            List<Series> discriminators = all.stream().filter(s -> isDiscriminatorLoss(s.loss)).toList();
            boolean hasSteps = all.stream().anyMatch(s -> s.stepX.length > 0);
            panel(g, plotArea(0), "generator losses", generators, losses, xRange, hasSteps);
            panel(g, plotArea(1), "discriminator losses", discriminators, losses, xRange, hasSteps);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** One loss: its epoch means at the epochs' middles, and its step-window means (x in epochs). */
    private record Series(String loss, double[] epochX, double[] epochY, double[] stepX, double[] stepY) {}

    /** Steps in each epoch: from loss_log's steps column, else the last step logged for that epoch. */
    private static Map<Integer, Double> stepsPerEpoch(LossCsv epochs, LossCsv steps) {
        Map<Integer, Double> spe = new HashMap<>();
        if (steps != null && steps.column("epoch") >= 0 && steps.column("step") >= 0) {
            for (double[] r : steps.rows()) spe.merge((int) r[steps.column("epoch")], r[steps.column("step")], Math::max);
        }
        int e = epochs.column("epoch"), s = epochs.column("steps");
        if (s >= 0) for (double[] r : epochs.rows()) if (r[s] > 0) spe.put((int) r[e], r[s]);
        return spe;
    }

    private static Series series(String loss, LossCsv epochs, LossCsv steps, Map<Integer, Double> spe) {
        List<double[]> ep = new ArrayList<>(), st = new ArrayList<>();
        int c = epochs.column(loss), e = epochs.column("epoch");
        if (c >= 0) for (double[] r : epochs.rows()) if (Double.isFinite(r[c])) ep.add(new double[] {r[e] - 0.5, r[c]});
        if (steps != null && steps.column(loss) >= 0 && steps.column("epoch") >= 0 && steps.column("step") >= 0) {
            int sc = steps.column(loss), se = steps.column("epoch"), ss = steps.column("step");
            double previousEpoch = Double.NaN, previousStep = 0;
            for (double[] r : steps.rows()) {
                if (r[se] != previousEpoch) previousStep = 0;
                double per = spe.getOrDefault((int) r[se], r[ss]);
                // A row is the mean over the steps since the previous row: drawn at the middle of that window.
                double middle = (previousStep + r[ss]) / 2;
                if (Double.isFinite(r[sc]) && per > 0) st.add(new double[] {r[se] - 1 + middle / per, r[sc]});
                previousEpoch = r[se];
                previousStep = r[ss];
            }
        }
        return new Series(loss, column(ep, 0), column(ep, 1), column(st, 0), column(st, 1));
    }

    private static double[] column(List<double[]> points, int i) {
        double[] v = new double[points.size()];
        for (int k = 0; k < v.length; k++) v[k] = points.get(k)[i];
        return v;
    }

    /** Whole epochs covering every point; [0, 1] when there is none. */
    private static double[] xRange(List<Series> all) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : all) {
            for (double[] xs : List.of(s.epochX, s.stepX)) {
                for (double x : xs) {
                    lo = Math.min(lo, Math.floor(x));
                    hi = Math.max(hi, Math.ceil(x));
                }
            }
        }
        if (lo > hi) return new double[] {0, 1};
        if (hi <= lo) hi = lo + 1;
        return new double[] {lo, hi};
    }

    private static void panel(Graphics2D g, Rectangle area, String title, List<Series> series, List<String> losses, double[] xRange, boolean hasSteps) {
        double[] yRange = yRange(series);
        Axis x = new Axis(xRange[0], xRange[1], area.x, area.x + area.width);
        Axis y = new Axis(yRange[0], yRange[1], area.y + area.height, area.y);
        FontMetrics fm = g.getFontMetrics();
        grid(g, area, x, y, xRange, yRange, fm);
        Font normal = g.getFont();
        g.setFont(normal.deriveFont(Font.BOLD, 14f));
        g.drawString(title, area.x, area.y - 10);
        g.setFont(normal);
        if (series.stream().allMatch(s -> s.epochY.length == 0 && s.stepY.length == 0)) {
            String msg = "no losses logged yet";
            g.setColor(AXIS);
            g.drawString(msg, area.x + (area.width - fm.stringWidth(msg)) / 2, area.y + area.height / 2);
        }
        curves(g, area, x, y, series, losses);
        g.setColor(AXIS);
        g.drawRect(area.x, area.y, area.width, area.height);
        legend(g, area, series, losses, hasSteps);
    }

    /** A panel's y range: from 0 (losses are ≥ 0: starting at 0 keeps their sizes comparable) to a little above the largest. */
    private static double[] yRange(List<Series> series) {
        double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] ys : List.of(s.epochY, s.stepY)) {
                for (double y : ys) {
                    yLo = Math.min(yLo, y);
                    yHi = Math.max(yHi, y);
                }
            }
        }
        if (yLo > yHi) {   // nothing logged yet
            yLo = 0;
            yHi = 1;
        }
        yLo = Math.min(0, yLo);
        if (yHi <= yLo) yHi = yLo + 1;
        yHi += 0.05 * (yHi - yLo);
        return new double[] {yLo, yHi};
    }

    /** The value grid with its labels, the epoch boundaries, and the epoch axis with its ticks and title. */
    private static void grid(Graphics2D g, Rectangle area, Axis x, Axis y, double[] xRange, double[] yRange, FontMetrics fm) {
        double yStep = niceStep(yRange[1] - yRange[0], 5);
        g.setStroke(new BasicStroke(1f));
        for (double t = Math.ceil(yRange[0] / yStep) * yStep; t <= yRange[1] + 1e-9 * yStep; t += yStep) {
            int py = y.pixel(t);
            g.setColor(GRID);
            g.drawLine(area.x, py, area.x + area.width, py);
            g.setColor(AXIS);
            String label = format(t, yStep);
            g.drawString(label, area.x - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        double xStep = Math.max(1, niceStep(xRange[1] - xRange[0], 10));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.setColor(new Color(200, 200, 200));
        if (xRange[1] - xRange[0] <= MAX_BOUNDARIES) {   // beyond that they would grey the whole panel; the ticks remain
            for (double e = xRange[0] + 1; e < xRange[1]; e++) g.drawLine(x.pixel(e), area.y, x.pixel(e), area.y + area.height);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(AXIS);
        for (double t = Math.ceil(xRange[0] / xStep) * xStep; t <= xRange[1] + 1e-9; t += xStep) {
            int px = x.pixel(t);
            g.drawLine(px, area.y + area.height, px, area.y + area.height + 4);
            String label = format(t, xStep);
            g.drawString(label, px - fm.stringWidth(label) / 2, area.y + area.height + 6 + fm.getAscent());
        }
        String xTitle = "epoch";
        g.drawString(xTitle, area.x + (area.width - fm.stringWidth(xTitle)) / 2, area.y + area.height + 8 + fm.getAscent() + fm.getHeight());
    }

    /** The curves, clipped to the plotting area: step-window means first (thin, light), then the epoch means on top. */
    private static void curves(Graphics2D g, Rectangle area, Axis x, Axis y, List<Series> series, List<String> losses) {
        java.awt.Shape clip = g.getClip();
        g.setClip(area.x - 5, area.y - 5, area.width + 10, area.height + 10);
        for (Series s : series) {
            Color c = colour(s.loss, losses);
            g.setColor(lighter(c));
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            polyline(g, x, y, s.stepX, s.stepY);
        }
        for (Series s : series) {
            Color c = colour(s.loss, losses);
            g.setColor(c);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            polyline(g, x, y, s.epochX, s.epochY);
            // Dots of 8 px, smaller when there are so many epochs that they would merge into a band.
            double dot = Math.max(3, Math.min(8, area.width / (2.0 * s.epochX.length)));
            for (int i = 0; i < s.epochX.length; i++) g.fill(new Ellipse2D.Double(x.exact(s.epochX[i]) - dot / 2, y.exact(s.epochY[i]) - dot / 2, dot, dot));
        }
        g.setClip(clip);
    }

    /** The legend, right of the plotting area: a colour per loss, and what the dots and the thin curves are. */
    private static void legend(Graphics2D g, Rectangle area, List<Series> series, List<String> losses, boolean hasSteps) {
        int lx = area.x + area.width + 16, ly = area.y + 4;
        for (Series s : series) {
            g.setColor(colour(s.loss, losses));
            g.fillRect(lx, ly, 16, 10);
            g.setColor(AXIS);
            g.drawString(s.loss, lx + 22, ly + 10);
            ly += 18;
        }
        g.setColor(AXIS);
        ly += 8;
        g.drawString("dots: epoch means", lx, ly + 10);
        if (hasSteps) g.drawString("thin: means of each", lx, ly + 28);
        if (hasSteps) g.drawString("print_freq steps", lx, ly + 44);
    }

    private static void polyline(Graphics2D g, Axis x, Axis y, double[] xs, double[] ys) {
        if (xs.length < 2) return;
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x.exact(xs[0]), y.exact(ys[0]));
        for (int i = 1; i < xs.length; i++) p.lineTo(x.exact(xs[i]), y.exact(ys[i]));
        g.draw(p);
    }

    private static Color lighter(Color c) {
        return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
    }

    /** A step of 1, 2 or 5 × 10^k giving about {@code target} ticks over {@code range}. */
    static double niceStep(double range, int target) {
        double raw = range / target;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
    }

    private static String format(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-6 ? 0.0 : v);
    }

    /** A linear map from data values to pixels. */
    private record Axis(double lo, double hi, int from, int to) {
        double exact(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }

        int pixel(double v) {
            return (int) Math.round(exact(v));
        }
    }
}
