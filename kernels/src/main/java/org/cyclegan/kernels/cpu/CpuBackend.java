package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.HostBufferPool;
import org.cyclegan.engine.backend.HostStorage;
import org.cyclegan.engine.backend.KernelProfile;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.reference.ReferenceBackend;

/**
 * The fast CPU backend: Vector API SIMD kernels and a fixed pool of worker threads.
 *
 * <p>Convolutions and matrix products go through {@link Gemm} (register-blocked, packed panels) via {@link CpuConv};
 * the element-wise, normalization and optimizer kernels are vectorized loops split across the workers. Shapes that
 * CycleGAN never produces (general broadcasting, reductions over unusual axes, concat, slice) use the reference
 * backend's loops on the same host arrays: they are correct by construction and not on the hot path.
 */
public final class CpuBackend implements Backend {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    /** Below this many elements an element-wise kernel runs on the calling thread only. */
    private static final int PARALLEL_MIN = 1 << 15;

    private final WorkerPool pool;
    private final ReferenceBackend generic = new ReferenceBackend();
    private volatile KernelProfile profile;
    /** Arrays released by memory scopes, reused by later kernels (up to 8 GB or half the heap, whichever is less). */
    private final HostBufferPool buffers;
    /** Largest data-gradient im2col band, in floats. */
    private final int colBudget;

    public CpuBackend(int threads) {
        this(threads, false, CpuConv.COL_BUDGET);
    }

    private CpuBackend(int threads, boolean poison, int colBudget) {
        this.pool = new WorkerPool(threads);
        this.buffers = new HostBufferPool(Runtime.getRuntime().maxMemory(), poison);   // it empties itself when the heap needs the room
        this.colBudget = colBudget;
    }

    /**
     * A backend for tests: every array it hands out is first filled with NaN (so a kernel that leaves any output
     * element unwritten is caught), and the data-gradient im2col bands hold at most {@code colBudgetFloats}, so small
     * test shapes exercise the banded path.
     */
    public static CpuBackend forTesting(int threads, int colBudgetFloats) {
        return new CpuBackend(threads, true, colBudgetFloats);
    }

    @Override
    public void close() {
        pool.close();
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu (Vector API " + S.vectorBitSize() + "-bit SIMD" + (VectorWidth.emulated() ? ", EMULATED: wider than this CPU's vectors, slow" : "")
                + ", " + pool.threads() + " thread" + (pool.threads() == 1 ? "" : "s") + ")";
    }

    @Override
    public void setProfile(KernelProfile profile) {
        this.profile = profile;
    }

    /** Start time for {@link #record}, or 0 when not profiling. */
    private long tick() {
        return profile == null ? 0 : System.nanoTime();
    }

    private void record(String kernel, long start, double flops) {
        KernelProfile p = profile;
        if (p != null) p.add(kernel, System.nanoTime() - start, flops);
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private static float[] data(Tensor t) {
        return ((HostStorage) t.storage()).array();
    }

    /** Wraps an array from {@link #take} (or a new one) as a tensor whose memory returns to this backend's pool. */
    private Tensor make(float[] values, int... shape) {
        return Tensor.wrap(this, new HostStorage(values, buffers), shape);
    }

    /** An array of n floats from the pool; its old contents remain, so the caller must write every element. */
    private float[] take(int n) {
        return buffers.take(n);
    }

    /** Re-homes a result computed by the reference loops (same host storage) onto this backend. */
    private Tensor adopt(Tensor t) {
        return Tensor.wrap(this, t.storage(), t.shape());
    }

    @Override
    public Storage allocate(int size) {
        float[] a = take(size);
        Arrays.fill(a, 0f);
        return new HostStorage(a, buffers);
    }

    @Override
    public Storage upload(float[] values) {
        float[] a = take(values.length);
        System.arraycopy(values, 0, a, 0, values.length);
        return new HostStorage(a, buffers);
    }

    @Override
    public float[] download(Storage storage) {
        return generic.download(storage);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        generic.copy(src, dst);
    }

    @Override
    public Tensor full(int[] shape, float value) {
        float[] v = take(Shape.numel(shape));
        Arrays.fill(v, value);
        return make(v, shape);
    }

    /** Runs body over [0, n) in vector-aligned ranges, on all workers when n is large. */
    private void ranges(int n, WorkerPool.RangeBody body) {
        if (n < PARALLEL_MIN) {
            body.run(0, n);
            return;
        }
        int chunks = pool.threads();
        int per = ((n + chunks - 1) / chunks + S.length() - 1) / S.length() * S.length();
        pool.forEach(chunks, c -> {
            int s = c * per, e = Math.min(n, s + per);
            if (s < e) body.run(s, e);
        });
    }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        long t0 = tick();
        try {
            float[] in = data(x);
            float[] out = take(in.length);
            ranges(in.length, (s, e) -> ElementwiseLoops.unary(op, in, out, s, e));
            return make(out, x.shape());
        } finally {
            record("unary." + op, t0, x.numel());
        }
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        long t0 = tick();
        try {
            float[] in = data(x);
            float[] out = take(in.length);
            ranges(in.length, (s, e) -> ElementwiseLoops.leakyRelu(in, slope, out, s, e));
            return make(out, x.shape());
        } finally {
            record("leaky_relu", t0, x.numel());
        }
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        long t0 = tick();
        try {
            int[] as = a.shape(), bs = b.shape();
            if (Arrays.equals(as, bs)) {
                float[] x = data(a), y = data(b), out = take(x.length);
                ranges(x.length, (s, e) -> ElementwiseLoops.binary(op, x, y, out, s, e));
                return make(out, as);
            }
            if (b.numel() == 1 && Shape.broadcast("binary", as, bs).length == as.length) {
                return binaryScalar(op, a, data(b)[0]);
            }
            if (as.length == 4 && isPerChannel(bs, as[1])) {
                return perChannel(op, a, data(b));
            }
            return adopt(generic.binary(op, a, b));
        } finally {
            record("binary." + op, t0, Math.max(a.numel(), b.numel()));
        }
    }

    /** True for a shape that holds one value per channel of a 4-D tensor: [1, C, 1, 1] or [C, 1, 1]. */
    private static boolean isPerChannel(int[] s, int c) {
        return (s.length == 4 && s[0] == 1 && s[1] == c && s[2] == 1 && s[3] == 1)
                || (s.length == 3 && s[0] == c && s[1] == 1 && s[2] == 1);
    }

    private Tensor perChannel(BinaryOp op, Tensor a, float[] perC) {
        int[] shape = a.shape();
        int c = shape[1], plane = shape[2] * shape[3], planes = shape[0] * c;
        float[] x = data(a), out = take(x.length);
        pool.forRange(planes, Math.max(1, PARALLEL_MIN / Math.max(1, plane)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                ElementwiseLoops.scalar(op, x, perC[p % c], out, p * plane, (p + 1) * plane);
            }
        });
        return make(out, shape);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        long t0 = tick();
        try {
            float[] x = data(a), out = take(x.length);
            ranges(x.length, (lo, hi) -> ElementwiseLoops.scalar(op, x, s, out, lo, hi));
            return make(out, a.shape());
        } finally {
            record("binary_scalar." + op, t0, a.numel());
        }
    }

    // ---- shape and reduction ------------------------------------------------------------------------------

    /** Sum of x[s, e) with vector partial sums, combined in double. */
    private static double sumRange(float[] x, int s, int e) {
        FloatVector acc = FloatVector.zero(S);
        int i = s;
        for (; i <= e - S.length(); i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, i));
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += acc.lane(l);
        for (; i < e; i++) total += x[i];
        return total;
    }

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        long t0 = tick();
        try {
            int[] shape = x.shape();
            int[] outShape = shape.clone();
            for (int a : axes) outShape[a] = 1;
            float[] in = data(x);
            if (axes.length == shape.length) {
                double[] parts = new double[pool.threads()];
                int per = (in.length + parts.length - 1) / parts.length;
                if (in.length < PARALLEL_MIN) parts[0] = sumRange(in, 0, in.length);
                else pool.forEach(parts.length, t -> parts[t] = sumRange(in, Math.min(in.length, t * per), Math.min(in.length, (t + 1) * per)));
                double total = 0;
                for (double p : parts) total += p;
                return make(new float[] {(float) total}, outShape);
            }
            if (shape.length == 4 && (Arrays.equals(axes, new int[] {0, 2, 3}) || Arrays.equals(axes, new int[] {2, 3}))) {
                boolean perChannel = axes.length == 3;
                int n = shape[0], c = shape[1], plane = shape[2] * shape[3];
                double[] planeSums = new double[n * c];
                pool.forRange(n * c, Math.max(1, PARALLEL_MIN / Math.max(1, plane)), (p0, p1) -> {
                    for (int p = p0; p < p1; p++) planeSums[p] = sumRange(in, p * plane, (p + 1) * plane);
                });
                float[] out = new float[perChannel ? c : n * c];
                if (perChannel) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int b = 0; b < n; b++) s += planeSums[b * c + ch];
                        out[ch] = (float) s;
                    }
                } else {
                    for (int i = 0; i < out.length; i++) out[i] = (float) planeSums[i];
                }
                return make(out, outShape);
            }
            return adopt(generic.sum(x, axes));
        } finally {
            record("sum", t0, x.numel());
        }
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        long t0 = tick();
        try {
            if (x.numel() == 1) return full(shape, data(x)[0]);
            if (shape.length == 4 && isPerChannel(x.shape(), shape[1])) {
                float[] perC = data(x);
                int c = shape[1], plane = shape[2] * shape[3];
                float[] out = take(Shape.numel(shape));
                for (int p = 0; p < shape[0] * c; p++) Arrays.fill(out, p * plane, (p + 1) * plane, perC[p % c]);
                return make(out, shape);
            }
            return adopt(generic.broadcastTo(x, shape));
        } finally {
            record("broadcast_to", t0, 0);
        }
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        long t0 = tick();
        try {
            return adopt(generic.concat(xs, axis));
        } finally {
            record("concat", t0, 0);
        }
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int length) {
        long t0 = tick();
        try {
            return adopt(generic.slice(x, axis, start, length));
        } finally {
            record("slice", t0, 0);
        }
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        long t0 = tick();
        try {
            int m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1), n = tb ? b.dim(0) : b.dim(1);
            float[] out = take(m * n);
            Gemm.gemm(m, n, k, data(a), 0, a.dim(1), ta, data(b), 0, b.dim(1), tb, out, 0, n, false, pool);
            return make(out, m, n);
        } finally {
            record("matmul", t0, 2.0 * a.numel() * (tb ? b.dim(0) : b.dim(1)));
        }
    }

    /** "cout←cin kxk/s on HxW", for the per-shape profile. */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        long t0 = tick();
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), s);
        try {
            float[] y = take(g.n() * g.cout() * g.oh() * g.ow());
            CpuConv.forward(g, data(x), data(w), bias == null ? null : data(bias), y, pool);
            return make(y, g.n(), g.cout(), g.oh(), g.ow());
        } finally {
            record(profile == null ? null : "conv2d.forward " + g.profileKey(), t0, g.flops());
        }
    }

    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        long t0 = tick();
        ConvGeometry g = ConvGeometry.ofGradient(xShape, w.shape(), dy.shape(), s);
        try {
            float[] dx = take(Shape.numel(xShape));
            CpuConv.backwardData(g, data(dy), data(w), dx, colBudget, pool);
            return make(dx, xShape);
        } finally {
            record(profile == null ? null : "conv2d.backward_data " + g.profileKey(), t0, g.flops());
        }
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        long t0 = tick();
        ConvGeometry g = ConvGeometry.ofGradient(x.shape(), wShape, dy.shape(), s);
        try {
            float[] dw = take(Shape.numel(wShape));
            CpuConv.backwardWeight(g, data(x), data(dy), dw, pool);
            return make(dw, wShape);
        } finally {
            record(profile == null ? null : "conv2d.backward_weight " + g.profileKey(), t0, g.flops());
        }
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        long t0 = tick();
        try {
            int h = x.dim(2), w = x.dim(3);
            int[] shape = {x.dim(0), x.dim(1), h + p.top() + p.bottom(), w + p.left() + p.right()};
            float[] y = take(Shape.numel(shape));
            Pad.forward(data(x), y, x.dim(0) * x.dim(1), h, w, p, mode, pool);
            return make(y, shape);
        } finally {
            record("pad2d." + mode, t0, 0);
        }
    }

    @Override
    public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding p, Padding.Mode mode) {
        long t0 = tick();
        try {
            float[] dx = take(Shape.numel(xShape));
            Pad.backward(data(dy), dx, xShape[0] * xShape[1], xShape[2], xShape[3], p, mode, pool);
            return make(dx, xShape);
        } finally {
            record("pad2d_backward." + mode, t0, 0);
        }
    }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        long t0 = tick();
        try {
            int[] shape = x.shape();
            int n = shape[0], c = shape[1], plane = shape[2] * shape[3];
            int groups = perInstance ? n * c : c;
            int planesPerGroup = perInstance ? 1 : n;
            float[] in = data(x), out = take(in.length);
            float[] mean = new float[groups], var = new float[groups], invStd = new float[groups];
            long m = (long) planesPerGroup * plane;
            pool.forRange(groups, Math.max(1, PARALLEL_MIN / Math.max(1, plane * planesPerGroup)), (g0, g1) -> {
                for (int g = g0; g < g1; g++) {
                    double s = 0;
                    for (int q = 0; q < planesPerGroup; q++) {
                        int off = planeOffset(perInstance, g, q, c, plane);
                        s += sumRange(in, off, off + plane);
                    }
                    float mu = (float) (s / m);
                    double v = 0;
                    for (int q = 0; q < planesPerGroup; q++) {
                        int off = planeOffset(perInstance, g, q, c, plane);
                        v += squaredDeviation(in, off, off + plane, mu);
                    }
                    v /= m;
                    float inv = (float) (1.0 / Math.sqrt(v + eps));
                    for (int q = 0; q < planesPerGroup; q++) {
                        int off = planeOffset(perInstance, g, q, c, plane);
                        scaleShift(in, out, off, off + plane, inv, -mu * inv);
                    }
                    mean[g] = mu;
                    var[g] = (float) v;
                    invStd[g] = inv;
                }
            });
            int[] statShape = perInstance ? new int[] {n, c} : new int[] {c};
            return new NormResult(make(out, shape), make(mean, statShape), make(var, statShape), make(invStd, statShape));
        } finally {
            record("normalize", t0, 5.0 * x.numel());
        }
    }

    /** Offset of the q-th plane of normalization group g. */
    private static int planeOffset(boolean perInstance, int g, int q, int c, int plane) {
        return perInstance ? g * plane : (q * c + g) * plane;
    }

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

    /** out = x·a + b over [s, e). */
    private static void scaleShift(float[] x, float[] out, int s, int e, float a, float b) {
        int i = s;
        for (; i <= e - S.length(); i += S.length()) FloatVector.fromArray(S, x, i).fma(a, b).intoArray(out, i);
        for (; i < e; i++) out[i] = x[i] * a + b;
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        long t0 = tick();
        try {
            int[] shape = dy.shape();
            int n = shape[0], c = shape[1], plane = shape[2] * shape[3];
            int groups = perInstance ? n * c : c;
            int planesPerGroup = perInstance ? 1 : n;
            float[] g = data(dy), xh = data(xhat), inv = data(invStd), out = take(g.length);
            long m = (long) planesPerGroup * plane;
            pool.forRange(groups, Math.max(1, PARALLEL_MIN / Math.max(1, plane * planesPerGroup)), (g0, g1) -> {
                for (int grp = g0; grp < g1; grp++) {
                    double sg = 0, sgx = 0;
                    for (int q = 0; q < planesPerGroup; q++) {
                        int off = planeOffset(perInstance, grp, q, c, plane);
                        sg += sumRange(g, off, off + plane);
                        sgx += dot(g, xh, off, off + plane);
                    }
                    float meanG = (float) (sg / m), meanGX = (float) (sgx / m), is = inv[grp];
                    for (int q = 0; q < planesPerGroup; q++) {
                        int off = planeOffset(perInstance, grp, q, c, plane);
                        int i = off, e = off + plane;
                        for (; i <= e - S.length(); i += S.length()) {
                            FloatVector gv = FloatVector.fromArray(S, g, i), xv = FloatVector.fromArray(S, xh, i);
                            gv.sub(meanG).sub(xv.mul(meanGX)).mul(is).intoArray(out, i);
                        }
                        for (; i < e; i++) out[i] = is * (g[i] - meanG - xh[i] * meanGX);
                    }
                }
            });
            return make(out, shape);
        } finally {
            record("normalize_backward", t0, 6.0 * dy.numel());
        }
    }

    private static double dot(float[] a, float[] b, int s, int e) {
        FloatVector acc = FloatVector.zero(S);
        int i = s;
        for (; i <= e - S.length(); i += S.length()) acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), acc);
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += acc.lane(l);
        for (; i < e; i++) total += (double) a[i] * b[i];
        return total;
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        long t0 = tick();
        try {
            float[] P = data(param), G = data(grad), M = data(m), V = data(v);
            float c1 = 1f - beta1, c2 = 1f - beta2, negStep = -stepSize;
            ranges(P.length, (s, e) -> {
                int i = s;
                for (; i <= e - S.length(); i += S.length()) {
                    FloatVector p = FloatVector.fromArray(S, P, i);
                    FloatVector g = FloatVector.fromArray(S, G, i);
                    g = g.add(p.mul(weightDecay));   // unconditional: a vector chosen at a branch would be boxed
                    FloatVector mv = FloatVector.fromArray(S, M, i).mul(beta1).add(g.mul(c1));
                    FloatVector vv = FloatVector.fromArray(S, V, i).mul(beta2).add(g.mul(c2).mul(g));
                    FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
                    mv.intoArray(M, i);
                    vv.intoArray(V, i);
                    p.add(mv.div(denom).mul(negStep)).intoArray(P, i);
                }
                for (; i < e; i++) {
                    float g = weightDecay != 0f ? G[i] + weightDecay * P[i] : G[i];
                    M[i] = M[i] * beta1 + g * c1;
                    V[i] = V[i] * beta2 + c2 * g * g;
                    float denom = (float) Math.sqrt(V[i]) / bc2Sqrt + eps;
                    P[i] = P[i] + negStep * (M[i] / denom);
                }
            });
        } finally {
            record("adam", t0, 10.0 * param.numel());
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        generic.sgdUpdate(param, grad, buf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }
}
