package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cyclegan.engine.Tensor;

/** Chapter 1: the chain rule through one element-wise op, tanh, with the gradient worked out by hand. */
final class ChainRule {
    private ChainRule() {}

    static void run() {
        // tutorial:begin tanh
        Tensor x = Tensor.of(new float[] {0f, (float) Math.log(2)}, 2).requiresGrad(true);
        Tensor y = x.tanh();                                   // [0, 0.6]: tanh(ln 2) = (4 − 1)/(4 + 1)
        assertEquals("tanh", y.gradFn().op());                 // the op that made y, recorded
        y.backward(Tensor.of(new float[] {2f, 10f}, 2));       // g = ∂L/∂y, from whatever comes after y
        // ∂L/∂x = g · (1 − y²) = [2 · 1, 10 · (1 − 0.36)]
        assertArrayEquals(new float[] {2f, 6.4f}, x.grad().toArray(), 1e-5f);
        // tutorial:end tanh
    }
}
