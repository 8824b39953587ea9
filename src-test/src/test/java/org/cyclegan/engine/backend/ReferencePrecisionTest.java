package org.cyclegan.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.reference.Float64ReferenceBackend;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * The reference backend's loops serve float32 and float64. In float32 its optimizer steps, which PyTorch computes in
 * float arithmetic, must be that arithmetic bit for bit (the loops compute in double and round each operation): here
 * against the steps written as float loops. The float64 backend keeps what rounding each operation would lose, and
 * only it offers {@link Float64Access} (the gradient check copies its inputs there when their backend does not).
 */
class ReferencePrecisionTest {
    private final Backend ref = new ReferenceBackend();
    private final Random rng = new Random(7);

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * (1 + rng.nextInt(4)));
        return v;
    }

    @Test void adamStepIsFloatArithmeticBitForBit() {
        float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weightDecay = 0.03f, stepSize = 2e-4f, bc2Sqrt = 0.7f;
        int n = 4096;
        float[] p = random(n), g = random(n), m = random(n), v = random(n);
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor P = Tensor.of(ref, p, n), G = Tensor.of(ref, g, n), M = Tensor.of(ref, m, n), V = Tensor.of(ref, v, n);
            for (int step = 0; step < 3; step++) {
                ref.adamUpdate(P, G, M, V, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt);
                for (int i = 0; i < n; i++) {
                    float gi = g[i] + weightDecay * p[i];
                    m[i] = m[i] * beta1 + gi * (1f - beta1);
                    v[i] = v[i] * beta2 + (1f - beta2) * gi * gi;
                    float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
                    p[i] = p[i] + (-stepSize) * (m[i] / denom);
                }
                assertArrayEquals(p, P.toArray(), "param after step " + step);
                assertArrayEquals(m, M.toArray(), "first moment after step " + step);
                assertArrayEquals(v, V.toArray(), "second moment after step " + step);
            }
        }
    }

    @Test void sgdStepIsFloatArithmeticBitForBit() {
        float lr = 0.07f, momentum = 0.9f, dampening = 0.1f, weightDecay = 0.01f;
        int n = 4096;
        float[] p = random(n), g = random(n), b = new float[n];
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor P = Tensor.of(ref, p, n), G = Tensor.of(ref, g, n), B = Tensor.of(ref, b, n);
            for (int step = 0; step < 3; step++) {
                ref.sgdUpdate(P, G, B, lr, momentum, dampening, weightDecay, true, step == 0);
                for (int i = 0; i < n; i++) {
                    float gi = g[i] + weightDecay * p[i];
                    b[i] = step == 0 ? gi : b[i] * momentum + (1f - dampening) * gi;
                    gi = gi + momentum * b[i];
                    p[i] = p[i] - lr * gi;
                }
                assertArrayEquals(p, P.toArray(), "param after step " + step);
                assertArrayEquals(b, B.toArray(), "momentum buffer after step " + step);
            }
        }
    }

    @Test void float64StepIsNotRoundedToFloat() {
        Float64ReferenceBackend f64 = new Float64ReferenceBackend();
        double p = 1, g = 1.0 / 3;   // 1/3 is not a float: a float32 step would round it first
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor P = Tensor.wrap(f64, f64.uploadDouble(new double[] {p}), 1);
            Tensor G = Tensor.wrap(f64, f64.uploadDouble(new double[] {g}), 1);
            f64.sgdUpdate(P, G, null, 0.5f, 0f, 0f, 0f, false, false);
            assertEquals(p - 0.5 * g, f64.downloadDouble(P.storage())[0]);
        }
    }

    @Test void onlyTheFloat64BackendOffersDoubleAccessAndNoProviderOffersIt() {
        assertFalse(ref instanceof Float64Access, "a float32 backend must not look like a float64 one to GradCheck");
        assertTrue(new Float64ReferenceBackend() instanceof Float64Access);
        assertEquals("reference64", new Float64ReferenceBackend().name());
        for (BackendProvider p : Backends.providers()) assertFalse(p.name().equals("reference64"), "offered by --device: " + p.name());
    }
}
