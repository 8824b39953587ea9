package org.cyclegan.engine.meta;

import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * Shapes without values, as PyTorch's "meta" device: every op returns a tensor of the right shape whose storage holds
 * no data and costs nothing to compute. Graphs, backward passes and {@link MemoryScope}s work as on a real backend, so
 * a whole training step can be run here in milliseconds to learn exactly which tensors it makes and when each is
 * freed: that is how the memory estimate measures a step's peak before any real memory is spent. Values read back
 * ({@code toArray}, {@code item}) are zeros.
 */
public final class MetaBackend implements Backend {

    /** Storage of a given size and nothing else; it joins the current memory scope like any other. */
    private static final class MetaStorage implements Storage {
        private final int size;
        private boolean released;

        MetaStorage(int size) {
            this.size = size;
            MemoryScope.track(this);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public boolean isReleased() {
            return released;
        }
    }

    private Tensor make(int... shape) {
        return Tensor.wrap(this, new MetaStorage(Shape.numel(shape)), shape);
    }

    private static void live(Storage s) {
        if (s.isReleased()) throw new IllegalStateException("this tensor's memory was released (meta backend)");
    }

    /** Reading a released tensor fails here as on a real backend, so a meta run also checks the memory rules. */
    private static void read(Tensor... ts) {
        for (Tensor t : ts) if (t != null) live(t.storage());
    }

    private Tensor like(Tensor x) {
        live(x.storage());
        return make(x.shape());
    }

    @Override public String name() { return "meta"; }
    @Override public String description() { return "meta (shapes only, no values)"; }

    @Override public Storage allocate(int size) { return new MetaStorage(size); }
    @Override public Storage upload(float[] data) { return new MetaStorage(data.length); }

    @Override
    public float[] download(Storage storage) {
        live(storage);
        return new float[storage.size()];
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        read(src, dst);
        if (src.numel() != dst.numel()) throw new IllegalArgumentException("copy: " + src.numel() + " elements into " + dst.numel());
    }

    @Override public Tensor full(int[] shape, float value) { return make(shape); }
    @Override public Tensor unary(UnaryOp op, Tensor x) { return like(x); }
    @Override public Tensor leakyRelu(Tensor x, float slope) { return like(x); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { read(a, b); return make(Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape())); }
    @Override public Tensor binaryScalar(BinaryOp op, Tensor a, float s) { return like(a); }

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        read(x);
        int[] out = x.shape();
        for (int a : axes) out[a] = 1;
        return make(out);
    }

    @Override public Tensor broadcastTo(Tensor x, int[] shape) { read(x); return make(shape); }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        read(xs.toArray(new Tensor[0]));
        int[] out = xs.get(0).shape();
        out[axis] = 0;
        for (Tensor t : xs) out[axis] += t.dim(axis);
        return make(out);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int length) {
        read(x);
        int[] out = x.shape();
        out[axis] = length;
        return make(out);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        read(a, b);
        return make(transposeA ? a.dim(1) : a.dim(0), transposeB ? b.dim(0) : b.dim(1));
    }

    /*
     * Reflection padding, as the cpu backend computes it: the padded input copied for the call where the direct
     * kernels of few-output layers need it (forward and weight gradient), and the padded image's gradient made for the
     * call and folded back (data gradient). The opencl backend's copies are device buffers, which this does not size.
     */

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        read(x, w, bias);
        Tensor copy = directKernelsCopy(x.shape(), w.shape(), spec);
        Tensor y = make(x.dim(0), w.dim(0), spec.outH(x.dim(2), w.dim(2)), spec.outW(x.dim(3), w.dim(3)));
        if (copy != null) MemoryScope.done(copy);
        return y;
    }

    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec spec) {
        read(dy, w);
        Tensor dx = make(xShape);
        if (spec.reflects()) MemoryScope.done(padded(xShape, spec));
        return dx;
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec spec) {
        read(x, dy);
        Tensor copy = directKernelsCopy(x.shape(), wShape, spec);
        Tensor dw = make(wShape);
        if (copy != null) MemoryScope.done(copy);
        return dw;
    }

    private Tensor directKernelsCopy(int[] xShape, int[] wShape, ConvSpec spec) {
        return spec.reflects() && ConvGeometry.of(xShape, wShape, spec).hasFewOutputs() ? padded(xShape, spec) : null;
    }

    private Tensor padded(int[] xShape, ConvSpec spec) {
        return make(xShape[0], xShape[1], xShape[2] + 2 * spec.padH(), xShape[3] + 2 * spec.padW());
    }

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        read(x);
        return make(x.dim(0), x.dim(1), x.dim(2) + p.top() + p.bottom(), x.dim(3) + p.left() + p.right());
    }

    @Override public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding padding, Padding.Mode mode) { read(dy); return make(xShape); }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        int[] stat = perInstance ? new int[] {x.dim(0), x.dim(1)} : new int[] {x.dim(1)};
        return new NormResult(like(x), make(stat), make(stat), make(stat));
    }

    @Override public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) { read(dy, invStd); return like(xhat); }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt) {
        read(param, grad, m, v);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        read(param, grad, buf);
    }
}
