package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import java.util.Arrays;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Sum and mean, and the pair broadcastTo / sumTo.
 *
 * <p>Summing and broadcasting are each other's adjoints: the gradient of a sum copies g back over the summed
 * dimensions, and the gradient of a broadcast sums g over the copied ones. Every other reduction is composed from these.
 * So every backward rule here is composed of differentiable ops (reshape, broadcastTo, sumTo).
 */
public final class Reductions {
    private Reductions() {}

    /** y = Σ x over every element; shape [].   ∂y/∂x = 1 everywhere. */
    public static Tensor sum(Tensor x) {
        int[] all = new int[x.rank()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return sum(x, all, false);
    }

    /** y = Σ x over {@code axes}.   ∂y/∂x = 1: the gradient is g broadcast back over the summed axes. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        int[] ax = normalizeAxes("sum", x.shape(), axes);
        int[] kept = x.shape();
        for (int a : ax) kept[a] = 1;
        Tensor y = x.backend().sum(x, ax);
        if (!keepDims) y = Tensor.wrap(y.backend(), y.storage(), dropAxes(x.shape(), ax));
        int[] xShape = x.shape();
        return record("sum", y, saves(), g -> new Tensor[] {g.reshape(kept).broadcastTo(xShape)}, x);
    }

    /** Mean of every element, composed: sum / n. */
    public static Tensor mean(Tensor x) {
        return sum(x).mul(1f / x.numel());
    }

    /** Mean over {@code axes}, composed: sum / (product of the reduced sizes). */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] ax = normalizeAxes("mean", x.shape(), axes);
        long count = 1;
        for (int a : ax) count *= x.dim(a);
        return sum(x, ax, keepDims).mul(1f / count);
    }

    /**
     * The Euclidean norm over {@code axes}, composed: √(Σ x²). Its gradient x/‖x‖ comes from the parts, so it is
     * differentiable again; at ‖x‖ = 0 it is not finite (PyTorch's norm returns 0 there), which is why a gradient
     * penalty takes the norm of g + 1e-16.
     */
    public static Tensor norm(Tensor x, int[] axes, boolean keepDims) {
        return sum(x.mul(x), axes, keepDims).sqrt();
    }

    /** Copies x along its size-1 dimensions (and new leading ones) to {@code target}.   Gradient: sumTo(x's shape). */
    public static Tensor broadcastTo(Tensor x, int[] target) {
        if (!Shape.broadcastsTo(x.shape(), target)) {
            throw Checks.error("broadcast_to", "shape " + Shape.str(x.shape()) + " cannot be broadcast to " + Shape.str(target));
        }
        if (Arrays.equals(x.shape(), target)) return x;
        Tensor y = x.backend().broadcastTo(x, target);
        int[] xShape = x.shape();
        return record("broadcast_to", y, saves(), g -> new Tensor[] {g.sumTo(xShape)}, x);
    }

    /**
     * Sums x down to {@code target}, the shape it was broadcast from: over extra leading dimensions and over those where
     * target has 1.   Gradient: broadcastTo(x's shape).
     */
    public static Tensor sumTo(Tensor x, int[] target) {
        if (!Shape.broadcastsTo(target, x.shape())) {
            throw Checks.error("sum_to", "shape " + Shape.str(x.shape()) + " cannot be summed to " + Shape.str(target));
        }
        if (Arrays.equals(x.shape(), target)) return x;
        int lead = x.rank() - target.length;
        int[] axes = java.util.stream.IntStream.range(0, x.rank())
                .filter(i -> i < lead || (target[i - lead] == 1 && x.dim(i) != 1)).toArray();
        Tensor y = x.backend().sum(x, axes);
        y = Tensor.wrap(y.backend(), y.storage(), target);
        int[] xShape = x.shape();
        return record("sum_to", y, saves(), g -> new Tensor[] {g.broadcastTo(xShape)}, x);
    }

    /** Sorted, distinct, non-negative axes; negative ones count from the end. */
    static int[] normalizeAxes(String op, int[] shape, int[] axes) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i] < 0 ? axes[i] + shape.length : axes[i];
            if (a < 0 || a >= shape.length) throw Checks.error(op, "axis " + axes[i] + " out of range for shape " + Shape.str(shape));
            out[i] = a;
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) throw Checks.error(op, "axis " + out[i] + " given twice");
        }
        return out;
    }

    private static int[] dropAxes(int[] shape, int[] axes) {
        int[] out = new int[shape.length - axes.length];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (Arrays.binarySearch(axes, i) < 0) out[j++] = shape[i];
        }
        return out;
    }
}
