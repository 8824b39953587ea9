package org.cyclegan.engine;

import java.util.Arrays;
import java.util.Random;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.autograd.Node;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.ops.Arithmetic;
import org.cyclegan.engine.ops.Elementwise;
import org.cyclegan.engine.ops.MatMul;
import org.cyclegan.engine.ops.Reductions;
import org.cyclegan.engine.ops.Shapes;

/**
 * A float32 n-dimensional array that can take part in reverse-mode autodiff.
 *
 * <p>Data lives in a {@link Storage} owned by a {@link Backend}; the tensor adds a shape (row-major, NCHW for images) and
 * the autodiff bookkeeping: {@code requiresGrad}, the {@link Node} that produced it ({@code gradFn}, null for leaves)
 * and, for leaves, the accumulated gradient {@code grad}. Tensors are immutable values as far as ops are concerned;
 * only optimizers and {@code Module.loadStateDict} write into a parameter's storage, under no-grad.
 *
 * <p>The fluent methods ({@code a.add(b).relu()}) are shorthands for the ops in {@code org.cyclegan.engine.ops}, where
 * each forward is written next to its backward.
 */
public final class Tensor implements AutoCloseable {
    private final int[] shape;
    private final Backend backend;
    private Storage storage;
    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;

    private Tensor(Backend backend, Storage storage, int[] shape) {
        if (storage.size() != Shape.numel(shape)) {
            throw new IllegalArgumentException("tensor: storage of " + storage.size() + " floats does not fit shape " + Shape.str(shape));
        }
        this.backend = backend;
        this.storage = storage;
        this.shape = shape.clone();
    }

    // ---- creation --------------------------------------------------------------------------------------------

    /** Wraps a backend's storage; used by backends to return results. */
    public static Tensor wrap(Backend backend, Storage storage, int... shape) {
        return new Tensor(backend, storage, shape);
    }

    /** A tensor holding a copy of {@code data}, on the default backend. */
    public static Tensor of(float[] data, int... shape) {
        return of(Backends.getDefault(), data, shape);
    }

    public static Tensor of(Backend backend, float[] data, int... shape) {
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("tensor: " + data.length + " values do not fit shape " + Shape.str(shape));
        }
        return new Tensor(backend, backend.upload(data), shape);
    }

    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    public static Tensor zeros(int... shape) {
        return full(0f, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        return Backends.getDefault().full(shape, value);
    }

    /** Standard normal samples from {@code rng} (host-generated, so every backend sees the same numbers). */
    public static Tensor randn(Random rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
        return of(d, shape);
    }

    /** Uniform samples in [lo, hi) from {@code rng}. */
    public static Tensor uniform(Random rng, float lo, float hi, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return of(d, shape);
    }

    /** A copy of this tensor's values on another backend (no graph: the copy is a new leaf). */
    public Tensor to(Backend target) {
        return target == backend ? this : of(target, toArray(), shape);
    }

    // ---- inspection ------------------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public Backend backend() {
        return backend;
    }

    public Storage storage() {
        if (storage == null) throw new IllegalStateException("tensor " + Shape.str(shape) + " was closed");
        return storage;
    }

    /** A host copy of the values, row-major. */
    public float[] toArray() {
        return backend.download(storage());
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalArgumentException("item: tensor of shape " + Shape.str(shape) + " has " + numel() + " elements, not 1");
        return toArray()[0];
    }

    /**
     * Releases the storage to its backend (device memory, pools). The tensor must not be used afterwards — nor any
     * tensor sharing its storage: {@link #reshape} and {@link #detach} results are views of the same memory.
     */
    @Override
    public void close() {
        if (storage != null) storage.release();
        storage = null;
    }

    // ---- autodiff ---------------------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient we want (a parameter or an input under test). */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) throw new IllegalStateException("requiresGrad can only be set on leaf tensors; this one came from " + gradFn.op());
        requiresGrad = value;
        return this;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The gradient accumulated by {@link #backward()} (leaves only), or null before any backward. */
    public Tensor grad() {
        return grad;
    }

    /** Drops the accumulated gradient (and this tensor's hold on its memory). */
    public void zeroGrad() {
        if (grad != null && !grad.isReleased()) MemoryScope.release(grad);
        grad = null;
    }

    /** True once this tensor's memory has been released (by its scope, by the last of its users, or by close()). */
    public boolean isReleased() {
        return storage == null || storage.isReleased();
    }

    /** The same values, cut out of the graph: gradients do not flow through the result. Shares storage. */
    public Tensor detach() {
        return new Tensor(backend, storage(), shape);
    }

    /** Back-propagates from a one-element tensor (a loss), seeding with 1. */
    public void backward() {
        if (numel() != 1) throw new IllegalArgumentException("backward: needs a one-element tensor (a loss), got shape " + Shape.str(shape) + "; pass a seed gradient instead");
        Autograd.backward(this, backend.full(shape, 1f));
    }

    /** Back-propagates a given gradient of some scalar with respect to this tensor. */
    public void backward(Tensor seed) {
        Autograd.backward(this, seed);
    }

    /**
     * As {@link #backward(Tensor)}; with {@code retainGraph} the graph keeps its saved tensors, so a second backward
     * may go through it (as PyTorch's {@code retain_graph=True}).
     */
    public void backward(Tensor seed, boolean retainGraph) {
        Autograd.backward(this, seed, retainGraph);
    }

    /** Called by the autodiff engine on op outputs. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /**
     * Multiplies the accumulated gradient by {@code factor} (gradient clipping). A new tensor replaces the old one, whose
     * memory may be shared: one backward can hand the same gradient tensor to two leaves (the inputs of an add).
     */
    public void scaleGrad(float factor) {
        if (grad == null) return;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor scaled = MemoryScope.retain(grad.mul(factor));
            MemoryScope.done(scaled);
            MemoryScope.release(grad);
            grad = scaled;
        }
    }

    /** Called by the autodiff engine on leaves: grad += g. The leaf holds its gradient's memory until zeroGrad. */
    public void accumulateGrad(Tensor g) {
        if (!requiresGrad) return;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            grad = grad == null ? MemoryScope.retain(g.detach()) : Autograd.heldSum(grad, g);
        }
    }

    // ---- fluent op shorthands -----------------------------------------------------------------------------------

    public Tensor add(Tensor o) { return Arithmetic.add(this, o); }
    public Tensor sub(Tensor o) { return Arithmetic.sub(this, o); }
    public Tensor mul(Tensor o) { return Arithmetic.mul(this, o); }
    public Tensor div(Tensor o) { return Arithmetic.div(this, o); }
    public Tensor add(float s) { return Arithmetic.addScalar(this, s); }
    public Tensor sub(float s) { return Arithmetic.addScalar(this, -s); }
    public Tensor mul(float s) { return Arithmetic.mulScalar(this, s); }
    public Tensor div(float s) { return Arithmetic.mulScalar(this, 1f / s); }
    /** {@code s - this}. */
    public Tensor rsub(float s) { return Arithmetic.addScalar(Elementwise.neg(this), s); }

    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor relu() { return Elementwise.relu(this); }
    public Tensor leakyRelu(float slope) { return Elementwise.leakyRelu(this, slope); }

    /** Sum of all elements, a one-element tensor of shape []. */
    public Tensor sum() { return Reductions.sum(this); }
    /** Sum over the given axes (negative counts from the end). */
    public Tensor sum(boolean keepDims, int... axes) { return Reductions.sum(this, axes, keepDims); }
    public Tensor mean() { return Reductions.mean(this); }
    public Tensor mean(boolean keepDims, int... axes) { return Reductions.mean(this, axes, keepDims); }
    /** The Euclidean (L2) norm over the given axes: √(Σ x²). */
    public Tensor norm(boolean keepDims, int... axes) { return Reductions.norm(this, axes, keepDims); }
    /** Sums broadcast dimensions away so the result has {@code target} shape (the adjoint of broadcasting). */
    public Tensor sumTo(int... target) { return Reductions.sumTo(this, target); }
    public Tensor broadcastTo(int... target) { return Reductions.broadcastTo(this, target); }

    /** Same data, new shape; one dimension may be -1 and is inferred. */
    public Tensor reshape(int... newShape) { return Shapes.reshape(this, newShape); }
    public Tensor slice(int axis, int start, int length) { return Shapes.slice(this, axis, start, length); }
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }

    @Override
    public String toString() {
        if (storage == null || storage.isReleased()) {
            return "Tensor" + Shape.str(shape) + " <released>";
        }
        float[] v = toArray();
        int show = Math.min(v.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ');
        sb.append(Arrays.toString(Arrays.copyOf(v, show)));
        if (show < v.length) sb.setLength(sb.length() - 1);
        if (show < v.length) sb.append(", ...]");
        if (gradFn != null) sb.append(" gradFn=").append(gradFn.op());
        else if (requiresGrad) sb.append(" requiresGrad");
        return sb.toString();
    }
}
