package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradCheck;

/** Chapter 3: a linear layer y = x·W + b, its three gradients by hand, then checked by finite differences. */
final class MatMulLayer {
    private MatMulLayer() {}

    static void run() {
        // tutorial:begin layer
        Tensor x = Tensor.of(new float[] {1, 2, 0, 1}, 2, 2).requiresGrad(true);   // a batch of 2 rows
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {0, 0}, 2).requiresGrad(true);
        x.matmul(w).add(b).sum().backward();                                       // G = ∂L/∂y is all ones
        assertArrayEquals(new float[] {1, 1, 3, 3}, w.grad().toArray());           // xᵀ·G: column sums of x
        assertArrayEquals(new float[] {3, 7, 3, 7}, x.grad().toArray());           // G·Wᵀ: row sums of W
        assertArrayEquals(new float[] {2, 2}, b.grad().toArray());                 // G summed to b's shape
        // tutorial:end layer
        // tutorial:begin gradcheck
        Random rng = new Random(0);
        List<Tensor> inputs = List.of(Tensor.randn(rng, 3, 4).requiresGrad(true),
                Tensor.randn(rng, 4, 2).requiresGrad(true), Tensor.randn(rng, 2).requiresGrad(true));
        Function<List<Tensor>, Tensor> layer = in -> in.get(0).matmul(in.get(1)).add(in.get(2)).tanh();
        GradCheck.Report report = GradCheck.check(layer, inputs);   // in double: ε = 1e-6, atol 1e-5, rtol 1e-3
        assertTrue(report.passed() && report.float64(), report.toString());
        GradCheck.Report float32 = GradCheck.check(layer, inputs, 1e-2, 1e-3, 1e-2);   // on the inputs' float32 backend
        assertTrue(float32.passed() && !float32.float64(), float32.toString());
        // tutorial:end gradcheck
    }
}
