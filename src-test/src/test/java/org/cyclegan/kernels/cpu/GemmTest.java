package org.cyclegan.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The GEMM's work splits against a plain triple loop: rows split into chunks that share one packing of B (over
 * several blocks of depth and, with more threads, several column blocks), transposed operands and accumulation.
 */
class GemmTest {
    private static void check(int threads, int m, int n, int k, boolean ta, boolean tb, boolean accumulate) {
        Random random = new Random(m * 1_000_003L + n * 1009L + k);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < c.length; i++) c[i] = random.nextFloat() - 0.5f;
        double[] expected = new double[m * n], bound = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c[i * n + j] : 0, abs = Math.abs(sum);
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * m + i] : a[i * k + p], y = tb ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    abs += Math.abs(x * y);
                }
                expected[i * n + j] = sum;
                bound[i * n + j] = abs;
            }
        }
        try (WorkerPool pool = new WorkerPool(threads)) {
            Gemm.gemm(m, n, k, a, 0, ta ? m : k, ta, b, 0, tb ? k : n, tb, c, 0, n, accumulate, pool);
        }
        for (int i = 0; i < m * n; i++) {
            double err = Math.abs(c[i] - expected[i]);
            assertTrue(err <= 1e-6 * bound[i] + 1e-7, String.format("%d threads, %d×%d×%d%s%s%s: C[%d, %d] = %s, expected %s",
                    threads, m, n, k, ta ? " Aᵀ" : "", tb ? " Bᵀ" : "", accumulate ? " +C" : "", i / n, i % n, c[i], expected[i]));
        }
    }

    @Test void rowChunksShareOnePackingOfB() {
        check(2, 33, 100, 530, false, false, false);   // one column block, two row chunks, three blocks of depth
        check(2, 40, 70, 300, true, true, true);       // transposed operands, accumulating
        check(5, 40, 700, 600, false, false, false);   // two column blocks, three row chunks each
        check(5, 19, 530, 257, false, true, true);
    }

    @Test void enoughColumnBlocksForEveryThreadPackTheirOwn() {
        check(2, 21, 1100, 300, false, false, false);
        check(1, 9, 40, 700, true, false, true);
    }
}
