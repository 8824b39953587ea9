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
}
