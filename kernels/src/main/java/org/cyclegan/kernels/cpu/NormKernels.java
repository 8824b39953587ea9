package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Instance and batch normalization of x [n, c, plane] and its backward pass. A group is what one mean and variance
 * cover: one plane (n, c) for instance norm, the n planes of channel c for batch norm. Each task takes whole groups,
 * so the group sums (vector partial sums, combined in double) need no second pass.
 */
final class NormKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private NormKernels() {}

    /**
     * xhat = (x − mean)·invStd per group, invStd = 1 / √(var + eps) with the biased variance; writes the three statistics
     * (one value per group: [n·c] for instance norm, [c] for batch norm).
     */
    static void forward(float[] x, float[] xhat, float[] mean, float[] var, float[] invStd, int n, int c, int plane,
                        boolean perInstance, float eps, WorkerPool pool) {
        int groups = perInstance ? n * c : c;
        int planesPerGroup = perInstance ? 1 : n;
        long m = (long) planesPerGroup * plane;
        pool.forRange(groups, WorkerPool.grain(plane * planesPerGroup), (g0, g1) -> {
            for (int g = g0; g < g1; g++) {
                double s = 0;
                for (int q = 0; q < planesPerGroup; q++) {
                    int off = planeOffset(perInstance, g, q, c, plane);
                    s += ReductionKernels.sumRange(x, off, off + plane);
                }
                float mu = (float) (s / m);
                double v = 0;
                for (int q = 0; q < planesPerGroup; q++) {
                    int off = planeOffset(perInstance, g, q, c, plane);
                    v += squaredDeviation(x, off, off + plane, mu);
                }
                v /= m;
                float inv = (float) (1.0 / Math.sqrt(v + eps));
                for (int q = 0; q < planesPerGroup; q++) {
                    int off = planeOffset(perInstance, g, q, c, plane);
                    scaleShift(x, xhat, off, off + plane, inv, -mu * inv);
                }
                mean[g] = mu;
                var[g] = (float) v;
                invStd[g] = inv;
            }
        });
    }

    /** dx = invStd·(dy − mean(dy) − xhat·mean(dy·xhat)), the means over each group. */
    static void backward(float[] dy, float[] xhat, float[] invStd, float[] dx, int n, int c, int plane, boolean perInstance,
                         WorkerPool pool) {
        int groups = perInstance ? n * c : c;
        int planesPerGroup = perInstance ? 1 : n;
        long m = (long) planesPerGroup * plane;
        pool.forRange(groups, WorkerPool.grain(plane * planesPerGroup), (g0, g1) -> {
            for (int grp = g0; grp < g1; grp++) {
                double sg = 0, sgx = 0;
                for (int q = 0; q < planesPerGroup; q++) {
                    int off = planeOffset(perInstance, grp, q, c, plane);
                    sg += ReductionKernels.sumRange(dy, off, off + plane);
                    sgx += dot(dy, xhat, off, off + plane);
                }
                float meanG = (float) (sg / m), meanGX = (float) (sgx / m), is = invStd[grp];
                for (int q = 0; q < planesPerGroup; q++) {
                    int off = planeOffset(perInstance, grp, q, c, plane);
                    int i = off, e = off + plane;
                    for (; i <= e - S.length(); i += S.length()) {
                        FloatVector gv = FloatVector.fromArray(S, dy, i), xv = FloatVector.fromArray(S, xhat, i);
                        gv.sub(meanG).sub(xv.mul(meanGX)).mul(is).intoArray(dx, i);
                    }
                    for (; i < e; i++) dx[i] = is * (dy[i] - meanG - xhat[i] * meanGX);
                }
            }
        });
    }

    /** Offset of the q-th plane of normalization group g. */
    private static int planeOffset(boolean perInstance, int g, int q, int c, int plane) {
        return perInstance ? g * plane : (q * c + g) * plane;
    }

    /** Σ (x[i] − mu)² over [s, e). */
    private static double squaredDeviation(float[] x, int s, int e, float mu) {
        FloatVector acc = FloatVector.zero(S);
        int i = s;
        for (; i <= e - S.length(); i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, x, i).sub(mu);
            acc = d.fma(d, acc);
        }
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += acc.lane(l);
        for (; i < e; i++) total += (double) (x[i] - mu) * (x[i] - mu);
        return total;
    }

    /** Σ a[i]·b[i] over [s, e). */
    private static double dot(float[] a, float[] b, int s, int e) {
        FloatVector acc = FloatVector.zero(S);
        int i = s;
        for (; i <= e - S.length(); i += S.length()) acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), acc);
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += acc.lane(l);
        for (; i < e; i++) total += (double) a[i] * b[i];
        return total;
    }

    /** out = x·a + b over [s, e). */
    private static void scaleShift(float[] x, float[] out, int s, int e, float a, float b) {
        int i = s;
        for (; i <= e - S.length(); i += S.length()) FloatVector.fromArray(S, x, i).fma(a, b).intoArray(out, i);
        for (; i < e; i++) out[i] = x[i] * a + b;
    }
}
