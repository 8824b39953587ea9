package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradCheck;

/** Chapter 5: instance norm's backward, s·(g − mean(g) − x̂·mean(g·x̂)), on four numbers by hand. */
final class InstanceNormBackward {
    private InstanceNormBackward() {}

    static void run() {
        // tutorial:begin byHand
        Tensor x = Tensor.of(new float[] {0, 0, 2, 2}, 1, 1, 2, 2).requiresGrad(true);   // μ = 1, σ² = 1
        Tensor xhat = F.instanceNorm(x, null, null, 1e-5f);
        assertArrayEquals(new float[] {-1, -1, 1, 1}, xhat.toArray(), 1e-5f);
        xhat.backward(Tensor.of(new float[] {1, 0, 0, 0}, 1, 1, 2, 2));
        // mean(g) = 1/4, mean(g·x̂) = −1/4: g − 1/4 + x̂/4
        assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0}, x.grad().toArray(), 1e-5f);
        // tutorial:end byHand
        // tutorial:begin gradcheck
        Tensor input = Tensor.randn(new Random(0), 2, 3, 4, 4).requiresGrad(true);
        GradCheck.Report report = GradCheck.check(in -> F.instanceNorm(in.get(0), null, null, 1e-5f), List.of(input));
        assertTrue(report.passed(), report.toString());
        // tutorial:end gradcheck
    }
}
