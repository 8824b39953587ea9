package org.cyclegan.train.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cyclegan.train.gan.GanLoss;

/**
 * The training doctor's rules: from a run's {@link LossSeries}, its --gan_mode and (when measured) the generators'
 * {@link CopyDistance}, which of the {@link Situation}s (a)–(e) it is in, with the evidence.
 *
 * <p>The rules compare windows of the log, never single points: the <em>early</em> window is the first
 * {@link #WINDOW_FRACTION} of its blocks, the <em>late</em> window the last, and the <em>previous</em> window the
 * same length just before the late one. D_A judges G_A's fakes (domain B) and D_B judges G_B's, so (a) and (b) look at
 * the pairs D_A/G_A and D_B/G_B. The adversarial thresholds come from {@link LossScale} (what D's outputs the loss
 * values stand for in lsgan and vanilla); wgangp's critic losses are signed scores without such a scale, so (a) and (b)
 * are not judged for it, (c) looks at the cycle losses there and (d)'s oscillation too.
 * <ul>
 *   <li>(a) the discriminator wins: late D below {@link LossScale#dNearZero} and late G above {@link LossScale#gHigh}.</li>
 *   <li>(b) the generator outruns D: late G below {@link LossScale#gLow} and at most {@link #G_DROP} of early G, while
 *       late D is at least {@link #D_CONFUSED} of its balance value.</li>
 *   <li>(c) flat yet faint: the pair's losses (wgangp: the cycle loss) changed by at most {@link #FLAT_CHANGE} between
 *       the previous and the late window, no oscillation, and mean |G(x) − x| below {@link #FAINT_CHANGE} (but not (e)).</li>
 *   <li>(d) unstable: any NaN or infinite value in the log; or a loss whose blocks over the last half of the log jump by
 *       at least {@link #OSCILLATION} of its mean level on average from one block to the next.</li>
 *   <li>(e) copying: mean |G(x) − x| below {@link #COPY_CHANGE} while the cycle and identity terms make at least
 *       {@link #RECONSTRUCTION_SHARE} of the generators' late loss.</li>
 * </ul>
 */
public final class Doctor {
    /** The early and late windows: a fifth of the log each, long enough to average out blocks, short enough to show a trend. */
    public static final double WINDOW_FRACTION = 0.2;
    /** Trends ((a), (b), (c)) need the early, previous and late windows apart: at least 5 blocks (500 steps). */
    public static final int MIN_BLOCKS_FOR_TRENDS = 5;
    /** (b)'s "falling fast": the late G loss at most half the early one. */
    public static final double G_DROP = 0.5;
    /** (b)'s "D stays high": the late D loss at least 90% of its balance value (D hardly better than guessing). */
    public static final double D_CONFUSED = 0.9;
    /**
     * (c)'s "flat": a loss's late mean within 15% of its previous window's mean; the window means of a healthy LSGAN
     * run wander by about a tenth once it settles.
     */
    public static final double FLAT_CHANGE = 0.15;
    /**
     * (d)'s "strong oscillation": successive 100-step blocks differ by half the loss's mean level on average. Blocks of
     * a steady run differ by a fifth to a third of the level (the spread of 100-step means of scattered GAN steps).
     */
    public static final double OSCILLATION = 0.5;
    /** Oscillation is judged over the last half of the log once that holds at least 3 blocks (6 in all). */
    public static final int MIN_BLOCKS_FOR_OSCILLATION = 6;
    /**
     * (c)'s "barely differs": mean |G(x) − x| below 0.10 on [−1, 1], 5% of the range (about 13 of 255 levels per
     * value); the two emoji styles of the embedded set differ by 0.357 (the identity baseline's L1).
     */
    public static final double FAINT_CHANGE = 0.10;
    /** (e)'s "copies": mean |G(x) − x| below 0.05 on [−1, 1] (about 6 of 255 levels per value), too little to see. */
    public static final double COPY_CHANGE = 0.05;
    /** (e)'s "dominate": cycle plus identity terms at least three quarters of the generators' late loss. */
    public static final double RECONSTRUCTION_SHARE = 0.75;

    private static final List<String[]> PAIRS = List.of(new String[] {"D_A", "G_A", "cycle_A"}, new String[] {"D_B", "G_B", "cycle_B"});
    private static final List<String> RECONSTRUCTION = List.of("cycle_A", "cycle_B", "idt_A", "idt_B");

    private Doctor() {}

    /** Examines {@code log} of a run trained with {@code mode}; {@code copy} is null when the generators were not measured. */
    public static Verdict examine(LossSeries log, GanLoss.Mode mode, CopyDistance copy) {
        return new Examination(log, mode, copy).run();
    }

    /** The (d) finding for a loss that became {@code value} at a step, before the log could hold it (training stops there). */
    public static Finding nonFinite(String loss, float value, int epoch, long globalStep) {
        return new Finding(Situation.UNSTABLE, loss, loss + " " + value + " at step " + globalStep,
                loss + " became " + value + " at epoch " + epoch + ", global step " + globalStep + "; training stopped there");
    }

    static String num(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.3f", v);
    }

    /** One examination: the windows worked out once, the findings and notes collected in order. */
    private static final class Examination {
        final LossSeries log;
        final LossScale scale;
        final boolean wasserstein;
        final CopyDistance copy;
        final int n, w;
        final List<Finding> findings = new ArrayList<>();
        final List<String> numbers = new ArrayList<>(), notJudged = new ArrayList<>();

        Examination(LossSeries log, GanLoss.Mode mode, CopyDistance copy) {
            this.log = log;
            this.scale = LossScale.of(mode);
            this.wasserstein = scale == null;
            this.copy = copy;
            this.n = log.blocks.size();
            this.w = Math.max(1, (int) (n * WINDOW_FRACTION));
        }

        Verdict run() {
            if (n == 0) {
                notJudged.add("no loss rows yet in " + log.source);
                return new Verdict(findings, numbers, notJudged);
            }
            boolean trends = n >= MIN_BLOCKS_FOR_TRENDS;
            List<String> unstable = unstable();
            if (wasserstein) {
                notJudged.add("(a) and (b): with --gan_mode wgangp the critics' losses are signed scores with no balance value;"
                        + " (c) and (d) look at the cycle losses instead");
            }
            if (!trends) {
                notJudged.add("(a), (b) and (c): the log holds " + n + " block" + (n == 1 ? "" : "s") + " so far; trends need "
                        + MIN_BLOCKS_FOR_TRENDS + " (" + MIN_BLOCKS_FOR_TRENDS * LossSeries.BLOCK_STEPS + " steps)");
            }
            for (String[] p : PAIRS) {
                if (!log.has(p[0]) || !log.has(p[1]) || !log.has(p[2])) continue;
                numbers.add(trendNumbers(p, trends));
                if (trends && !wasserstein) {
                    discriminatorWins(p[0], p[1]);
                    generatorOutruns(p[0], p[1]);
                }
            }
            double share = reconstructionShare();
            if (!Double.isNaN(share)) {
                numbers.add("cycle and identity terms: " + percent(share) + " of the generators' loss over " + log.span(n - w, n));
            }
            if (copy == null) {
                notJudged.add("(c) and (e): the generators' outputs were not measured (in training they are at each epoch's end)");
            } else {
                numbers.add("mean |G_A(x) − x| " + num(copy.gA()) + " on " + copy.imagesA() + " A images, mean |G_B(x) − x| " + num(copy.gB())
                        + " on " + copy.imagesB() + " B images (" + copy.when() + ")");
                for (String[] p : PAIRS) {
                    if (!log.has(p[0]) || !log.has(p[1]) || !log.has(p[2]) || Double.isNaN(copy.of(p[1]))) continue;
                    if (!copying(p[1], share)) {
                        boolean stable = log.nonFinite == null && !unstable.contains(p[0]) && !unstable.contains(p[1]) && !unstable.contains(p[2]);
                        if (trends && stable) flatButFaint(p);
                    }
                }
            }
            findings.sort((x, y) -> Character.compare(x.situation().letter, y.situation().letter));
            return new Verdict(findings, numbers, notJudged);
        }

        String trendNumbers(String[] p, boolean trends) {
            StringBuilder sb = new StringBuilder();
            List<String> shown = wasserstein ? List.of(p[2]) : List.of(p[0], p[1], p[2]);
            for (String l : shown) {
                if (sb.length() > 0) sb.append(", ");
                sb.append(l).append(' ');
                sb.append(trends ? num(log.mean(l, 0, w)) + " → " + num(log.mean(l, n - w, n)) : num(log.mean(l, 0, n)));
            }
            sb.append(trends ? " (" + log.span(0, w) + " → " + log.span(n - w, n) + ")" : " (" + log.span(0, n) + ")");
            if (!wasserstein && p[0].equals("D_A")) sb.append("; ").append(scale.mode()).append(" D at balance ").append(num(scale.dBalance()));
            return sb.toString();
        }

        void discriminatorWins(String d, String g) {
            double dLate = log.mean(d, n - w, n), gLate = log.mean(g, n - w, n);
            if (dLate < scale.dNearZero() && gLate > scale.gHigh()) {
                String where = log.span(n - w, n);
                findings.add(new Finding(Situation.DISCRIMINATOR_WINS, d + "/" + g, d + " " + num(dLate) + ", " + g + " " + num(gLate) + " over " + where,
                        d + " averaged " + num(dLate) + " and " + g + " " + num(gLate) + " over " + where + " (the last " + w + " of " + n
                                + " blocks); for " + scale.mode() + " D near 0 means below " + num(scale.dNearZero()) + " (D within "
                                + LossScale.CONFIDENT_MARGIN + " of its targets) and G high means above " + num(scale.gHigh()) + " (fakes scored at most "
                                + LossScale.FAKES_REJECTED + ")"));
            }
        }

        void generatorOutruns(String d, String g) {
            double gEarly = log.mean(g, 0, w), gLate = log.mean(g, n - w, n), dLate = log.mean(d, n - w, n);
            if (gLate < scale.gLow() && gLate <= G_DROP * gEarly && dLate >= D_CONFUSED * scale.dBalance()) {
                findings.add(new Finding(Situation.GENERATOR_OUTRUNS, d + "/" + g, g + " " + num(gEarly) + " → " + num(gLate) + ", " + d + " " + num(dLate),
                        g + " fell from " + num(gEarly) + " (" + log.span(0, w) + ") to " + num(gLate) + " (" + log.span(n - w, n) + "), below "
                                + num(scale.gLow()) + " (fakes scored above " + LossScale.FAKES_ACCEPTED + ") and to at most " + percent(G_DROP)
                                + " of where it started, while " + d + " stayed at " + num(dLate) + ", at least " + percent(D_CONFUSED)
                                + " of its balance value " + num(scale.dBalance()) + " (" + scale.mode() + ")"));
            }
        }

        /** The losses (d) watches; adds a finding for a NaN/Inf and for each oscillating loss, and returns the oscillating ones. */
        List<String> unstable() {
            List<String> oscillating = new ArrayList<>();
            if (log.nonFinite != null) {
                LossSeries.NonFinite f = log.nonFinite;
                findings.add(new Finding(Situation.UNSTABLE, f.loss(), f.loss() + " " + f.value() + " at " + log.unit + " " + f.at(),
                        f.loss() + " is " + f.value() + " in " + log.source + " at " + log.unit + " " + f.at() + " (the first value that is not finite)"));
            }
            int half = n / 2;
            if (n < MIN_BLOCKS_FOR_OSCILLATION) {
                notJudged.add("(d)'s oscillation: the log holds " + n + " block" + (n == 1 ? "" : "s") + " so far; it needs " + MIN_BLOCKS_FOR_OSCILLATION);
                return oscillating;
            }
            List<String> watched = new ArrayList<>(wasserstein ? List.of() : List.of("D_A", "G_A", "D_B", "G_B"));
            watched.addAll(List.of("cycle_A", "cycle_B"));
            for (String l : watched) {
                if (!log.has(l)) continue;
                double jumps = 0, level = 0;
                for (int i = n - half; i < n; i++) {
                    double v = log.blocks.get(i).means().get(l);
                    level += Math.abs(v);
                    if (i > n - half) jumps += Math.abs(v - log.blocks.get(i - 1).means().get(l));
                }
                jumps /= half - 1;
                level /= half;
                if (level > 0 && jumps >= OSCILLATION * level) {
                    oscillating.add(l);
                    findings.add(new Finding(Situation.UNSTABLE, l, l + " jumps " + num(jumps) + " between blocks, mean " + num(level),
                            l + "'s " + LossSeries.BLOCK_STEPS + "-step means over " + log.span(n - half, n) + " differ by " + num(jumps)
                                    + " from one to the next on average, " + percent(jumps / level) + " of their mean " + num(level)
                                    + " (strong oscillation from " + percent(OSCILLATION) + ")"));
                }
            }
            return oscillating;
        }

        /** The cycle and identity terms' share of the generators' late loss (|G| for wgangp's signed terms), or NaN. */
        double reconstructionShare() {
            if (!log.has("G_A") || !log.has("G_B")) return Double.NaN;
            double reconstruction = 0;
            for (String l : RECONSTRUCTION) if (log.has(l)) reconstruction += log.mean(l, n - w, n);
            double adversarial = Math.abs(log.mean("G_A", n - w, n)) + Math.abs(log.mean("G_B", n - w, n));
            return reconstruction / (reconstruction + adversarial);
        }

        /** (e) for generator {@code g}; whether it was found. */
        boolean copying(String g, double share) {
            double d = copy.of(g);
            if (!(d < COPY_CHANGE && share >= RECONSTRUCTION_SHARE)) return false;
            findings.add(new Finding(Situation.COPYING, g, "mean |" + g + "(x) − x| " + num(d) + ", cycle and identity " + percent(share) + " of the G loss",
                    "mean |" + g + "(x) − x| is " + num(d) + " on " + copy.images(g) + " training images (" + copy.when() + "), below " + COPY_CHANGE
                            + " on [−1, 1], while the cycle and identity terms make " + percent(share) + " of the generators' loss over "
                            + log.span(n - w, n) + " (dominating from " + percent(RECONSTRUCTION_SHARE) + ")"));
            return true;
        }

        void flatButFaint(String[] p) {
            double d = copy.of(p[1]);
            if (!(d < FAINT_CHANGE)) return;
            List<String> watched = wasserstein ? List.of(p[2]) : List.of(p[0], p[1]);
            StringBuilder changes = new StringBuilder();
            for (String l : watched) {
                double before = log.mean(l, n - 2 * w, n - w), late = log.mean(l, n - w, n);
                if (Math.abs(late - before) > FLAT_CHANGE * Math.abs(before)) return;
                changes.append(changes.length() == 0 ? "" : ", ").append(l).append(' ').append(num(before)).append(" → ").append(num(late));
            }
            findings.add(new Finding(Situation.FLAT_BUT_FAINT, p[1], changes + "; mean |" + p[1] + "(x) − x| " + num(d),
                    "the losses are flat and stable: " + changes + " (" + log.span(n - 2 * w, n - w) + " → " + log.span(n - w, n) + ", within "
                            + percent(FLAT_CHANGE) + ", no oscillation), yet mean |" + p[1] + "(x) − x| is only " + num(d) + " on " + copy.images(p[1])
                            + " training images (" + copy.when() + "), below " + FAINT_CHANGE + " on [−1, 1]"));
        }

        static String percent(double f) {
            return Math.round(f * 100) + "%";
        }
    }
}
