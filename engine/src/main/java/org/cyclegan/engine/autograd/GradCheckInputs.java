package org.cyclegan.engine.autograd;

import java.util.Random;
import org.cyclegan.engine.Tensor;

/**
 * Inputs for the gradient checks, drawn from one seeded generator in the order they are asked for; each requires grad
 * unless its method says otherwise.
 */
public final class GradCheckInputs {
    private final Random rng;

    public GradCheckInputs(long seed) {
        rng = new Random(seed);
    }

    public Tensor randn(int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    /** Values in ±[0.05, 1.5]: away from the kink at 0 of relu, leaky relu and abs. */
    public Tensor awayFromZero(int... shape) {
        float[] v = Tensor.uniform(rng, 0.05f, 1.5f, shape).toArray();
        for (int i = 0; i < v.length; i++) if (rng.nextBoolean()) v[i] = -v[i];
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Values in [0.5, 2]: inside the domain of log, sqrt and division. */
    public Tensor positive(int... shape) {
        return Tensor.uniform(rng, 0.5f, 2f, shape).requiresGrad(true);
    }

    /** Values in [0, 1]: probabilities, such as the targets of binary cross-entropy. */
    public Tensor unitInterval(int... shape) {
        return Tensor.uniform(rng, 0f, 1f, shape).requiresGrad(true);
    }

    /** Standard normal values that do not require grad: an input held constant. */
    public Tensor constant(int... shape) {
        return Tensor.randn(rng, shape);
    }
}
