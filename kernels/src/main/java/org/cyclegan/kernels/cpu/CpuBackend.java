package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.MemoryScope;
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
 * The fast CPU backend: Vector API SIMD kernels and a fixed pool of worker threads ({@link WorkerPool}).
 *
 * <p>This class only turns tensors into host arrays (taken from a pool of released ones) and shapes into sizes, and
 * picks the kernel for a shape; each kernel family lives in its own class: {@link ElementwiseKernels},
 * {@link ReductionKernels}, {@link Gemm} (matrix products), {@link ConvKernels} (convolutions), {@link PadKernels},
 * {@link NormKernels}, {@link OptimizerKernels}. Every kernel call but SGD (and the memory operations) is profiled by {@link KernelTimer}. Shapes that CycleGAN
 * never produces (general broadcasting, reductions over unusual axes, concat, slice) and SGD use the reference
 * backend's loops on the same host arrays: they are correct by construction and not on the hot path.
 */
public final class CpuBackend implements Backend {
    private static final int[] PER_CHANNEL_AXES = {0, 2, 3}, PER_PLANE_AXES = {2, 3};

    private final WorkerPool pool;
    private final ReferenceBackend generic = new ReferenceBackend();
    private final KernelTimer timer = new KernelTimer();
    /** Arrays released by memory scopes, reused by later kernels (up to 8 GB or half the heap, whichever is less). */
    private final HostBufferPool buffers;
    /** Largest data-gradient im2col band (and Winograd band of tiles), in floats. */
    private final int colBudget;
    /** Which stride-1 3×3 convolutions are Winograd convolutions. */
    private final WinogradChoice winograd;

    /** A backend on {@code threads} threads; its Winograd choice is the system property {@value WinogradChoice#PROPERTY}'s. */
    public CpuBackend(int threads) {
        this(threads, false, ConvKernels.COL_BUDGET, WinogradChoice.fromSystemProperty());
    }

    private CpuBackend(int threads, boolean poison, int colBudget, WinogradChoice winograd) {
        this.pool = new WorkerPool(threads);
        this.buffers = new HostBufferPool(Runtime.getRuntime().maxMemory(), poison);   // it empties itself when the heap needs the room
        this.colBudget = colBudget;
        this.winograd = winograd;
    }

    /**
     * A backend for tests: every array it hands out is first filled with NaN (so a kernel that leaves any output
     * element unwritten is caught), and the data-gradient im2col bands and the Winograd convolution's bands of tiles
     * hold at most {@code colBudgetFloats}, so small test shapes exercise the banded paths.
     */
    public static CpuBackend forTesting(int threads, int colBudgetFloats) {
        return new CpuBackend(threads, true, colBudgetFloats, WinogradChoice.fromSystemProperty());
    }

    /**
     * The same with the Winograd choice given: {@code auto}, {@code off}, {@code f2} or {@code f4}, as the system
     * property {@value WinogradChoice#PROPERTY} takes.
     */
    public static CpuBackend forTesting(int threads, int colBudgetFloats, String winograd) {
        return new CpuBackend(threads, true, colBudgetFloats, WinogradChoice.parse(winograd));
    }

    /**
     * A backend on {@code threads} threads with the Winograd choice given ({@code auto}, {@code off}, {@code f2},
     * {@code f4}): for benchmarks that compare them in one JVM.
     */
    public static CpuBackend withWinograd(int threads, String winograd) {
        return new CpuBackend(threads, false, ConvKernels.COL_BUDGET, WinogradChoice.parse(winograd));
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
        return "cpu (Vector API " + VectorWidth.SPECIES.vectorBitSize() + "-bit SIMD" + (VectorWidth.emulated() ? ", EMULATED: wider than this CPU's vectors, slow" : "")
                + ", " + pool.threads() + " thread" + (pool.threads() == 1 ? "" : "s") + ")";
    }

    @Override
    public void setProfile(KernelProfile profile) {
        timer.setProfile(profile);
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

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return timer.time("unary.", op, x.numel(), () -> {
            float[] in = data(x), out = take(in.length);
            ElementwiseKernels.unary(op, in, out, pool);
            return make(out, x.shape());
        });
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        return timer.time("leaky_relu", x.numel(), () -> {
            float[] in = data(x), out = take(in.length);
            ElementwiseKernels.leakyRelu(in, slope, out, pool);
            return make(out, x.shape());
        });
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return timer.time("binary.", op, Math.max(a.numel(), b.numel()), () -> {
            int[] as = a.shape(), bs = b.shape();
            if (Arrays.equals(as, bs)) {
                float[] x = data(a), y = data(b), out = take(x.length);
                ElementwiseKernels.binary(op, x, y, out, pool);
                return make(out, as);
            }
            if (b.numel() == 1 && Shape.broadcast("binary", as, bs).length == as.length) {
                return binaryScalar(op, a, data(b)[0]);
            }
            if (as.length == 4 && isPerChannel(bs, as[1])) {
                float[] x = data(a), out = take(x.length);
                ElementwiseKernels.perChannel(op, x, data(b), out, as[0], as[1], as[2] * as[3], pool);
                return make(out, as);
            }
            return adopt(generic.binary(op, a, b));
        });
    }

    /** True for a shape that holds one value per channel of a 4-D tensor: [1, C, 1, 1] or [C, 1, 1]. */
    private static boolean isPerChannel(int[] s, int c) {
        return (s.length == 4 && s[0] == 1 && s[1] == c && s[2] == 1 && s[3] == 1)
                || (s.length == 3 && s[0] == c && s[1] == 1 && s[2] == 1);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        return timer.time("binary_scalar.", op, a.numel(), () -> {
            float[] x = data(a), out = take(x.length);
            ElementwiseKernels.scalar(op, x, s, out, pool);
            return make(out, a.shape());
        });
    }

    // ---- shape and reduction ------------------------------------------------------------------------------

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        return timer.time("sum", x.numel(), () -> {
            int[] shape = x.shape();
            int[] outShape = shape.clone();
            for (int a : axes) outShape[a] = 1;
            float[] in = data(x);
            if (axes.length == shape.length) {
                return make(new float[] {ReductionKernels.sumAll(in, pool)}, outShape);
            }
            if (shape.length == 4 && (Arrays.equals(axes, PER_CHANNEL_AXES) || Arrays.equals(axes, PER_PLANE_AXES))) {
                boolean perChannel = axes.length == 3;
                int n = shape[0], c = shape[1];
                float[] out = new float[perChannel ? c : n * c];
                ReductionKernels.sumPlanes(in, n, c, shape[2] * shape[3], perChannel, out, pool);
                return make(out, outShape);
            }
            return adopt(generic.sum(x, axes));
        });
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        return timer.time("broadcast_to", 0, () -> {
            if (x.numel() == 1) return full(shape, data(x)[0]);
            if (shape.length == 4 && isPerChannel(x.shape(), shape[1])) {
                float[] out = take(Shape.numel(shape));
                ElementwiseKernels.broadcastPerChannel(data(x), out, shape[0], shape[1], shape[2] * shape[3]);
                return make(out, shape);
            }
            return adopt(generic.broadcastTo(x, shape));
        });
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        return timer.time("concat", 0, () -> adopt(generic.concat(xs, axis)));
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int length) {
        return timer.time("slice", 0, () -> adopt(generic.slice(x, axis, start, length)));
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1), n = tb ? b.dim(0) : b.dim(1);
        return timer.time("matmul", 2.0 * a.numel() * n, () -> {
            float[] out = take(m * n);
            Gemm.gemm(m, n, k, data(a), 0, a.dim(1), ta, data(b), 0, b.dim(1), tb, out, 0, n, false, pool);
            return make(out, m, n);
        });
    }

    /*
     * Reflection padding. The forward pass and the weight gradient read x's border through the reflection where they
     * read x (ConvPacker, WinogradConv's layout pass); only the direct kernels of few-output layers
     * (ConvGeometry.hasFewOutputs: the generator's last layer) read whole padded planes, so for them x is padded
     * explicitly into a tensor that lives for the call. The data gradient is the padded image's, folded back.
     */

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), s);
        if (s.reflects() && g.hasFewOutputs()) return onReflectedCopy(x, s, padded -> conv2d(padded, w, bias, s.unpadded()));
        return timer.timeConv("conv2d.forward", g, () -> {
            float[] y = take(g.n() * g.cout() * g.oh() * g.ow());
            ConvKernels.forward(g, data(x), data(w), bias == null ? null : data(bias), y, colBudget, winograd, pool);
            return make(y, g.n(), g.cout(), g.oh(), g.ow());
        });
    }

    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        ConvGeometry g = ConvGeometry.ofGradient(xShape, w.shape(), dy.shape(), s);
        return timer.timeConv("conv2d.backward_data", g, () -> {
            float[] dx = take(Shape.numel(xShape));
            Tensor result = make(dx, xShape);
            if (s.reflects()) {
                // The gradient of the padded image (a convolution without padding), its border folded back onto the
                // rows and columns it mirrors, as reflection_pad2d's backward: the padded gradient lives only for
                // this call (a pooled array, a storage of the memory scope like any other, so that it is counted).
                ConvGeometry padded = g.onPaddedInput();
                Tensor dxPadded = make(take(g.n() * g.cin() * padded.h() * padded.w()), g.n(), g.cin(), padded.h(), padded.w());
                ConvKernels.backwardData(padded, data(dy), data(w), data(dxPadded), colBudget, winograd, pool);
                PadKernels.backward(data(dxPadded), dx, g.n() * g.cin(), g.h(), g.w(), s.padding(), Padding.Mode.REFLECT, pool);
                MemoryScope.done(dxPadded);
            } else {
                ConvKernels.backwardData(g, data(dy), data(w), dx, colBudget, winograd, pool);
            }
            return result;
        });
    }

    /** {@code unpadded} applied to x padded by the spec's reflection, a copy that lives for the call (the direct kernels read padded planes). */
    private Tensor onReflectedCopy(Tensor x, ConvSpec s, java.util.function.UnaryOperator<Tensor> unpadded) {
        Tensor padded = pad2d(x, s.padding(), Padding.Mode.REFLECT);
        Tensor out = unpadded.apply(padded);
        MemoryScope.done(padded);
        return out;
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        ConvGeometry g = ConvGeometry.ofGradient(x.shape(), wShape, dy.shape(), s);
        if (s.reflects() && g.hasFewOutputs()) return onReflectedCopy(x, s, padded -> conv2dBackwardWeight(padded, dy, wShape, s.unpadded()));
        return timer.timeConv("conv2d.backward_weight", g, () -> {
            float[] dw = take(Shape.numel(wShape));
            ConvKernels.backwardWeight(g, data(x), data(dy), dw, colBudget, winograd, pool);
            return make(dw, wShape);
        });
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        return timer.time("pad2d.", mode, 0, () -> {
            int h = x.dim(2), w = x.dim(3);
            int[] shape = {x.dim(0), x.dim(1), h + p.top() + p.bottom(), w + p.left() + p.right()};
            float[] y = take(Shape.numel(shape));
            PadKernels.forward(data(x), y, x.dim(0) * x.dim(1), h, w, p, mode, pool);
            return make(y, shape);
        });
    }

    @Override
    public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding p, Padding.Mode mode) {
        return timer.time("pad2d_backward.", mode, 0, () -> {
            float[] dx = take(Shape.numel(xShape));
            PadKernels.backward(data(dy), dx, xShape[0] * xShape[1], xShape[2], xShape[3], p, mode, pool);
            return make(dx, xShape);
        });
    }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        return timer.time("normalize", 5.0 * x.numel(), () -> {
            int[] shape = x.shape();
            int n = shape[0], c = shape[1];
            int groups = perInstance ? n * c : c;
            float[] in = data(x), out = take(in.length);
            float[] mean = new float[groups], var = new float[groups], invStd = new float[groups];
            NormKernels.forward(in, out, mean, var, invStd, n, c, shape[2] * shape[3], perInstance, eps, pool);
            int[] statShape = perInstance ? new int[] {n, c} : new int[] {c};
            return new NormResult(make(out, shape), make(mean, statShape), make(var, statShape), make(invStd, statShape));
        });
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        return timer.time("normalize_backward", 6.0 * dy.numel(), () -> {
            int[] shape = dy.shape();
            float[] out = take(dy.numel());
            NormKernels.backward(data(dy), data(xhat), data(invStd), out, shape[0], shape[1], shape[2] * shape[3], perInstance, pool);
            return make(out, shape);
        });
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        timer.timeInPlace("adam", 10.0 * param.numel(), () -> OptimizerKernels.adam(data(param), data(grad), data(m), data(v),
                beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, pool));
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        generic.sgdUpdate(param, grad, buf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }
}
