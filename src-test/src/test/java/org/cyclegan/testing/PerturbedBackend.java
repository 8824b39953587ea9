package org.cyclegan.testing;

import java.util.List;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * A deliberately wrong backend: a host backend (cpu or reference) whose weight-gradient kernel,
 * {@code conv2dBackwardWeight}, is off by 1% of its largest value in its first element; every other kernel is the
 * wrapped one's. Its results are re-homed onto this backend, so they live where a real backend's would. For proving
 * that a check can fail, and names the kernel that is wrong.
 */
public final class PerturbedBackend implements Backend {
    public static final String PERTURBED_KERNEL = "conv2dBackwardWeight";
    private final Backend inner;

    public PerturbedBackend(Backend hostBackend) {
        this.inner = hostBackend;
    }

    private Tensor own(Tensor t) {
        return Tensor.wrap(this, t.storage(), t.shape());
    }

    @Override public String name() { return "perturbed"; }
    @Override public String description() { return "perturbed " + inner.description() + " (" + PERTURBED_KERNEL + " off by 1%)"; }
    @Override public void close() { inner.close(); }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec spec) {
        float[] v = inner.conv2dBackwardWeight(x, dy, wShape, spec).toArray();
        float largest = 0;
        for (float f : v) largest = Math.max(largest, Math.abs(f));
        v[0] += 0.01f * (largest == 0 ? 1 : largest);
        return Tensor.of(this, v, wShape);
    }

    @Override public Storage allocate(int size) { return inner.allocate(size); }
    @Override public Storage upload(float[] data) { return inner.upload(data); }
    @Override public float[] download(Storage storage) { return inner.download(storage); }
    @Override public void copy(Tensor src, Tensor dst) { inner.copy(src, dst); }
    @Override public Tensor full(int[] shape, float value) { return own(inner.full(shape, value)); }
    @Override public Tensor unary(UnaryOp op, Tensor x) { return own(inner.unary(op, x)); }
    @Override public Tensor leakyRelu(Tensor x, float slope) { return own(inner.leakyRelu(x, slope)); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return own(inner.binary(op, a, b)); }
    @Override public Tensor binaryScalar(BinaryOp op, Tensor a, float s) { return own(inner.binaryScalar(op, a, s)); }
    @Override public Tensor sum(Tensor x, int[] axes) { return own(inner.sum(x, axes)); }
    @Override public Tensor broadcastTo(Tensor x, int[] shape) { return own(inner.broadcastTo(x, shape)); }
    @Override public Tensor concat(List<Tensor> xs, int axis) { return own(inner.concat(xs, axis)); }
    @Override public Tensor slice(Tensor x, int axis, int start, int length) { return own(inner.slice(x, axis, start, length)); }
    @Override public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) { return own(inner.matmul(a, b, ta, tb)); }
    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) { return own(inner.conv2d(x, w, bias, spec)); }
    @Override public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec spec) { return own(inner.conv2dBackwardData(dy, w, xShape, spec)); }
    @Override public Tensor pad2d(Tensor x, Padding padding, Padding.Mode mode) { return own(inner.pad2d(x, padding, mode)); }
    @Override public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding padding, Padding.Mode mode) { return own(inner.pad2dBackward(dy, xShape, padding, mode)); }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        NormResult r = inner.normalize(x, perInstance, eps);
        return new NormResult(own(r.xhat()), own(r.mean()), own(r.var()), own(r.invStd()));
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        return own(inner.normalizeBackward(dy, xhat, invStd, perInstance));
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt) {
        inner.adamUpdate(param, grad, m, v, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        inner.sgdUpdate(param, grad, buf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }
}
