package org.cyclegan.train.gan;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;

/**
 * The adversarial loss, as the reference's {@code GANLoss}: the discriminator's output map is compared with a map of
 * the same shape filled with 1 (real) or 0 (fake): least squares for {@code lsgan} (the CycleGAN default), binary
 * cross-entropy on logits for {@code vanilla}.
 */
public final class GanLoss {
    public enum Mode { LSGAN, VANILLA }

    private final Mode mode;

    public GanLoss(Mode mode) {
        this.mode = mode;
    }

    public static Mode parse(String name) {
        return switch (name) {
            case "lsgan" -> Mode.LSGAN;
            case "vanilla" -> Mode.VANILLA;
            default -> throw new IllegalArgumentException("--gan_mode: '" + name + "' is not supported; use lsgan or vanilla");
        };
    }

    public Tensor apply(Tensor prediction, boolean targetIsReal) {
        Tensor target = prediction.backend().full(prediction.shape(), targetIsReal ? 1f : 0f);
        return mode == Mode.LSGAN ? F.mseLoss(prediction, target) : F.bceWithLogits(prediction, target);
    }
}
