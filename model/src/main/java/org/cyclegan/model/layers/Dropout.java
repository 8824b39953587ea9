package org.cyclegan.model.layers;

import java.util.Objects;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.Dropout(p)}: in training, zeroes each element with probability p and scales the rest by 1/(1 − p); in
 * evaluation, the identity. The masks are drawn from the {@link Random} given here, so a seeded run is repeatable.
 */
public final class Dropout extends Module {
    private final float p;
    private final Random rng;

    public Dropout(float p, Random rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = Objects.requireNonNull(rng, "Dropout needs a Random for its masks");
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), rng);
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
