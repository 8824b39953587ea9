package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Padding;

/**
 * Zero and reflection padding of the H and W dimensions of a 4-D tensor.
 *
 * <p>Padding copies input entries to new places (or writes zeros), so the gradient of an input entry is the sum of g
 * over every output place it was copied to: interior places once, mirrored border entries twice or more. That sum is
 * one kernel, {@code Backend.pad2dBackward}, called by {@link #padGradient}, an op of its own so that the rule can be
 * differentiated again: the sum is linear in g, and its adjoint is the padding itself.
 */
public final class Pad2d {
    private Pad2d() {}

    public static Tensor reflectionPad(Tensor x, int p) {
        return pad(x, Padding.all(p), Padding.Mode.REFLECT);
    }

    public static Tensor zeroPad(Tensor x, int p) {
        return pad(x, Padding.all(p), Padding.Mode.ZERO);
    }

    public static Tensor pad(Tensor x, Padding padding, Padding.Mode mode) {
        String op = mode == Padding.Mode.REFLECT ? "reflection_pad2d" : "zero_pad2d";
        Checks.rank(op, "input", x, 4);
        if (mode == Padding.Mode.REFLECT) {
            // Reflection cannot reach further than the edge it mirrors (PyTorch's rule too).
            if (padding.left() >= x.dim(3) || padding.right() >= x.dim(3) || padding.top() >= x.dim(2) || padding.bottom() >= x.dim(2)) {
                throw Checks.error(op, "padding " + padding + " must be smaller than the input's H and W, input " + Shape.str(x.shape()));
            }
        }
        Tensor y = x.backend().pad2d(x, padding, mode);
        int[] xShape = x.shape();
        return record(op, y, saves(), g -> new Tensor[] {padGradient(g, xShape, padding, mode)}, x);
    }

    /**
     * The gradient of {@link #pad} with respect to its input of shape {@code xShape}, given dy of the padded shape:
     * each input entry gets the sum of dy over the places it was copied to. It is linear in dy, so its gradient is its
     * adjoint: for any G of the input's shape, ⟨padGradient(dy), G⟩ = ⟨dy, pad(G)⟩, and the backward pads G.
     */
    public static Tensor padGradient(Tensor dy, int[] xShape, Padding padding, Padding.Mode mode) {
        Tensor dx = dy.backend().pad2dBackward(dy, xShape, padding, mode);
        return record(mode == Padding.Mode.REFLECT ? "reflection_pad2d_grad" : "zero_pad2d_grad", dx, saves(),
                g -> new Tensor[] {pad(g, padding, mode)}, dy);
    }
}
