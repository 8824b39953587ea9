package org.cyclegan.engine;

import java.util.Random;

/** Inputs for the gradient checks, drawn from one seeded generator; each requires grad. */
final class CheckInputs {
    final Random rng;

    CheckInputs(long seed) {
        rng = new Random(seed);
    }

    Tensor randn(int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    /** Values in ±[0.05, 1.5]: away from the kink at 0 of relu, leaky relu and abs. */
    Tensor awayFromZero(int... shape) {
        float[] v = Tensor.uniform(rng, 0.05f, 1.5f, shape).toArray();
        for (int i = 0; i < v.length; i++) if (rng.nextBoolean()) v[i] = -v[i];
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Values in [0.5, 2]: inside the domain of log, sqrt and division. */
    Tensor positive(int... shape) {
        return Tensor.uniform(rng, 0.5f, 2f, shape).requiresGrad(true);
    }
}
