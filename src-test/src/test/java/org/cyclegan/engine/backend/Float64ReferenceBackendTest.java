package org.cyclegan.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.check.ContractProblems;
import org.cyclegan.engine.backend.check.KernelCheck;
import org.cyclegan.engine.reference.Float64ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * The float64 reference backend: the reference backend's kernels in double. It agrees with the reference backend on
 * every problem of the backend contract, within the contract's tolerances (its results, rounded to float, differ from
 * the reference's only where the reference rounds an intermediate to float), and it keeps what float32 would lose.
 */
class Float64ReferenceBackendTest {
    private final Float64ReferenceBackend f64 = new Float64ReferenceBackend();

    @Test void agreesWithTheReferenceBackendOnEveryContractProblem() {
        List<KernelCheck.FamilyResult> results = KernelCheck.run(f64, new ContractProblems(ContractProblems.MathTolerances.JAVA).all());
        assertTrue(results.size() > 10, "every family ran: " + results);
        for (KernelCheck.FamilyResult r : results) assertTrue(r.ok(), r.family() + ": " + r.failures());
    }

    @Test void keepsDoublePrecisionThroughTheKernels() {
        double tiny = 0x1p-40;   // lost in float32: 1 + 2^-40 rounds to 1
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.wrap(f64, f64.uploadDouble(new double[] {1 + tiny, 1 - tiny}), 2);
            Tensor d = f64.binaryScalar(BinaryOp.SUB, x, 1f);
            assertArrayEquals(new double[] {tiny, -tiny}, f64.downloadDouble(d.storage()));
            Tensor s = f64.sum(f64.binary(BinaryOp.MUL, d, d), new int[] {0});
            assertEquals(2 * tiny * tiny, f64.downloadDouble(s.storage())[0]);
            assertArrayEquals(new float[] {1f, 1f}, x.toArray(), "download rounds to float, as the contract's edge");
        }
    }

    @Test void uploadWidensEveryFloatExactly() {
        float[] v = {0.1f, -3.75f, Float.MIN_VALUE, Float.MAX_VALUE};
        double[] back = f64.downloadDouble(f64.upload(v));
        for (int i = 0; i < v.length; i++) assertEquals((double) v[i], back[i]);
        assertArrayEquals(v, f64.download(f64.upload(v)));
    }
}
