package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.junit.jupiter.api.Test;

/**
 * The gradient penalty on a critic whose input gradient is known in closed form: D(x) = w·x² elementwise, so
 * ∇x Σ D(x) = 2w·x, each sample's norm is 2|w|·‖x̂_i‖ and the penalty λ·mean_i (2|w|·‖x̂_i‖ − 1)². Its derivative in
 * w, which only a second-order backward gives, is λ·mean_i 2(n_i − 1)·2‖x̂_i‖·sign(w).
 */
class GradientPenaltyTest {
    static final float W = 0.75f, LAMBDA = 10f;

    /** D(x) = w·x², w a parameter. */
    static final class SquareCritic extends Module {
        final Tensor w = registerParameter("w", Tensor.of(new float[] {W}, 1, 1, 1, 1));

        @Override public Tensor forward(Tensor x) {
            return x.mul(x).mul(w);
        }
    }

    private static final float[] REAL = {1, 2, -1, 0.5f, 3, -2, 0, 1}, FAKE = {0, -1, 1, 1, 1, 1, -1, 2};

    private static Tensor batch(float[] v) {
        return Tensor.of(v.clone(), 2, 1, 2, 2);   // two samples of 1×2×2
    }

    /** The penalty and its w-gradient for x̂, in double precision. */
    private static double[] expected(float[] x, float lambda) {
        double value = 0, dw = 0;
        for (int i = 0; i < 2; i++) {
            double sq = 0;
            for (int k = 0; k < 4; k++) sq += (double) x[4 * i + k] * x[4 * i + k];
            double n = 2 * Math.abs(W) * Math.sqrt(sq);
            value += (n - 1) * (n - 1) / 2;
            dw += 2 * (n - 1) * 2 * Math.sqrt(sq) * Math.signum(W) / 2;
        }
        return new double[] {lambda * value, lambda * dw};
    }

    private static GradientPenalty penalty(float lambda, String type, long seed) {
        return new GradientPenalty(lambda, GradientPenalty.parse(type), new ResumableRandom(seed));
    }

    @Test void mixedInterpolatesPerSampleAndBackPropagatesThroughTheGradient() {
        SquareCritic d = new SquareCritic();
        GradientPenalty gp = penalty(LAMBDA, "mixed", 1);
        float[] alpha = {0.25f, 0.9f};
        gp.drawAlphasFrom(batch -> alpha);
        float[] x = new float[8];
        for (int i = 0; i < 8; i++) {
            float a = alpha[i / 4];
            x[i] = REAL[i] * a + FAKE[i] * (1 - a);   // α·real + (1 − α)·fake, broadcast over each sample
        }
        double[] want = expected(x, LAMBDA);
        try (MemoryScope scope = MemoryScope.open()) {
            GradientPenalty.Penalty p = gp.of(d, batch(REAL), batch(FAKE));
            assertArrayEquals(x, p.interpolates().toArray(), 1e-6f);
            assertEquals(want[0], p.value().item(), 1e-4 * Math.abs(want[0]));
            p.value().backward();
            assertEquals(want[1], d.w.grad().item(), 1e-4 * Math.abs(want[1]), "the penalty's gradient in D's weight");
            p.release();
            assertNull(p.interpolates().grad());
            d.zeroGrad();
        }
    }

    @Test void realAndFakeTakeTheBatchesThemselvesAndLeaveThemUntouched() {
        for (String type : new String[] {"real", "fake"}) {
            SquareCritic d = new SquareCritic();
            Tensor real = batch(REAL), fake = batch(FAKE);
            GradientPenalty gp = penalty(LAMBDA, type, 1);
            long before = gp.random().state().seed();
            try (MemoryScope scope = MemoryScope.open()) {
                GradientPenalty.Penalty p = gp.of(d, real, fake);
                double[] want = expected(type.equals("real") ? REAL : FAKE, LAMBDA);
                assertEquals(want[0], p.value().item(), 1e-4 * Math.abs(want[0]), type);
                p.value().backward();
                assertEquals(want[1], d.w.grad().item(), 1e-4 * Math.abs(want[1]), type);
                p.release();
                d.zeroGrad();
            }
            assertFalse(real.requiresGrad() || fake.requiresGrad(), type + ": the batches are not made leaves that want a gradient");
            assertArrayEquals(REAL, real.toArray(), type);
            assertEquals(before, gp.random().state().seed(), type + ": no α drawn");
        }
    }

    @Test void lambdaZeroComputesNothingAndDrawsNothing() {
        GradientPenalty gp = penalty(0f, "mixed", 1);
        long before = gp.random().state().seed();
        assertNull(gp.of(new SquareCritic(), batch(REAL), batch(FAKE)));
        assertEquals(before, gp.random().state().seed());
    }

    @Test void alphasAreOneUniformDrawPerSampleFromTheSavedGenerator() {
        SquareCritic d = new SquareCritic();
        GradientPenalty gp = penalty(LAMBDA, "mixed", 42);
        Random same = new Random(42);   // ResumableRandom draws what java.util.Random draws
        float a0 = same.nextFloat(), a1 = same.nextFloat();
        try (MemoryScope scope = MemoryScope.open()) {
            float[] x = gp.of(d, batch(REAL), batch(FAKE)).interpolates().toArray();
            assertEquals(REAL[0] * a0 + FAKE[0] * (1 - a0), x[0], 1e-6f);
            assertEquals(REAL[7] * a1 + FAKE[7] * (1 - a1), x[7], 1e-6f);
        }
        ResumableRandom twice = new ResumableRandom(42);
        twice.nextFloat();
        twice.nextFloat();
        assertEquals(twice.state(), gp.random().state(), "two draws for two samples");
        assertTrue(a0 >= 0 && a0 < 1 && a1 >= 0 && a1 < 1);
    }
}
