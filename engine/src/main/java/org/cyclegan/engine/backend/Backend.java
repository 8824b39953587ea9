package org.cyclegan.engine.backend;

import java.util.List;
import org.cyclegan.engine.Tensor;

/**
 * The compute contract: every numeric kernel the engine needs, and nothing about autodiff.
 *
 * <p>Ops in {@code org.cyclegan.engine.ops} check shapes, call these kernels for their forward and backward passes and
 * record the graph. A backend therefore only has to be fast and agree with {@code ReferenceBackend}, the plain-loop
 * oracle. All tensors are float32, contiguous, row-major (NCHW for images); arguments arrive already shape-checked.
 * Kernels never modify their inputs, except the optimizer updates and {@link #copy}, which are documented as in place.
 */
public interface Backend extends AutoCloseable {

    /** Short name used by {@code --device}: reference, cpu, opencl. */
    String name();

    /** One line for people: what this backend runs on. */
    String description();

    /** Stops the backend's threads and frees its pools and device resources. The default has nothing to free. */
    @Override
    default void close() {}

    /**
     * Waits until every kernel submitted so far has finished. A device backend queues kernels and returns at once, so
     * code that times kernels (benchmarks) calls this before reading the clock; reading a tensor's values waits anyway.
     * Host backends compute before returning, so the default does nothing.
     */
    default void synchronize() {}

    // ---- memory -------------------------------------------------------------------------------------------

    /** A zero-filled storage of {@code size} floats. */
    Storage allocate(int size);

    /** A storage holding a copy of {@code data}. */
    Storage upload(float[] data);

    /** A host copy of the storage's contents. */
    float[] download(Storage storage);

    /** Copies {@code src} into {@code dst} in place (same number of elements). */
    void copy(Tensor src, Tensor dst);

    /** A tensor of {@code shape} with every element {@code value}. */
    Tensor full(int[] shape, float value);

    // ---- element-wise ---------------------------------------------------------------------------------------

    Tensor unary(UnaryOp op, Tensor x);

    /** {@code x > 0 ? x : slope * x}. */
    Tensor leakyRelu(Tensor x, float slope);

    /** {@code a op b} with NumPy broadcasting; the output has the broadcast shape. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code a op s} for every element of {@code a}. */
    Tensor binaryScalar(BinaryOp op, Tensor a, float s);

    // ---- shape and reduction ------------------------------------------------------------------------------

    /** Sums over {@code axes} (sorted, distinct), keeping them as size-1 dimensions. */
    Tensor sum(Tensor x, int[] axes);

    /** Repeats {@code x} along its size-1 (or missing leading) dimensions to {@code shape}. The adjoint of {@link #sum}. */
    Tensor broadcastTo(Tensor x, int[] shape);

    /** Joins tensors along {@code axis}; all other dimensions are equal. */
    Tensor concat(List<Tensor> xs, int axis);

    /**
     * {@code length} consecutive entries of {@code axis} starting at {@code start}, as a new tensor (never a view).
     * The adjoint of {@link #concat}.
     */
    Tensor slice(Tensor x, int axis, int start, int length);

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    /** 2-D matrix product {@code op(a) · op(b)} where op transposes when asked. */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

    /**
     * Cross-correlation as PyTorch's conv2d: x [N, Cin, H, W], w [Cout, Cin, kH, kW], bias [Cout] or null,
     * out [N, Cout, Hout, Wout].
     */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec);

    /** Gradient of conv2d with respect to its input: dy [N, Cout, Hout, Wout] → dx of shape {@code xShape}. */
    Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec spec);

    /** Gradient of conv2d with respect to its weight: (x, dy) → dw of shape {@code wShape}. */
    Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec spec);

    // ---- padding and normalization ----------------------------------------------------------------------------

    Tensor pad2d(Tensor x, Padding padding, Padding.Mode mode);

    /** Gradient of pad2d: dy of the padded shape → dx of {@code xShape} (reflected entries add onto their sources). */
    Tensor pad2dBackward(Tensor dy, int[] xShape, Padding padding, Padding.Mode mode);

    /**
     * Normalizes x [N, C, H, W] to zero mean and unit variance: over each (n, c) plane when {@code perInstance}
     * (instance norm), over each channel across the batch otherwise (batch norm). Biased variance, as PyTorch.
     */
    NormResult normalize(Tensor x, boolean perInstance, float eps);

    /**
     * Gradient of {@link #normalize}: {@code dx = invStd * (dy - mean(dy) - xhat * mean(dy * xhat))}, means taken over
     * the same groups as the forward.
     */
    Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance);

    // ---- profiling -------------------------------------------------------------------------------------------

    /**
     * Starts recording every kernel's time and flops into {@code profile}, or stops when it is null. Backends that
     * cannot profile ignore it (the default).
     */
    default void setProfile(KernelProfile profile) {}

    // ---- optimizers (in place) -----------------------------------------------------------------------------

    /**
     * One Adam step, in place on {@code param}, {@code m} and {@code v}, in exactly PyTorch's order:
     * g += wd·p; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= stepSize · m / (√v / bc2Sqrt + eps).
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                    float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt);

    /**
     * One SGD step in place, as PyTorch: g += wd·p; with momentum, buf = g on the first step, else
     * buf = μ·buf + (1−dampening)·g, and g = nesterov ? g + μ·buf : buf; p −= lr·g.
     * {@code buf} is null without momentum.
     */
    void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                   float weightDecay, boolean nesterov, boolean firstStep);
}
