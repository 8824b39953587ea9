package org.cyclegan.kernels.opencl;

import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendException;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.KernelProfile;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;
import org.jocl.cl_mem;

/**
 * The OpenCL backend: every kernel of the {@link Backend} contract as OpenCL C 1.2 (the {@code .cl} resources beside
 * this class), on one device.
 *
 * <p>Tensors live in device buffers ({@link OpenClStorage}) from creation to release; kernels are queued on one
 * in-order queue and the host waits only when it reads values (losses, checkpoints, samples). This class only turns
 * tensors into buffers and shapes into sizes; each kernel family lives in its own class with its {@code .cl} file:
 * {@link ElementwiseKernels}, {@link ReductionKernels}, {@link ConvKernels} (matmul and convolutions), {@link NormKernels},
 * {@link PadKernels}, {@link OptimizerKernels}; {@link Transfers} moves data. They share the opened device
 * ({@link OpenClDevice}: context, queue, programs, buffer pool, {@link KernelLauncher}), and each takes its kernels
 * from its built program once, when the backend opens.
 */
public final class OpenClBackend implements Backend {
    private final OpenClDevice device;
    private final Transfers transfers;
    private final ElementwiseKernels elementwise;
    private final ReductionKernels reductions;
    private final ConvKernels conv;
    private final NormKernels norm;
    private final PadKernels pad;
    private final OptimizerKernels optim;
    private final boolean poison;

    /**
     * How the matrix-product kernels work (see GemmTiling): chosen from the device, or forced (tests run every kind).
     * {@code LOCAL_MEMORY_SMALL_DEVICE} is the GPU path with tiles sized as for a device allowing 64 work-items per group
     * and 8 KB of local memory, so tests on a large device also run the smaller tilings.
     */
    public enum Tiling { AUTO, LOCAL_MEMORY, LOCAL_MEMORY_SMALL_DEVICE, REGISTER }

    /**
     * Opens {@code device} and builds every program now, so that a driver that cannot build them fails here (where
     * {@code auto} can still fall back) and not in the middle of training.
     */
    public OpenClBackend(DeviceInfo device) {
        this(device, Tiling.AUTO, false);
    }

    /**
     * A backend for tests: the given tiling; every output buffer filled with NaN before a kernel writes it, so a kernel
     * that leaves an element unwritten fails the backend contract suite instead of passing on a stale value; and tiny lowering
     * bands, so small test shapes run the multi-band paths of the CPU-device convolutions.
     */
    public static OpenClBackend forTesting(DeviceInfo device, Tiling tiling) {
        return new OpenClBackend(device, tiling, true);
    }

    private OpenClBackend(DeviceInfo info, Tiling tiling, boolean poison) {
        this.device = new OpenClDevice(info);
        this.poison = poison;
        try {
            this.transfers = new Transfers(device);
            this.elementwise = new ElementwiseKernels(device);
            this.reductions = new ReductionKernels(device);
            this.conv = ConvKernels.create(device, reductions, transfers, switch (tiling) {
                case AUTO -> GemmTiling.strategyFor(info);
                case LOCAL_MEMORY, LOCAL_MEMORY_SMALL_DEVICE -> GemmTiling.Strategy.LOCAL;
                case REGISTER -> GemmTiling.Strategy.REGISTER;
            }, tiling == Tiling.LOCAL_MEMORY_SMALL_DEVICE ? info.withLimits(64, 8192) : info, poison);
            this.norm = new NormKernels(device);
            this.pad = new PadKernels(device);
            this.optim = new OptimizerKernels(device);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** The backend on the device {@code auto} and a plain {@code --device opencl} use: the first GPU, else the first device. */
    public static OpenClBackend onDefaultDevice() {
        return new OpenClBackend(OpenClBackendProvider.defaultDevice());
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        return "opencl (" + device.info.name() + ", " + device.info.type() + ", " + device.info.computeUnits() + " compute units; " + conv.describe() + ")";
    }

    public DeviceInfo device() {
        return device.info;
    }

    /** Device memory held by this backend: buffers in use by tensors and free ones kept in the pool. */
    public record MemoryStats(int liveBuffers, long liveBytes, int freeBuffers, long freeBytes, long buffersCreated) {}

    public MemoryStats memoryStats() {
        BufferPool.Stats s = device.pool.stats();
        return new MemoryStats(s.liveBuffers(), s.liveBytes(), s.freeBuffers(), s.freeBytes(), s.buffersCreated());
    }

    @Override
    public void setProfile(KernelProfile profile) {
        device.launcher.setProfile(profile);
    }

    @Override
    public void synchronize() {
        device.finish();
    }

    /** Waits for queued kernels, then releases programs, free buffers, the queue and the context. */
    @Override
    public void close() {
        device.close();
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private OpenClStorage newStorage(int size) {
        OpenClStorage s = new OpenClStorage(this, device.pool, size);
        if (poison) transfers.fill(s.mem(), size, Float.NaN);
        return s;
    }

    /** A new tensor of {@code shape} on this device; contents undefined until a kernel writes every element. */
    private Tensor output(int... shape) {
        return Tensor.wrap(this, newStorage(Shape.numel(shape)), shape);
    }

    /** The device buffer behind a tensor of this backend. */
    private cl_mem mem(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof OpenClStorage o) || o.owner() != this) {
            throw new IllegalArgumentException("opencl: tensor " + Shape.str(t.shape()) + " lives on backend '" + t.backend().name()
                    + "'" + (s instanceof OpenClStorage ? " (another OpenCL context)" : "") + "; move it with tensor.to(backend)");
        }
        return o.mem();
    }

    private static cl_mem mem(Storage s) {
        if (!(s instanceof OpenClStorage o)) throw new IllegalArgumentException("opencl: storage of another backend");
        return o.mem();
    }

    @Override
    public Storage allocate(int size) {
        OpenClStorage s = newStorage(size);
        transfers.fill(s.mem(), size, 0f);
        return s;
    }

    @Override
    public Storage upload(float[] data) {
        OpenClStorage s = newStorage(data.length);
        transfers.write(s.mem(), data);
        return s;
    }

    @Override
    public float[] download(Storage storage) {
        return transfers.read(mem(storage), storage.size());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.numel() != dst.numel()) throw new IllegalArgumentException("copy: " + src.numel() + " elements into " + dst.numel());
        transfers.copy(mem(src), mem(dst), src.numel());
    }

    @Override
    public Tensor full(int[] shape, float value) {
        Tensor t = output(shape);
        transfers.fill(mem(t), t.numel(), value);
        return t;
    }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        Tensor y = output(x.shape());
        elementwise.unary(op, mem(x), mem(y), x.numel());
        return y;
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        Tensor y = output(x.shape());
        elementwise.leakyRelu(mem(x), mem(y), slope, x.numel());
        return y;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        int[] shape = Shape.broadcast(op.name().toLowerCase(), as, bs);
        Tensor y = output(shape);
        int n = y.numel();
        if (Arrays.equals(as, bs)) {
            elementwise.binarySame(op, mem(a), mem(b), mem(y), n);
        } else if (b.numel() == 1 && Arrays.equals(shape, as)) {
            elementwise.binaryScalarTensor(op, mem(a), mem(b), mem(y), n);
        } else {
            Layout4.Geometry g = Layout4.coalesce("binary " + op, shape, Shape.broadcastStrides(as, shape), Shape.broadcastStrides(bs, shape));
            elementwise.binaryStrided(op, mem(a), mem(b), mem(y), n, g);
        }
        return y;
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        Tensor y = output(a.shape());
        elementwise.binaryScalar(op, mem(a), s, mem(y), a.numel());
        return y;
    }

    // ---- shape and reduction ------------------------------------------------------------------------------

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        int[] outShape = x.shape();
        for (int a : axes) outShape[a] = 1;
        Tensor y = output(outShape);
        reductions.sum(mem(x), x.shape(), axes, mem(y));
        return y;
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        Tensor y = output(shape);
        Layout4.Geometry g = Layout4.coalesce("broadcast_to", shape, Shape.broadcastStrides(x.shape(), shape));
        elementwise.gatherStrided(mem(x), mem(y), y.numel(), g);
        return y;
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        int[] shape = xs.get(0).shape();
        shape[axis] = 0;
        for (Tensor t : xs) shape[axis] += t.dim(axis);
        int outer = Shape.outer(shape, axis), inner = Shape.inner(shape, axis);
        Tensor y = output(shape);
        int rowLength = shape[axis] * inner, at = 0;
        for (Tensor t : xs) {
            int block = t.dim(axis) * inner;
            elementwise.copyRows("concat", mem(t), 0, block, mem(y), at, rowLength, outer, block);
            at += block;
        }
        return y;
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int length) {
        int[] shape = x.shape();
        int outer = Shape.outer(shape, axis), inner = Shape.inner(shape, axis);
        int rowLength = shape[axis] * inner;
        shape[axis] = length;
        Tensor y = output(shape);
        elementwise.copyRows("slice", mem(x), start * inner, rowLength, mem(y), 0, length * inner, outer, length * inner);
        return y;
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1), n = tb ? b.dim(0) : b.dim(1);
        Tensor c = output(m, n);
        conv.matmul(mem(a), mem(b), mem(c), m, n, k, a.dim(1), b.dim(1), ta, tb);
        return c;
    }

    // Reflection padding (the generators' convolutions): on this backend an explicit pad of x into a pooled device
    // buffer and the unpadded kernels on it; for the data gradient, the padded image's gradient in such a buffer,
    // folded back by the padding's backward kernel. No padded tensor is made; the kernels themselves read only zeros.

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), s);
        Tensor y = output(g.n(), g.cout(), g.oh(), g.ow());
        cl_mem b = bias == null ? null : mem(bias);
        if (!s.reflects()) {
            conv.forward(g, mem(x), mem(w), b, mem(y));
            return y;
        }
        ConvGeometry padded = g.onPaddedInput();
        withPaddedImage(padded, xp -> {
            pad.forward(mem(x), xp, g.n() * g.cin(), g.h(), g.w(), s.padding(), Padding.Mode.REFLECT);
            conv.forward(padded, xp, mem(w), b, mem(y));
        });
        return y;
    }

    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        ConvGeometry g = ConvGeometry.ofGradient(xShape, w.shape(), dy.shape(), s);
        Tensor dx = output(xShape);
        if (!s.reflects()) {
            conv.backwardData(g, mem(dy), mem(w), mem(dx));
            return dx;
        }
        ConvGeometry padded = g.onPaddedInput();
        withPaddedImage(padded, dxp -> {
            conv.backwardData(padded, mem(dy), mem(w), dxp);
            pad.backward(dxp, mem(dx), g.n() * g.cin(), g.h(), g.w(), s.padding(), Padding.Mode.REFLECT);
        });
        return dx;
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        ConvGeometry g = ConvGeometry.ofGradient(x.shape(), wShape, dy.shape(), s);
        Tensor dw = output(wShape);
        if (!s.reflects()) {
            conv.backwardWeight(g, mem(x), mem(dy), mem(dw));
            return dw;
        }
        ConvGeometry padded = g.onPaddedInput();
        withPaddedImage(padded, xp -> {
            pad.forward(mem(x), xp, g.n() * g.cin(), g.h(), g.w(), s.padding(), Padding.Mode.REFLECT);
            conv.backwardWeight(padded, xp, mem(dy), mem(dw));
        });
        return dw;
    }

    /** Runs {@code use} with a pooled device buffer of {@code padded}'s input image (the whole batch). */
    private void withPaddedImage(ConvGeometry padded, java.util.function.Consumer<cl_mem> use) {
        long bytes = 4L * padded.n() * padded.cin() * padded.h() * padded.w();
        cl_mem buffer = device.pool.take(bytes);
        try {
            use.accept(buffer);
        } finally {
            device.pool.give(buffer, bytes);   // in-order queue: the buffer's next user runs after these kernels
        }
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        int h = x.dim(2), w = x.dim(3);
        Tensor y = output(x.dim(0), x.dim(1), h + p.top() + p.bottom(), w + p.left() + p.right());
        pad.forward(mem(x), mem(y), x.dim(0) * x.dim(1), h, w, p, mode);
        return y;
    }

    @Override
    public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding p, Padding.Mode mode) {
        Tensor dx = output(xShape);
        pad.backward(mem(dy), mem(dx), xShape[0] * xShape[1], xShape[2], xShape[3], p, mode);
        return dx;
    }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        int[] shape = x.shape();
        int n = shape[0], c = shape[1], plane = shape[2] * shape[3];
        int[] statShape = perInstance ? new int[] {n, c} : new int[] {c};
        Tensor xhat = output(shape), mean = output(statShape), var = output(statShape), invStd = output(statShape);
        norm.forward(mem(x), mem(xhat), mem(mean), mem(var), mem(invStd), n, c, plane, perInstance, eps);
        return new NormResult(xhat, mean, var, invStd);
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] shape = dy.shape();
        Tensor dx = output(shape);
        norm.backward(mem(dy), mem(xhat), mem(invStd), mem(dx), shape[0], shape[1], shape[2] * shape[3], perInstance);
        return dx;
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        optim.adam(mem(param), mem(grad), mem(m), mem(v), param.numel(), beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        optim.sgd(mem(param), mem(grad), buf == null ? null : mem(buf), param.numel(), lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    /** For messages: wraps a failure to start with the device's name. */
    static BackendException startFailure(DeviceInfo d, RuntimeException e) {
        return e instanceof BackendException b ? b : new BackendException("OpenCL backend could not start on " + d.name() + ": " + e, e);
    }
}
