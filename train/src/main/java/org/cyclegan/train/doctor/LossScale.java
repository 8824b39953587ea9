package org.cyclegan.train.doctor;

import java.util.Locale;
import org.cyclegan.train.gan.GanLoss;

/**
 * What "near 0", "high", "low" and "at balance" mean for the adversarial losses of one --gan_mode, derived from the
 * discriminator's outputs they stand for, so that the rules read the same for every mode. The reference's D loss is
 * (loss on real + loss on fake) / 2 and its G loss the loss of the fakes against the "real" target:
 * <ul>
 *   <li>lsgan (mean squared error): D at balance (outputs 0.5 everywhere) 0.25; D with outputs within δ of the targets
 *       at most δ²; G when D scores the fakes q: (1 − q)²;</li>
 *   <li>vanilla (binary cross-entropy on logits): D at balance ln 2 ≈ 0.693; within δ of the targets at most −ln(1 − δ);
 *       G at score q: −ln q.</li>
 * </ul>
 * wgangp's critics give signed scores with no balance value: it has no scale ({@link #of} returns null).
 */
public record LossScale(String mode, double dBalance, double dNearZero, double gHigh, double gLow) {
    /**
     * D's "near 0": its outputs within 0.2 of the targets on average, real and fake, so it tells them apart almost
     * always (lsgan 0.04, vanilla 0.223).
     */
    public static final double CONFIDENT_MARGIN = 0.2;
    /** G's "high": D scores the fakes at most 0.3 on its 0 (fake) to 1 (real) scale, so they do not get through (lsgan 0.49, vanilla 1.20). */
    public static final double FAKES_REJECTED = 0.3;
    /** G's "low": D scores the fakes at least 0.6, more real than fake (lsgan 0.16, vanilla 0.51). */
    public static final double FAKES_ACCEPTED = 0.6;

    /** The scale of {@code mode}, or null for wgangp. */
    public static LossScale of(GanLoss.Mode mode) {
        String name = mode.name().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case LSGAN -> new LossScale(name, 0.25, CONFIDENT_MARGIN * CONFIDENT_MARGIN, sq(1 - FAKES_REJECTED), sq(1 - FAKES_ACCEPTED));
            case VANILLA -> new LossScale(name, Math.log(2), -Math.log(1 - CONFIDENT_MARGIN), -Math.log(FAKES_REJECTED), -Math.log(FAKES_ACCEPTED));
            case WGANGP -> null;
        };
    }

    private static double sq(double x) {
        return x * x;
    }
}
