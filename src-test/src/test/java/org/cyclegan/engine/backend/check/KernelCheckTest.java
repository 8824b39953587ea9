package org.cyclegan.engine.backend.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.backend.check.KernelCheck.FamilyResult;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** The self-check's comparison: each way a kernel can be wrong is a failure that names the problem, counted in its family. */
class KernelCheckTest {
    private static FamilyResult only(Backend backend, KernelProblem... problems) {
        List<FamilyResult> r = KernelCheck.run(backend, List.of(problems));
        assertEquals(1, r.size(), r.toString());
        return r.get(0);
    }

    /** A problem that computes {@code onReference} on the reference backend and {@code elsewhere} on any other. */
    private static KernelProblem problem(String name, double tol, Function<Backend, Tensor> onReference, Function<Backend, Tensor> elsewhere) {
        return new KernelProblem("family", name, tol, b -> b instanceof ReferenceBackend ? onReference.apply(b) : elsewhere.apply(b));
    }

    @Test void agreementIsOkWithTheLargestErrorAndBound() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            FamilyResult r = only(cpu, new KernelProblem("family", "tanh", 1e-6, b -> b.unary(UnaryOp.TANH, KernelProblem.rand(b, 1, 40))),
                    new KernelProblem("family", "relu", 1e-6, b -> b.unary(UnaryOp.RELU, KernelProblem.rand(b, 2, 40))));
            assertTrue(r.ok(), r.toString());
            assertEquals(2, r.problems());
            assertEquals(1e-6, r.bound());
            assertTrue(r.largestError() <= 1e-6, r.toString());
        }
    }

    @Test void anErrorBeyondTheBoundAWrongShapeNaNAndAThrowingKernelEachFail() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Function<Backend, Tensor> ones = b -> b.full(new int[] {4}, 1f);
            FamilyResult r = only(cpu,
                    problem("off by 1e-3", 1e-4, ones, b -> b.full(new int[] {4}, 1.001f)),
                    problem("wrong shape", 0, ones, b -> b.full(new int[] {2, 2}, 1f)),
                    problem("NaN", 1, ones, b -> b.full(new int[] {4}, Float.NaN)),
                    problem("throws", 0, ones, b -> {
                        throw new IllegalStateException("device lost");
                    }),
                    problem("within", 1e-2, ones, b -> b.full(new int[] {4}, 1.001f)));
            assertEquals(5, r.problems());
            assertEquals(4, r.failures().size(), r.failures().toString());
            assertTrue(r.failures().get(0).startsWith("off by 1e-3: relative error 1.000e-03 exceeds 1.0e-04"), r.failures().get(0));
            assertTrue(r.failures().get(1).startsWith("wrong shape: ") && r.failures().get(1).contains("shape [2, 2], expected [4]"), r.failures().get(1));
            assertTrue(r.failures().get(2).startsWith("NaN: relative error NaN"), r.failures().get(2));
            assertTrue(r.failures().get(3).startsWith("throws: ") && r.failures().get(3).contains("device lost"), r.failures().get(3));
            assertTrue(Double.isNaN(r.largestError()), "a NaN result is the largest error: " + r);
        }
    }

    @Test void aResultOnAnotherBackendFails() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            ReferenceBackend other = new ReferenceBackend();
            FamilyResult r = only(cpu, new KernelProblem("family", "elsewhere", 0, b -> other.full(new int[] {3}, 2f)));
            assertEquals(1, r.failures().size());
            assertTrue(r.failures().get(0).contains("result on the reference backend, not on cpu"), r.failures().get(0));
        }
    }
}
