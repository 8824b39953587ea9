package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums: of a whole array, and of each plane of an [N, C, H, W] tensor (per channel or per sample and channel), with
 * vector partial sums combined in double. Other reductions are not on CycleGAN's path and run the reference loops.
 */
final class ReductionKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private ReductionKernels() {}

    /** Σ x, one partial sum per thread. */
    static float sumAll(float[] x, WorkerPool pool) {
        double[] parts = new double[pool.threads()];
        int per = (x.length + parts.length - 1) / parts.length;
        if (x.length < WorkerPool.MIN_TASK_ELEMENTS) parts[0] = sumRange(x, 0, x.length);
        else pool.forEach(parts.length, t -> parts[t] = sumRange(x, Math.min(x.length, t * per), Math.min(x.length, (t + 1) * per)));
        double total = 0;
        for (double p : parts) total += p;
        return (float) total;
    }

    /**
     * Sums over the planes of x [n, c, plane]: into out [c] across the batch when {@code perChannel} (axes 0, 2, 3),
     * else into out [n·c], one per plane (axes 2, 3).
     */
    static void sumPlanes(float[] x, int n, int c, int plane, boolean perChannel, float[] out, WorkerPool pool) {
        double[] planeSums = new double[n * c];
        pool.forRange(n * c, WorkerPool.grain(plane), (p0, p1) -> {
            for (int p = p0; p < p1; p++) planeSums[p] = sumRange(x, p * plane, (p + 1) * plane);
        });
        if (perChannel) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int b = 0; b < n; b++) s += planeSums[b * c + ch];
                out[ch] = (float) s;
            }
        } else {
            for (int i = 0; i < out.length; i++) out[i] = (float) planeSums[i];
        }
    }

    /** Sum of x[s, e) with vector partial sums, combined in double. */
    static double sumRange(float[] x, int s, int e) {
        FloatVector acc = FloatVector.zero(S);
        int i = s;
        for (; i <= e - S.length(); i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, i));
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += acc.lane(l);
        for (; i < e; i++) total += x[i];
        return total;
    }
}
