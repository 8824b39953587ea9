package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Autograd.grad: gradients returned, not accumulated; with createGraph, gradients that can be differentiated again. */
class HigherOrderGradientTest {
    final Backend cpu = new CpuBackend(1);

    @Test void gradReturnsTheGradientAndAccumulatesIntoNoLeaf() {
        Tensor x = Tensor.of(new float[] {2f, -1f}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {3f, 5f}, 2).requiresGrad(true);
        Tensor y = x.mul(x).mul(w);   // dy/dx = 2xw
        Tensor[] g = Autograd.grad(y, Tensor.ones(2), false, x);
        assertArrayEquals(new float[] {12f, -10f}, g[0].toArray(), 1e-6f);
        assertNull(x.grad(), "grad accumulates nothing");
        assertNull(w.grad(), "not even into a leaf that is not asked for");
        assertFalse(g[0].requiresGrad(), "without createGraph the gradient carries no graph");
    }

    @Test void createGraphGivesAGradientThatDifferentiatesAgain() {
        Tensor x = Tensor.of(new float[] {2f, -1f}, 2).requiresGrad(true);
        Tensor y = x.mul(x).mul(x);   // y = x³, y' = 3x², y'' = 6x
        Tensor dx = Autograd.grad(y, Tensor.ones(2), true, x)[0];
        assertArrayEquals(new float[] {12f, 3f}, dx.toArray(), 1e-6f);
        assertTrue(dx.requiresGrad());
        dx.sum().backward();
        assertArrayEquals(new float[] {12f, -6f}, x.grad().toArray(), 1e-5f);
    }

    @Test void theSecondBackwardReachesLeavesThatTheGradientWasNotTakenFor() {
        // A gradient penalty's shape: the gradient with respect to the input, then a loss of it back to the weights.
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {0.5f, -3f}, 2).requiresGrad(true);
        Tensor y = x.mul(x).mul(w).sum();   // dy/dx = 2xw; ‖dy/dx‖² = 4x²w², d/dw = 8x²w
        Tensor dx = Autograd.grad(y, Tensor.scalar(1f), true, x)[0];
        assertNull(w.grad());
        dx.mul(dx).sum().backward();
        assertArrayEquals(new float[] {4f, -96f}, w.grad().toArray(), 1e-4f);
        assertArrayEquals(new float[] {2f, 144f}, x.grad().toArray(), 1e-4f);   // 8xw²
    }

    @Test void theGradientOfTheSeedIsTheFirstGradientItself() {
        // <grad(y, v), r> is linear in v: its gradient with respect to v is J r.
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor v = Tensor.of(new float[] {1f, 1f}, 2).requiresGrad(true);
        Tensor y = x.mul(3f);
        Tensor dx = Autograd.grad(y, v, true, x)[0];
        dx.mul(Tensor.of(new float[] {2f, 5f}, 2)).sum().backward();
        assertArrayEquals(new float[] {6f, 15f}, v.grad().toArray(), 1e-6f);
    }

    @Test void anInputBehindAnotherGetsTheGradientThroughIt() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor h = x.mul(2f);
        Tensor y = h.mul(h);   // dy/dh = 2h, dy/dx = 8x
        Tensor[] g = Autograd.grad(y, Tensor.ones(2), false, h, x);
        assertArrayEquals(new float[] {4f, 8f}, g[0].toArray(), 1e-6f);
        assertArrayEquals(new float[] {8f, 16f}, g[1].toArray(), 1e-6f);
    }

    @Test void anInputNoGradientReachesGetsNull() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor unused = Tensor.ones(2).requiresGrad(true);
        Tensor[] g = Autograd.grad(x.mul(2f), Tensor.ones(2), false, x, unused);
        assertArrayEquals(new float[] {2f, 2f}, g[0].toArray());
        assertNull(g[1]);
    }

    @Test void aPenaltyStepLeavesOnlyTheLeafGradientsHeldOnceItsGraphIsReleased() {
        assertEquals(2, storagesHeldAfterPenaltyStep(true), "the gradients of w and x, held by them (the penalty's backward reaches x too)");
        assertTrue(storagesHeldAfterPenaltyStep(false) > 2, "the forward nodes the penalty's backward never reached still hold their tensors");
    }

    /** A penalty step inside a scope nested in another: the storages still held when the inner scope closes. */
    private int storagesHeldAfterPenaltyStep(boolean releaseGraph) {
        Tensor w = Tensor.of(cpu, new float[] {0.5f, -3f, 2f}, 3).requiresGrad(true);   // made outside any scope
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope step = MemoryScope.open()) {
                Tensor x = Tensor.of(cpu, new float[] {1f, 2f, -1f}, 3).requiresGrad(true);
                // The last product saves tanh's output for w's gradient; the penalty's backward never reaches its node.
                Tensor y = x.mul(w).tanh().mul(w).sum();
                Tensor dx = Autograd.grad(y, cpu.full(new int[0], 1f), true, x)[0];
                dx.mul(dx).sum().backward();
                MemoryScope.release(dx);
                if (releaseGraph) Autograd.releaseGraph(y);
            }
            assertTrue(w.grad() != null);
            return outer.size();
        }
    }

    @Test void recomputeInsideGradAccumulatesIntoNoParameter() {
        float[] xs = {1f, 3f}, ws = {0.5f, -2f};
        Tensor w = Tensor.of(ws, 2).requiresGrad(true);
        Tensor x = Tensor.of(xs, 2).requiresGrad(true);
        Tensor[] g = Autograd.grad(F.recompute("block", h -> h.mul(w).tanh(), x, List.of(w)), Tensor.ones(2), false, x);
        assertNull(w.grad(), "the block's parameter is not asked for: nothing accumulates into it");
        for (int i = 0; i < 2; i++) {
            double t = Math.tanh(xs[i] * ws[i]);
            assertEquals((1 - t * t) * ws[i], g[0].toArray()[i], 1e-6);
        }
        Tensor[] gw = Autograd.grad(F.recompute("block", h -> h.mul(w).tanh(), x, List.of(w)), Tensor.ones(2), false, w);
        assertNull(w.grad());
        assertTrue(gw[0] != null, "a parameter of the block that is asked for gets its gradient");
    }

    @Test void plainBackwardStillRecordsNothing() {
        Tensor x = Tensor.of(new float[] {2f}, 1).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {3f}, 1).requiresGrad(true);
        Tensor h = x.mul(w);
        Tensor y = h.tanh().sum();
        // The gradient reaching a non-leaf comes straight from the rules (a leaf's grad is stored detached whatever
        // they did), so it shows whether a plain backward recorded anything.
        Tensor dh = Autograd.backward(y, Tensor.ones(), true, h)[0];
        assertNull(dh.gradFn(), "a plain backward's gradient must carry no graph");
        assertFalse(dh.requiresGrad());
        assertEquals(1 - (float) Math.pow(Math.tanh(6.0), 2), dh.item(), 1e-6f);
        MemoryScope.release(dh);
        // And with createGraph the same gradient is recorded: the check above can fail.
        Tensor recorded = Autograd.grad(y, Tensor.ones(), true, h)[0];
        assertNotNull(recorded.gradFn());
        MemoryScope.release(recorded);
    }
}
