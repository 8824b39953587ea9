package org.cyclegan.kernels.cpu;

import org.cyclegan.engine.backend.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution: each output summed straight from the input planes, with no im2col and no matrix product. For
 * layers with very few output channels, stride 1 and no padding: the generator's last 7×7 layer (64 → 3). Lowered to a
 * GEMM such a layer has only 1–3 rows of A, so each value of the im2col matrix (hundreds of megabytes at 256 px) would
 * be written and read for 1–3 multiply-adds: memory-bound. Here every output row segment is accumulated in vector
 * registers straight from the input planes, which stay in cache.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    /** Use the direct kernels for at most this many output channels. */
    static final int MAX_COUT = 4;

    private DirectConv() {}

    static boolean applies(ConvGeometry g) {
        return g.cout() <= MAX_COUT && g.spec().strideH() == 1 && g.spec().strideW() == 1
                && g.spec().padH() == 0 && g.spec().padW() == 0 && g.ow() >= L;
    }

    /** y[n, co, oy, ox] = bias[co] + Σ_{ci,i,j} w[co, ci, i, j] · x[n, ci, oy + i, ox + j]. */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, WorkerPool pool) {
        int cin = g.cin(), h = g.h(), wd = g.w(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), cout = g.cout();
        int rows = g.n() * cout * oh;
        int[] offsets = tapOffsets(cin, kh, kw, h * wd, wd);
        pool.forRange(rows, 8, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int oy = r % oh, co = (r / oh) % cout, n = r / (oh * cout);
                int xBase = n * cin * h * wd, wBase = co * cin * kh * kw, yRow = ((n * cout + co) * oh + oy) * ow;
                float b = bias == null ? 0f : bias[co];
                // Vector segments of the output row; the last one is shifted left to end at the row's end (it
                // recomputes a few outputs, which is harmless) so no scalar tail is needed.
                for (int ox0 = 0; ox0 < ow; ox0 += L) {
                    int ox = Math.min(ox0, ow - L);
                    segment(x, xBase + oy * wd + ox, offsets, w, wBase, b, y, yRow + ox);
                }
            }
        });
    }

    /**
     * One vector of outputs: y[yOff ..] = b + Σ_t w[wOff + t] · x[xOff + offsets[t] ..], where t runs over (ci, i, j)
     * and offsets[t] = ci·plane + i·wd + j. One flat loop on purpose: JDK 17's JIT keeps a vector accumulator in a
     * register across a single loop, but carried through three nested loops it allocated an object per step.
     */
    private static void segment(float[] x, int xOff, int[] offsets, float[] w, int wOff, float b, float[] y, int yOff) {
        FloatVector acc = FloatVector.broadcast(S, b);
        for (int t = 0; t < offsets.length; t++) {
            acc = FloatVector.fromArray(S, x, xOff + offsets[t]).fma(FloatVector.broadcast(S, w[wOff + t]), acc);
        }
        acc.intoArray(y, yOff);
    }

    /** offsets[(ci·kh + i)·kw + j] = ci·plane + i·wd + j. */
    private static int[] tapOffsets(int cin, int kh, int kw, int plane, int wd) {
        int[] o = new int[cin * kh * kw];
        for (int ci = 0; ci < cin; ci++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) o[(ci * kh + i) * kw + j] = ci * plane + i * wd + j;
        return o;
    }

    /** dw[co, ci, i, j] = Σ_{n, oy, ox} dy[n, co, oy, ox] · x[n, ci, oy + i, ox + j]. */
    static void backwardWeight(ConvGeometry g, float[] x, float[] dy, float[] dw, WorkerPool pool) {
        int cin = g.cin(), h = g.h(), wd = g.w(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), cout = g.cout();
        int vecEnd = ow / L * L;
        pool.forRange(cout * cin, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int co = p / cin, ci = p % cin;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        double sum = 0;
                        for (int n = 0; n < g.n(); n++) {
                            sum += correlate(dy, ((n * cout + co) * oh) * ow, x, (n * cin + ci) * h * wd + i * wd + j, oh, ow, wd, vecEnd);
                        }
                        dw[((co * cin + ci) * kh + i) * kw + j] = (float) sum;
                    }
                }
            }
        });
    }

    /**
     * Σ_{oy, ox} dy[dyOff + oy·ow + ox] · x[xOff + oy·wd + ox]. The vector part is one flat loop over all row segments
     * (row changes are integer bookkeeping only), for the same reason as {@link #segment}.
     */
    private static double correlate(float[] dy, int dyOff, float[] x, int xOff, int oh, int ow, int wd, int vecEnd) {
        FloatVector acc = FloatVector.zero(S);
        int steps = oh * (vecEnd / L);
        int d = dyOff, xr = xOff, ox = 0;
        for (int s = 0; s < steps; s++) {
            acc = FloatVector.fromArray(S, dy, d + ox).fma(FloatVector.fromArray(S, x, xr + ox), acc);
            ox += L;
            if (ox == vecEnd) {
                ox = 0;
                d += ow;
                xr += wd;
            }
        }
        double tail = 0;
        if (vecEnd < ow) {
            for (int oy = 0; oy < oh; oy++) {
                for (int c = vecEnd; c < ow; c++) tail += (double) dy[dyOff + oy * ow + c] * x[xOff + oy * wd + c];
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail;
    }
}
