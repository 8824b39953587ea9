package org.cyclegan.train.gan;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;

/**
 * The adversarial loss, as the reference's {@code GANLoss}: for {@code lsgan} (the CycleGAN default) and
 * {@code vanilla} the discriminator's output map is compared with a map of the same shape filled with 1 (real) or 0
 * (fake), by least squares or by binary cross-entropy on logits; for {@code wgangp} it is the Wasserstein critic's
 * score, −mean(prediction) for real and +mean(prediction) for fake, so the generator's loss, which asks for "real",
 * is −mean(D(G(x))). The gradient penalty that the name promises is not part of this loss: see {@link GradientPenalty}.
 */
public final class GanLoss {
    public enum Mode { LSGAN, VANILLA, WGANGP }

    /** The --gan_mode names, in the reference's spelling: the modes' names in lower case. */
    public static final List<String> NAMES = Arrays.stream(Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList();

    private final Mode mode;

    public GanLoss(Mode mode) {
        this.mode = mode;
    }

    public static Mode parse(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("--gan_mode: '" + name + "' is not supported; use " + String.join(", ", NAMES));
        return Mode.values()[i];
    }

    public Tensor apply(Tensor prediction, boolean targetIsReal) {
        if (mode == Mode.WGANGP) return targetIsReal ? prediction.mean().neg() : prediction.mean();
        Tensor target = prediction.backend().full(prediction.shape(), targetIsReal ? 1f : 0f);
        return mode == Mode.LSGAN ? F.mseLoss(prediction, target) : F.bceWithLogits(prediction, target);
    }
}
