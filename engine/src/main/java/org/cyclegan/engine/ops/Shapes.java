package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Ops that move data without arithmetic: reshape, concat and its adjoint slice. Every backward rule here is composed of
 * differentiable ops (reshape, slice, concat with constant zeros).
 */
public final class Shapes {
    private Shapes() {}

    /** Same elements, new shape (shares storage).   Gradient: g reshaped back. */
    public static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw Checks.error("reshape", "only one dimension may be -1, got " + Shape.str(newShape));
                infer = i;
            } else {
                if (shape[i] < 0) throw Checks.error("reshape", "invalid target shape " + Shape.str(newShape));
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) throw Checks.error("reshape", "cannot reshape " + Shape.str(x.shape()) + " to " + Shape.str(newShape));
            shape[infer] = (int) (x.numel() / known);
        }
        if (Shape.numel(shape) != x.numel()) {
            throw Checks.error("reshape", "cannot reshape " + Shape.str(x.shape()) + " (" + x.numel() + " elements) to " + Shape.str(newShape));
        }
        Tensor y = Tensor.wrap(x.backend(), x.storage(), shape);
        int[] xShape = x.shape();
        return record("reshape", y, saves(), g -> new Tensor[] {g.reshape(xShape)}, x);
    }

    /** Joins tensors along {@code axis} (the U-Net's skip connections use axis 1).   Gradient: g sliced back into pieces. */
    public static Tensor concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw Checks.error("concat", "needs at least one tensor");
        Tensor first = xs.get(0);
        int ax = axis < 0 ? axis + first.rank() : axis;
        if (ax < 0 || ax >= first.rank()) throw Checks.error("concat", "axis " + axis + " out of range for shape " + Shape.str(first.shape()));
        for (Tensor t : xs) {
            Checks.sameBackend("concat", first, t);
            boolean ok = t.rank() == first.rank();
            for (int d = 0; ok && d < t.rank(); d++) ok = d == ax || t.dim(d) == first.dim(d);
            if (!ok) throw Checks.error("concat", "shapes " + Shape.str(first.shape()) + " and " + Shape.str(t.shape()) + " differ outside axis " + ax);
        }
        Tensor y = first.backend().concat(xs, ax);
        Tensor[] inputs = xs.toArray(new Tensor[0]);
        return record("concat", y, saves(), g -> {
            Tensor[] grads = new Tensor[inputs.length];
            int start = 0;
            for (int i = 0; i < inputs.length; i++) {
                int len = inputs[i].dim(ax);
                grads[i] = inputs[i].requiresGrad() ? g.slice(ax, start, len) : null;
                start += len;
            }
            return grads;
        }, inputs);
    }

    /**
     * {@code length} entries of {@code axis} from {@code start}.   Gradient: g placed back at the same entries, zeros
     * elsewhere, i.e. g concatenated between two zero blocks.
     */
    public static Tensor slice(Tensor x, int axis, int start, int length) {
        int ax = axis < 0 ? axis + x.rank() : axis;
        if (ax < 0 || ax >= x.rank()) throw Checks.error("slice", "axis " + axis + " out of range for shape " + Shape.str(x.shape()));
        if (start < 0 || length < 0 || start + length > x.dim(ax)) {
            throw Checks.error("slice", "range [" + start + ", " + (start + length) + ") out of bounds for axis " + ax + " of shape " + Shape.str(x.shape()));
        }
        Tensor y = x.backend().slice(x, ax, start, length);
        int[] xShape = x.shape();
        return record("slice", y, saves(), g -> {
            List<Tensor> parts = new ArrayList<>();
            if (start > 0) parts.add(zerosLike(g, ax, start));
            parts.add(g);
            int after = xShape[ax] - start - length;
            if (after > 0) parts.add(zerosLike(g, ax, after));
            return new Tensor[] {concat(parts, ax)};
        }, x);
    }

    private static Tensor zerosLike(Tensor g, int axis, int size) {
        int[] s = g.shape();
        s[axis] = size;
        return g.backend().full(s, 0f);
    }
}
