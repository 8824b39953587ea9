package org.cyclegan.engine.ops;

import java.util.Random;
import org.cyclegan.engine.Tensor;

/**
 * Multiplying by a random mask: inverted dropout, as PyTorch. In training each element is kept with probability 1 − p
 * and scaled by 1/(1 − p), so evaluation needs no rescaling. It is composed: y = x · mask, and the gradient g · mask
 * comes from the multiply, whose rule is differentiable (the mask is a constant).
 */
public final class RandomMask {
    private RandomMask() {}

    public static Tensor dropout(Tensor x, float p, boolean training, Random rng) {
        if (!(p >= 0f && p <= 1f)) throw Checks.error("dropout", "probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return x;
        float[] mask = new float[x.numel()];
        float scale = p == 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() >= p ? scale : 0f;
        return x.mul(Tensor.of(x.backend(), mask, x.shape()));
    }
}
