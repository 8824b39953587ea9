package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;

/** Chapter 4: conv2d's data gradient is conv_transpose2d, the adjoint, shown on a 1×3 image and a 1×2 kernel. */
final class ConvolutionAdjoint {
    private ConvolutionAdjoint() {}

    static void run() {
        // tutorial:begin conv
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 1, 1, 3).requiresGrad(true);   // [N, C, H, W]
        Tensor w = Tensor.of(new float[] {10, 1}, 1, 1, 1, 2).requiresGrad(true);     // [Cout, Cin, kH, kW]
        Tensor y = F.conv2d(x, w, null, 1, 0);
        assertArrayEquals(new float[] {12, 23}, y.toArray());                          // 1·10 + 2·1, 2·10 + 3·1
        Tensor g = Tensor.of(new float[] {1, 100}, 1, 1, 1, 2);
        y.backward(g);
        assertArrayEquals(new float[] {10, 1001, 100}, x.grad().toArray());            // each g spread back by w
        assertArrayEquals(new float[] {201, 302}, w.grad().toArray());                 // Σ g_i · x_{i+p}
        // tutorial:end conv
        // tutorial:begin adjoint
        Tensor dx = F.convTranspose2d(g, w.detach(), null, 1, 0, 0);
        assertArrayEquals(x.grad().toArray(), dx.toArray());                           // the same map
        // ⟨conv2d(x), g⟩ = ⟨x, conv_transpose2d(g)⟩: 12·1 + 23·100 = 1·10 + 2·1001 + 3·100
        assertEquals(2312f, y.mul(g).sum().item());
        assertEquals(2312f, x.mul(dx).sum().item());
        // tutorial:end adjoint
    }
}
