package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * 2-D convolution (cross-correlation, as PyTorch): x [N, Cin, H, W] ⊛ w [Cout, Cin, kH, kW] + bias [Cout].
 *
 * <p>Convolution is linear in x, so its gradient with respect to x applies the transposed (adjoint) linear map to g:
 * that map is exactly {@link ConvTranspose2d}, and the backward below calls it. The gradient with respect to w
 * correlates x with g; the gradient of the bias sums g over everything but the channel.
 */
public final class Conv2d {
    private Conv2d() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, ConvSpec.of(stride, padding));
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        String op = "conv2d";
        Checks.sameBackend(op, x, w);
        Checks.rank(op, "input", x, 4);
        Checks.rank(op, "weight", w, 4);
        if (x.dim(1) != w.dim(1)) {
            throw Checks.error(op, "input has " + x.dim(1) + " channels but weight expects " + w.dim(1)
                    + " (input " + Shape.str(x.shape()) + ", weight " + Shape.str(w.shape()) + ")");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(0))) {
            throw Checks.error(op, "bias shape " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(w.shape()));
        }
        int kH = w.dim(2), kW = w.dim(3);
        if (x.dim(2) + 2 * spec.padH() < kH || x.dim(3) + 2 * spec.padW() < kW) {
            throw Checks.error(op, "kernel " + kH + "x" + kW + " is larger than the padded input (input " + Shape.str(x.shape()) + ", padding " + spec.padH() + "x" + spec.padW() + ")");
        }
        Tensor y = x.backend().conv2d(x, w, bias, spec);
        int[] xShape = x.shape();
        int[] wShape = w.shape();
        // The data gradient reads only w and the weight gradient only x: save each only when the other is needed
        // (a frozen discriminator's convolutions then hold no activations).
        boolean needX = x.requiresGrad(), needW = w.requiresGrad(), needBias = bias != null && bias.requiresGrad();
        return record(op, y, saves(needW ? x : null, needX ? w : null), g -> {
            // Rows the forward's rounding-down never reached come back as output padding of the transpose.
            int outPadH = (xShape[2] + 2 * spec.padH() - kH) % spec.strideH();
            int outPadW = (xShape[3] + 2 * spec.padW() - kW) % spec.strideW();
            Tensor dx = needX ? ConvTranspose2d.convTranspose2d(g, w, null, spec, outPadH, outPadW) : null;
            Tensor dw = needW ? g.backend().conv2dBackwardWeight(x, g, wShape, spec) : null;
            Tensor db = needBias ? g.sum(false, 0, 2, 3) : null;
            return new Tensor[] {dx, dw, db};
        }, x, w, bias);
    }
}
