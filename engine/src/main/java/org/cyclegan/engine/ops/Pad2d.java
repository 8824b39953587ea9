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
 * one opaque kernel, {@code Backend.pad2dBackward}, which records no graph: the rule cannot be differentiated again.
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
        // An opaque kernel: the gradient it returns carries no graph.
        return record(op, y, saves(), g -> new Tensor[] {g.backend().pad2dBackward(g, xShape, padding, mode)}, x);
    }
}
