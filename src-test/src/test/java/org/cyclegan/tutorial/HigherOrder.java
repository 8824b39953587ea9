package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradCheck;

/** Chapter 8: a gradient that is itself a tensor of the graph (createGraph), differentiated again. */
final class HigherOrder {
    private HigherOrder() {}

    static void run() {
        // tutorial:begin cube
        Tensor x = Tensor.of(new float[] {3}, 1).requiresGrad(true);
        Tensor y = x.mul(x).mul(x);                                          // x³
        Tensor dy = Autograd.grad(y, Tensor.ones(1), true, x)[0];            // 3x² = 27, recorded
        assertArrayEquals(new float[] {27}, dy.toArray());
        assertTrue(dy.requiresGrad());                                       // a tensor of the graph
        assertNull(x.grad());                                                // grad accumulates into nothing
        dy.backward(Tensor.ones(1));                                         // through the recorded rules
        assertArrayEquals(new float[] {18}, x.grad().toArray());             // 6x = 18
        // tutorial:end cube
        // tutorial:begin plain
        Tensor z = Tensor.of(new float[] {3}, 1).requiresGrad(true);
        Tensor plain = Autograd.grad(z.mul(z).mul(z), Tensor.ones(1), false, z)[0];
        assertArrayEquals(new float[] {27}, plain.toArray());
        assertFalse(plain.requiresGrad());                                   // rules ran under noGrad
        // tutorial:end plain
        // tutorial:begin gradgradcheck
        GradCheck.Report report = GradCheck.checkSecondOrder(in -> in.get(0).tanh().mul(in.get(1)),
                List.of(Tensor.randn(new Random(0), 3).requiresGrad(true), Tensor.randn(new Random(1), 3).requiresGrad(true)));
        assertTrue(report.passed(), report.toString());
        // tutorial:end gradgradcheck
    }
}
