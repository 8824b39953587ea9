package org.cyclegan.kernels.cpu;

import org.cyclegan.engine.backend.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution: each output summed straight from the input planes, with no im2col and no matrix product. For
 * layers with very few output channels and stride 1: the generator's last 7×7 layer (64 → 3) and PatchGAN's last 4×4
 * layer (512 → 1, zero padding 1, rows narrower than a vector at small sizes; see {@link #planes}). Lowered to a
 * GEMM such a layer has only 1–3 rows of A, so each value of the im2col matrix (hundreds of megabytes at 256 px) would
 * be written and read for 1–3 multiply-adds: memory-bound. Here every output row segment is accumulated in vector
 * registers straight from the input planes, which stay in cache, for all output channels at once: each input vector
 * loaded feeds one multiply-add per output channel, where one channel at a time would load it again for each. Each
 * output channel's sum is still taken in the same order, so the results do not depend on how many there are.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    /** Use the direct kernels for at most this many output channels. */
    static final int MAX_COUT = ConvGeometry.FEW_OUTPUTS;

    private DirectConv() {}

    /** {@link ConvGeometry#hasFewOutputs}, zero-padded (the backend pads a reflection-padded one explicitly first). */
    static boolean applies(ConvGeometry g) {
        return g.hasFewOutputs() && !g.spec().reflects();
    }

    /** Per calling thread: the zero-padded copy of the input, when one is needed. */
    private static final ThreadLocal<float[]> PADDED = ThreadLocal.withInitial(() -> new float[0]);

    /** The input as the kernels read it: h × w planes, w at least a vector of outputs wide. */
    private record Planes(float[] x, int h, int w) {}

    /**
     * x itself when it has no zero padding to add and its rows are wide enough for a whole vector of outputs; else a
     * copy with the padding in place, widened with zeros so that a vector of outputs can be read from every row (the
     * outputs past the row's end are computed and dropped). PatchGAN's last layer: 512 planes of 33×33 instead of a
     * lowering to a product with one row. With {@code copy}, a copy always.
     */
    private static Planes planes(ConvGeometry g, float[] x, boolean copy) {
        int ph = g.spec().padH(), pw = g.spec().padW(), h = g.h(), w = g.w();
        int hp = h + 2 * ph, wp = Math.max(w + 2 * pw, L + g.kw() - 1), planes = g.n() * g.cin();
        if (ph == 0 && pw == 0 && wp == w && !copy) return new Planes(x, h, w);
        // Zeros past the last plane: a weight gradient over flat rows reads up to kw − 1 values past a plane's end.
        int size = planes * hp * wp + g.kw();
        float[] xp = PADDED.get();
        if (xp.length < size) {
            xp = new float[size];
            PADDED.set(xp);
        }
        java.util.Arrays.fill(xp, 0, size, 0f);
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h; y++) System.arraycopy(x, (p * h + y) * w, xp, (p * hp + y + ph) * wp + pw, w);
        }
        return new Planes(xp, hp, wp);
    }

    /** y[n, co, oy, ox] = bias[co] + Σ_{ci,i,j} w[co, ci, i, j] · x[n, ci, oy + i, ox + j]. */
    static void forward(ConvGeometry g, float[] input, float[] w, float[] bias, float[] y, WorkerPool pool) {
        Planes in = planes(g, input, false);
        float[] x = in.x();
        int cin = g.cin(), h = in.h(), wd = in.w(), kh = g.kh(), kw = g.kw(), oh = g.oh(), ow = g.ow(), cout = g.cout();
        int rows = g.n() * oh, taps = cin * kh * kw;
        int[] offsets = tapOffsets(cin, kh, kw, h * wd, wd);
        float[] wq = interleaved(w, cout, taps), b = new float[MAX_COUT];
        if (bias != null) System.arraycopy(bias, 0, b, 0, cout);
        pool.forRange(rows, 4, (r0, r1) -> {
            float[] out = new float[2 * MAX_COUT * L];
            for (int r = r0; r < r1; r++) {
                int oy = r % oh, n = r / oh, xBase = n * cin * h * wd;
                // Vector segments of the output row, two at a time while two fit; a last single one (computed twice
                // by the same kernel, kept once) is shifted left to end at the row's end (it recomputes a few outputs,
                // which is harmless) so no scalar tail is needed. A row narrower than a vector is one segment, of
                // which the row's outputs are kept.
                for (int ox0 = 0; ox0 < ow; ) {
                    boolean two = ox0 + 2 * L <= ow;
                    int ox = two ? ox0 : Math.max(0, Math.min(ox0, ow - L)), kept = two ? 2 * L : Math.min(L, ow);
                    segments(x, xBase + oy * wd + ox, two ? L : 0, offsets, wq, b, out);
                    for (int co = 0; co < cout; co++) System.arraycopy(out, co * 2 * L, y, ((n * cout + co) * oh + oy) * ow + ox, kept);
                    ox0 += two ? 2 * L : L;
                }
            }
        });
    }

    /**
     * Two vectors of outputs of every channel, from xOff and from xOff + second (L: adjacent; 0: the same one twice,
     * for a single segment): out[co·2L ..] = b[co] + Σ_t wq[t·4 + co] · x[xOff + offsets[t] ..] and out[co·2L + L ..]
     * likewise, where t runs over (ci, i, j) and offsets[t] = ci·plane + i·wd + j. Each tap's four weights, broadcast
     * once, serve both: per tap two loads of x and four of weights for eight multiply-adds. One flat loop with its
     * accumulators on purpose: JDK 17's JIT keeps vector accumulators in registers across a single loop, but carried
     * through nested loops it allocated an object per step.
     */
    private static void segments(float[] x, int xOff, int second, int[] offsets, float[] wq, float[] b, float[] out) {
        FloatVector a0 = FloatVector.broadcast(S, b[0]), a1 = FloatVector.broadcast(S, b[1]);
        FloatVector a2 = FloatVector.broadcast(S, b[2]), a3 = FloatVector.broadcast(S, b[3]);
        FloatVector c0 = a0, c1 = a1, c2 = a2, c3 = a3;
        for (int t = 0; t < offsets.length; t++) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + offsets[t]), u = FloatVector.fromArray(S, x, xOff + offsets[t] + second);
            int q = t * MAX_COUT;
            FloatVector w0 = FloatVector.broadcast(S, wq[q]), w1 = FloatVector.broadcast(S, wq[q + 1]);
            FloatVector w2 = FloatVector.broadcast(S, wq[q + 2]), w3 = FloatVector.broadcast(S, wq[q + 3]);
            a0 = v.fma(w0, a0);
            c0 = u.fma(w0, c0);
            a1 = v.fma(w1, a1);
            c1 = u.fma(w1, c1);
            a2 = v.fma(w2, a2);
            c2 = u.fma(w2, c2);
            a3 = v.fma(w3, a3);
            c3 = u.fma(w3, c3);
        }
        a0.intoArray(out, 0);
        c0.intoArray(out, L);
        a1.intoArray(out, 2 * L);
        c1.intoArray(out, 3 * L);
        a2.intoArray(out, 4 * L);
        c2.intoArray(out, 5 * L);
        a3.intoArray(out, 6 * L);
        c3.intoArray(out, 7 * L);
    }

    /** wq[t·4 + co] = w[co·taps + t], zero for the channels past cout: the four weights of one tap side by side. */
    private static float[] interleaved(float[] w, int cout, int taps) {
        float[] wq = new float[taps * MAX_COUT];
        for (int co = 0; co < cout; co++) for (int t = 0; t < taps; t++) wq[t * MAX_COUT + co] = w[co * taps + t];
        return wq;
    }

    /** offsets[(ci·kh + i)·kw + j] = ci·plane + i·wd + j. */
    private static int[] tapOffsets(int cin, int kh, int kw, int plane, int wd) {
        int[] o = new int[cin * kh * kw];
        for (int ci = 0; ci < cin; ci++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++) o[(ci * kh + i) * kw + j] = ci * plane + i * wd + j;
        return o;
    }

    /**
     * dw[co, ci, i, j] = Σ_{n, oy, ox} dy[n, co, oy, ox] · x[n, ci, oy + i, ox + j].
     *
     * <p>Output rows that are not whole vectors (PatchGAN's last layer: 14 wide at 128 px, 30 at 256) would leave all
     * or part of each row to the scalar tail. There dy is first widened to rows as long as the padded input's, zeros
     * past ow: then each tap's sum is one flat dot product of two contiguous runs, the widened dy and the input from
     * the tap's corner, in which the zeros drop the input's values between the window's rows.
     */
    static void backwardWeight(ConvGeometry g, float[] input, float[] dy, float[] dw, WorkerPool pool) {
        boolean flat = g.ow() % L != 0;
        Planes in = planes(g, input, flat);
        float[] x = in.x();
        int cin = g.cin(), h = in.h(), wd = in.w(), kh = g.kh(), kw = g.kw(), cout = g.cout();
        float[] dyRows = flat ? widened(dy, g.n() * cout, g.oh(), g.ow(), wd) : dy;
        int oh = flat ? 1 : g.oh(), ow = flat ? g.oh() * wd : g.ow(), rowStride = flat ? ow : wd;
        int vecEnd = ow / L * L;
        pool.forRange(cin, 1, (c0, c1) -> {
            double[] sum = new double[2 * MAX_COUT], part = new double[2 * MAX_COUT];
            int[] dyOff = new int[MAX_COUT];
            for (int ci = c0; ci < c1; ci++) {
                for (int i = 0; i < kh; i++) {
                    // Two taps of a kernel row at a time (the last one twice where kw is odd): they read the same dy.
                    for (int j = 0; j < kw; j += 2) {
                        int taps = Math.min(2, kw - j);
                        java.util.Arrays.fill(sum, 0);
                        for (int n = 0; n < g.n(); n++) {
                            // Channels past cout read channel 0's gradient again; their sums are dropped.
                            for (int co = 0; co < MAX_COUT; co++) dyOff[co] = (n * cout + (co < cout ? co : 0)) * oh * ow;
                            int xOff = (n * cin + ci) * h * wd + i * wd + j;
                            correlate(dyRows, dyOff, x, xOff, taps - 1, oh, ow, rowStride, vecEnd, part);
                            for (int t = 0; t < taps * MAX_COUT; t++) sum[t] += part[t];
                        }
                        for (int t = 0; t < taps; t++) {
                            for (int co = 0; co < cout; co++) dw[((co * cin + ci) * kh + i) * kw + j + t] = (float) sum[t * MAX_COUT + co];
                        }
                    }
                }
            }
        });
    }

    /** dy's planes (count of them, oh × ow) with rows widened to wd by zeros. */
    private static float[] widened(float[] dy, int count, int oh, int ow, int wd) {
        float[] out = new float[count * oh * wd];
        for (int p = 0; p < count; p++) {
            for (int oy = 0; oy < oh; oy++) System.arraycopy(dy, (p * oh + oy) * ow, out, (p * oh + oy) * wd, ow);
        }
        return out;
    }

    /**
     * out[co] = Σ_{oy, ox} dy[dyOff[co] + oy·ow + ox] · x[xOff + oy·wd + ox] for four output channels at once, and
     * out[4 + co] the same from xOff + second (1: the next tap of the kernel row; 0: the same tap again, for a last
     * single one): each dy vector, loaded once, feeds both taps, and each x vector the four channels. The vector part
     * is one flat loop over all row segments (row changes are integer bookkeeping only), for the same reason as
     * {@link #segments}.
     */
    private static void correlate(float[] dy, int[] dyOff, float[] x, int xOff, int second, int oh, int ow, int wd, int vecEnd, double[] out) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int steps = oh * (vecEnd / L);
        int d0 = dyOff[0], d1 = dyOff[1], d2 = dyOff[2], d3 = dyOff[3], row = 0, xr = xOff, ox = 0;
        for (int s = 0; s < steps; s++) {
            FloatVector v = FloatVector.fromArray(S, x, xr + ox), u = FloatVector.fromArray(S, x, xr + ox + second);
            FloatVector e0 = FloatVector.fromArray(S, dy, d0 + row + ox), e1 = FloatVector.fromArray(S, dy, d1 + row + ox);
            FloatVector e2 = FloatVector.fromArray(S, dy, d2 + row + ox), e3 = FloatVector.fromArray(S, dy, d3 + row + ox);
            a0 = e0.fma(v, a0);
            b0 = e0.fma(u, b0);
            a1 = e1.fma(v, a1);
            b1 = e1.fma(u, b1);
            a2 = e2.fma(v, a2);
            b2 = e2.fma(u, b2);
            a3 = e3.fma(v, a3);
            b3 = e3.fma(u, b3);
            ox += L;
            if (ox == vecEnd) {
                ox = 0;
                row += ow;
                xr += wd;
            }
        }
        // Reduced one by one, not through an array: a vector stored in an object is boxed, and the JIT then boxes the
        // accumulators in the loop too.
        out[0] = a0.reduceLanes(VectorOperators.ADD);
        out[1] = a1.reduceLanes(VectorOperators.ADD);
        out[2] = a2.reduceLanes(VectorOperators.ADD);
        out[3] = a3.reduceLanes(VectorOperators.ADD);
        out[4] = b0.reduceLanes(VectorOperators.ADD);
        out[5] = b1.reduceLanes(VectorOperators.ADD);
        out[6] = b2.reduceLanes(VectorOperators.ADD);
        out[7] = b3.reduceLanes(VectorOperators.ADD);
        if (vecEnd == ow) return;
        for (int t = 0; t < 2; t++) {
            for (int co = 0; co < MAX_COUT; co++) {
                double tail = 0;
                for (int oy = 0; oy < oh; oy++) {
                    for (int c = vecEnd; c < ow; c++) tail += (double) dy[dyOff[co] + oy * ow + c] * x[xOff + t * second + oy * wd + c];
                }
                out[t * MAX_COUT + co] += tail;
            }
        }
    }
}
