package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cyclegan.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;

/** The autodiff engine's own rules: accumulation, shared inputs, no-grad, detach, leaves. */
class AutogradTest {

    @Test void gradientOfAnInputUsedTwiceIsTheSumOfBothPaths() {
        Tensor x = Tensor.of(new float[] {2f, -3f}, 2).requiresGrad(true);
        // y = x·x + 3x  →  dy/dx = 2x + 3
        x.mul(x).add(x.mul(3f)).sum().backward();
        assertArrayEquals(new float[] {7f, -3f}, x.grad().toArray(), 1e-6f);
    }

    @Test void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        x.mul(5f).sum().backward();
        x.mul(5f).sum().backward();
        assertArrayEquals(new float[] {10f, 10f}, x.grad().toArray(), 1e-6f);
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(5f).sum().backward();
        assertArrayEquals(new float[] {5f, 5f}, x.grad().toArray(), 1e-6f);
    }

    @Test void noGradScopeRecordsNothingAndRestoresTheMode() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor y;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            y = x.mul(2f);
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test void detachStopsTheGradientButKeepsTheValues() {
        Tensor x = Tensor.of(new float[] {3f}, 1).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertArrayEquals(new float[] {6f}, d.toArray());
        // z = x · detach(2x): only the first factor carries a gradient, so dz/dx = 6 (not 12).
        x.mul(d).sum().backward();
        assertArrayEquals(new float[] {6f}, x.grad().toArray(), 1e-6f);
    }

    @Test void tensorsWithoutRequiresGradGetNoGradient() {
        Tensor a = Tensor.ones(2).requiresGrad(true);
        Tensor b = Tensor.ones(2);
        a.mul(b).sum().backward();
        assertTrue(a.grad() != null);
        assertNull(b.grad());
    }

    @Test void requiresGradCanOnlyBeSetOnLeaves() {
        Tensor y = Tensor.ones(2).requiresGrad(true).mul(2f);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertEquals("mul_scalar", y.gradFn().op());
        assertFalse(y.isLeaf());
    }

    @Test void backwardOnANonScalarNeedsASeed() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        Tensor y = x.mul(3f);
        assertThrows(IllegalArgumentException.class, y::backward);
        y.backward(Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2));
        assertArrayEquals(new float[] {3f, 6f, 9f, 12f}, x.grad().toArray(), 1e-6f);
    }

    @Test void aVeryDeepGraphDoesNotOverflowTheStack() {
        // A recursive topological sort would overflow here; the engine's walk is iterative.
        Tensor x = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20000; i++) y = y.add(0f);
        y.sum().backward();
        assertArrayEquals(new float[] {1f}, x.grad().toArray());
    }

    @Test void diamondGraphVisitsTheSharedNodeOnce() {
        // h = 2x is used by two branches; its gradient must be summed before it is passed on, not passed twice.
        Tensor x = Tensor.of(new float[] {1.5f}, 1).requiresGrad(true);
        Tensor h = x.mul(2f);
        h.exp().add(h.mul(h)).sum().backward();   // d/dx [e^(2x) + 4x²] = 2e^(2x) + 8x
        double expected = 2 * Math.exp(3.0) + 8 * 1.5;
        assertEquals(expected, x.grad().item(), 1e-4 * expected);
    }
}
