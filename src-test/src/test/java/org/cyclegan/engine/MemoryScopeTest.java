package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.optim.Adam;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Tensors made inside a scope are released when it closes; kept ones survive; released memory is reused. */
class MemoryScopeTest {
    final Backend cpu = new CpuBackend(1);

    @Test void tensorsCreatedInsideAreReleasedAndUsingThemFailsLoudly() {
        Tensor inside;
        try (MemoryScope scope = MemoryScope.open()) {
            inside = Tensor.of(cpu, new float[] {1, 2, 3}, 3).mul(2f);
            assertEquals(2, scope.size(), "the upload and the product");
            assertArrayEquals(new float[] {2, 4, 6}, inside.toArray());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, inside::toArray);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    @Test void createdBytesCountsEveryStorageMadeInsideNestedScopesIncluded() {
        try (MemoryScope outer = MemoryScope.open()) {
            Tensor a = Tensor.of(cpu, new float[] {1, 2, 3}, 3);                 // 3 floats
            try (MemoryScope inner = MemoryScope.open()) {
                MemoryScope.keep(a.mul(2f).reshape(1, 3).matmul(Tensor.of(cpu, new float[] {1, 1, 1}, 3, 1)));
                assertTrue(inner.createdBytes() >= 4 * (3 + 3 + 1), "product, the ones and the 1x1 result: " + inner.createdBytes());
                assertEquals(inner.createdBytes() + 12, outer.createdBytes(), "the outer scope counts the inner one's storages too");
            }
            long before = outer.createdBytes();
            Tensor.of(cpu, new float[10], 10);
            assertEquals(before + 40, outer.createdBytes());
        }
    }

    @Test void keptTensorsSurviveAndTensorsFromOutsideAreUntouched() {
        Tensor outside = Tensor.of(cpu, new float[] {1, 1}, 2);
        Tensor kept;
        try (MemoryScope scope = MemoryScope.open()) {
            kept = MemoryScope.keep(outside.add(outside));
            outside.mul(3f);
        }
        assertArrayEquals(new float[] {2, 2}, kept.toArray());
        assertArrayEquals(new float[] {1, 1}, outside.toArray());
    }

    @Test void keptTensorsOutliveEveryEnclosingScopeAndAdoptedOnesDieWithTheCurrentOne() {
        Tensor kept, adopted;
        try (MemoryScope outer = MemoryScope.open()) {
            Tensor madeOuter = Tensor.of(cpu, new float[] {1}, 1);
            try (MemoryScope inner = MemoryScope.open()) {
                kept = MemoryScope.keep(Tensor.of(cpu, new float[] {5}, 1));
            }
            assertEquals(5f, kept.item(), "alive after the inner scope");
            assertEquals(1f, madeOuter.item(), "the outer scope's tensors survive the inner one");
            adopted = Tensor.of(cpu, new float[] {3}, 1);
            MemoryScope.keep(adopted);
            MemoryScope.adopt(adopted);
        }
        assertEquals(5f, kept.item(), "kept: no scope releases it");
        assertThrows(IllegalStateException.class, adopted::item);
        assertTrue(adopted.toString().contains("<released>"), adopted.toString());
    }

    @Test void scopesMustCloseInReverseOrder() {
        MemoryScope a = MemoryScope.open();
        MemoryScope b = MemoryScope.open();
        try {
            assertThrows(IllegalStateException.class, a::close);
        } finally {
            b.close();
            a.close();
        }
    }

    @Test void optimizerStateOutlivesTheIterationScopes() {
        Tensor w = Tensor.of(cpu, new float[] {1f, -1f}, 2).requiresGrad(true);
        Adam adam = new Adam(List.of(w), 0.1f, 0.5f);
        for (int i = 0; i < 3; i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                adam.zeroGrad();
                w.mul(w).sum().backward();
                adam.step();
            }
        }
        assertTrue(w.toArray()[0] < 1f && w.toArray()[1] > -1f, "three steps towards 0: " + w);
        assertEquals(3, adam.stepCount(0));
    }

    @Test void steadyStateIterationsReuseTheSameArrays() {
        // After one iteration has returned its arrays, an identical iteration takes all of them from the pool: three
        // iterations of (upload, add) use the same two arrays.
        java.util.Set<float[]> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 3; i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = Tensor.of(cpu, new float[4099], 4099);
                Tensor y = x.add(1f);
                distinct.add(((org.cyclegan.engine.backend.HostStorage) x.storage()).array());
                distinct.add(((org.cyclegan.engine.backend.HostStorage) y.storage()).array());
                assertEquals(1f, y.toArray()[4098], "pooled arrays are fully overwritten");
            }
        }
        assertEquals(2, distinct.size());
    }

    // ---- the rule: freed when the last user lets go -------------------------------------------------------------

    private Tensor big(float value) {
        float[] v = new float[1000];
        java.util.Arrays.fill(v, value);
        return Tensor.of(cpu, v, 1000);
    }

    @Test void anActivationLivesUntilTheBackwardThatSavedItHasRun() {
        Tensor x = big(0.5f).requiresGrad(true);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor a = x.mul(2f);          // mul_scalar saves nothing
            Tensor b = a.relu();           // relu saves its input a
            Tensor c = b.add(1f);          // add_scalar saves nothing
            MemoryScope.done(a);
            MemoryScope.done(b);
            assertTrue(b.isReleased(), "nobody saved b: freed as soon as its maker was done");
            assertTrue(!a.isReleased(), "relu's node holds a for its backward");
            c.sum().backward();
            assertTrue(a.isReleased(), "relu's backward has run: a is freed");
            IllegalStateException e = assertThrows(IllegalStateException.class, a::toArray);
            assertTrue(e.getMessage().contains("released"), e.getMessage());
            assertEquals(2f, x.grad().toArray()[0], "the gradient is unchanged by freeing");
            assertTrue(!c.isReleased(), "c was never marked done: its maker may still read it");
        }
    }

    @Test void backwardTwiceThroughAFreedGraphFailsAndRetainGraphAllowsIt() {
        Tensor x = big(0.5f).requiresGrad(true);
        Tensor y = x.tanh().sum();
        y.backward(Tensor.of(cpu, new float[] {1f}), true);
        y.backward();
        assertEquals(2 * (1 - Math.tanh(0.5) * Math.tanh(0.5)), x.grad().toArray()[0], 1e-6, "two backwards accumulate");
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("a second time") && e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test void backwardFreesEachGradientOnceItHasBeenPassedOn() {
        // A chain of 20 tanh layers (each saves its output). Forward holds the 20 outputs; backward must free each one
        // and each gradient as it goes, so the peak stays near the forward's, far below everything the step makes.
        int layers = 20;
        Tensor x = big(0.1f).requiresGrad(true);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor h = x;
            for (int i = 0; i < layers; i++) {
                Tensor next = h.tanh();
                if (h != x) MemoryScope.done(h);
                h = next;
            }
            long forward = scope.liveBytes();
            h.sum().backward();
            long perTensor = 4000;
            assertTrue(forward <= (layers + 1) * perTensor, "forward holds the saved outputs: " + forward);
            // On top of the forward: the gradient arriving, tanh's backward's three temporaries and its result.
            assertTrue(scope.peakLiveBytes() <= forward + 6 * perTensor, "peak " + scope.peakLiveBytes() + " vs forward " + forward);
            assertTrue(scope.createdBytes() >= 3 * layers * perTensor, "what a keep-everything scope would have held: " + scope.createdBytes());
            assertTrue(scope.liveBytes() <= 2 * perTensor + 64, "after backward only h (never marked done), the grad, the loss and its seed remain: " + scope.liveBytes());
        }
        assertTrue(x.grad() != null && !x.grad().isReleased(), "a leaf's gradient outlives the scope it was made in");
    }

    @Test void underNoGradOnlyTheActivationsInFlightAreHeld() {
        Tensor x = big(0.1f);
        try (MemoryScope scope = MemoryScope.open(); org.cyclegan.engine.autograd.GradMode.Scope g = org.cyclegan.engine.autograd.GradMode.noGrad()) {
            Tensor h = x;
            for (int i = 0; i < 20; i++) {
                Tensor t = h.tanh();
                Tensor next = t.mul(1.5f);
                MemoryScope.done(t);
                if (h != x) MemoryScope.done(h);
                h = next;
            }
            assertTrue(scope.peakLiveBytes() <= 3 * 4000, "input of a layer, its temporary, its output: " + scope.peakLiveBytes());
        }
    }

    @Test void aHeldTensorMovesToTheEnclosingScopeAndIsFreedByItsLastRelease() {
        try (MemoryScope outer = MemoryScope.open()) {
            Tensor t;
            try (MemoryScope inner = MemoryScope.open()) {
                t = MemoryScope.retain(big(1f));
                big(2f);
            }
            assertEquals(1, outer.size(), "the held tensor moved up; the other was freed");
            assertEquals(1f, t.toArray()[0]);
            MemoryScope.release(t);
            assertTrue(t.isReleased(), "its maker's scope is closed and its holder let go");
            assertThrows(IllegalStateException.class, () -> MemoryScope.release(big(3f)), "release without retain is a bug, said loudly");
        }
    }

    @Test void zeroGradFreesAParametersGradient() {
        Tensor w = big(1f).requiresGrad(true);
        try (MemoryScope scope = MemoryScope.open()) {
            w.mul(w).sum().backward();
            Tensor g = w.grad();
            assertEquals(2f, g.toArray()[0]);
            w.zeroGrad();
            assertTrue(g.isReleased(), "freed at once, not at the end of the step");
        }
    }
}
