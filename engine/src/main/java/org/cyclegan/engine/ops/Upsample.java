package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Nearest-neighbour up-sampling of the H and W dimensions of a 4-D tensor by an integer factor s, as
 * {@code nn.Upsample(scale_factor=s, mode='nearest')}: output (i, j) is input (i / s, j / s), so every input entry
 * becomes an s×s block.
 *
 * <p>With rows of the [N, C, H, W] input seen as [N·C·H, 1, W, 1], the block copy is a broadcast to
 * [N·C·H, s, W, s], whose storage is the [N, C, s·H, s·W] output; the gradient of an input entry is the sum of g over
 * its block, the sum of that broadcast's copied dimensions. That sum is {@link #upsampleGradient}, an op of its own so
 * that the rule can be differentiated again: it is linear in g, and its adjoint is the up-sampling itself.
 */
public final class Upsample {
    private Upsample() {}

    public static Tensor nearest(Tensor x, int scale) {
        Checks.rank("upsample_nearest2d", "input", x, 4);
        if (scale < 1) throw Checks.error("upsample_nearest2d", "scale factor must be >= 1, got " + scale);
        int[] xShape = x.shape();
        int n = xShape[0], c = xShape[1], h = xShape[2], w = xShape[3];
        Tensor rows = Tensor.wrap(x.backend(), x.storage(), new int[] {n * c * h, 1, w, 1});
        Tensor blocks = x.backend().broadcastTo(rows, new int[] {n * c * h, scale, w, scale});
        Tensor y = Tensor.wrap(blocks.backend(), blocks.storage(), new int[] {n, c, h * scale, w * scale});
        return record("upsample_nearest2d", y, saves(), g -> new Tensor[] {upsampleGradient(g, xShape, scale)}, x);
    }

    /**
     * The gradient of {@link #nearest} with respect to its input of shape {@code xShape}, given dy of the up-sampled
     * shape: each input entry gets the sum of dy over its s×s block. For any G of the input's shape,
     * ⟨upsampleGradient(dy), G⟩ = ⟨dy, nearest(G)⟩, so the backward up-samples G.
     */
    public static Tensor upsampleGradient(Tensor dy, int[] xShape, int scale) {
        int n = xShape[0], c = xShape[1], h = xShape[2], w = xShape[3];
        int[] expected = {n, c, h * scale, w * scale};
        if (!java.util.Arrays.equals(dy.shape(), expected)) {
            throw Checks.error("upsample_nearest2d_grad", "gradient of shape " + Shape.str(dy.shape()) + " for an input of "
                    + Shape.str(xShape) + " up-sampled by " + scale + " (expected " + Shape.str(expected) + ")");
        }
        Tensor blocks = Tensor.wrap(dy.backend(), dy.storage(), new int[] {n * c * h, scale, w, scale});
        Tensor summed = dy.backend().sum(blocks, new int[] {1, 3});
        Tensor dx = Tensor.wrap(summed.backend(), summed.storage(), xShape.clone());
        return record("upsample_nearest2d_grad", dx, saves(), g -> new Tensor[] {nearest(g, scale)}, dy);
    }
}
