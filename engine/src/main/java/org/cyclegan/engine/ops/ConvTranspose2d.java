package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * Transposed convolution, as PyTorch's conv_transpose2d: x [N, Cin, H, W], w [Cin, Cout, kH, kW], bias [Cout],
 * out [N, Cout, (H−1)·s − 2p + k + outputPadding, ...].
 *
 * <p>It is defined as the adjoint of {@link Conv2d}: take the convolution that maps an image of the output's shape
 * to an image of x's shape with weight w (read as [Cout_conv = Cin, Cin_conv = Cout, kH, kW]); the transposed
 * convolution applies that map's transpose. So
 * <ul>
 *   <li>forward = the convolution's backward-data kernel,</li>
 *   <li>gradient w.r.t. x = the convolution itself, applied to g,</li>
 *   <li>gradient w.r.t. w = the convolution's weight gradient with the roles of input and output swapped.</li>
 * </ul>
 * No new arithmetic is needed: the same three kernels serve both ops.
 */
public final class ConvTranspose2d {
    private ConvTranspose2d() {}

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding) {
        return convTranspose2d(x, w, bias, ConvSpec.of(stride, padding), outputPadding, outputPadding);
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec, int outPadH, int outPadW) {
        String op = "conv_transpose2d";
        Checks.sameBackend(op, x, w);
        Checks.rank(op, "input", x, 4);
        Checks.rank(op, "weight", w, 4);
        if (x.dim(1) != w.dim(0)) {
            throw Checks.error(op, "input has " + x.dim(1) + " channels but weight expects " + w.dim(0)
                    + " (input " + Shape.str(x.shape()) + ", weight " + Shape.str(w.shape()) + ")");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(1))) {
            throw Checks.error(op, "bias shape " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(w.shape()));
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= spec.strideH() || outPadW >= spec.strideW()) {
            throw Checks.error(op, "output padding " + outPadH + "x" + outPadW + " must be smaller than the stride " + spec.strideH() + "x" + spec.strideW());
        }
        int kH = w.dim(2), kW = w.dim(3);
        int outH = (x.dim(2) - 1) * spec.strideH() - 2 * spec.padH() + kH + outPadH;
        int outW = (x.dim(3) - 1) * spec.strideW() - 2 * spec.padW() + kW + outPadW;
        if (outH < 1 || outW < 1) {
            throw Checks.error(op, "output would be empty (" + outH + "x" + outW + ") for input " + Shape.str(x.shape()) + " and weight " + Shape.str(w.shape()));
        }
        int[] outShape = {x.dim(0), w.dim(1), outH, outW};
        Tensor y = x.backend().conv2dBackwardData(x, w, outShape, spec);
        if (bias != null) {
            Tensor unbiased = y;
            y = y.backend().binary(BinaryOp.ADD, y, Tensor.wrap(bias.backend(), bias.storage(), 1, bias.dim(0), 1, 1));
            MemoryScope.done(unbiased);
        }
        int[] wShape = w.shape();
        boolean needX = x.requiresGrad(), needW = w.requiresGrad(), needBias = bias != null && bias.requiresGrad();
        return record(op, y, saves(needW ? x : null, needX ? w : null), g -> {
            Tensor dx = needX ? Conv2d.conv2d(g, w, null, spec) : null;
            Tensor dw = needW ? g.backend().conv2dBackwardWeight(g, x, wShape, spec) : null;
            Tensor db = needBias ? g.sum(false, 0, 2, 3) : null;
            return new Tensor[] {dx, dw, db};
        }, x, w, bias);
    }
}
