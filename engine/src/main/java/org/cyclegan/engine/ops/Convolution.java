package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;
import static org.cyclegan.engine.autograd.Autograd.wantsGradient;

import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * 2-D convolution and its transpose, side by side because each is the other's gradient.
 *
 * <p>{@link #conv2d}: cross-correlation, as PyTorch: x [N, Cin, H, W] ⊛ w [Cout, Cin, kH, kW] + bias [Cout].
 * Convolution is linear in x, so its gradient with respect to x applies the transposed (adjoint) linear map to g:
 * that map is exactly {@link #convTranspose2d}, and the backward calls it. The gradient with respect to w correlates
 * x with g; the gradient of the bias sums g over everything but the channel.
 *
 * <p>{@link #convTranspose2d}, as PyTorch's conv_transpose2d: x [N, Cin, H, W], w [Cin, Cout, kH, kW], bias [Cout],
 * out [N, Cout, (H−1)·s − 2p + k + outputPadding, ...]. It is defined as the adjoint of conv2d: take the convolution
 * that maps an image of the output's shape to an image of x's shape with weight w (read as
 * [Cout_conv = Cin, Cin_conv = Cout, kH, kW]); the transposed convolution applies that map's transpose. So
 * <ul>
 *   <li>forward = the convolution's backward-data kernel,</li>
 *   <li>gradient w.r.t. x = the convolution itself, applied to g,</li>
 *   <li>gradient w.r.t. w = the convolution's weight gradient with the roles of input and output swapped.</li>
 * </ul>
 * No new arithmetic is needed: the same three kernels serve both ops.
 *
 * <p>Padding is zeros or, with {@link ConvSpec#reflect}, a reflection of the input's border: then conv2d is
 * reflection_pad2d followed by an unpadded convolution, fused so that no padded copy of x is made. The adjoint
 * algebra is unchanged: the data gradient is the transposed convolution with the same spec (the padded image's
 * gradient with its border folded back onto the rows and columns it mirrors, as {@link Pad2d#padGradient} does), and
 * the weight gradient reads x through the reflection as the forward does.
 *
 * <p>Every backward rule here is differentiable again: the input gradients (each op's is the other op), the bias
 * gradients (a sum), and the weight gradients, which are an op of their own, {@link #weightGradient}, whose backward
 * is the two convolutions again. In a plain backward (grad mode off) each rule is one kernel call, as before.
 */
public final class Convolution {
    private Convolution() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, ConvSpec.of(stride, padding));
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        String op = "conv2d";
        checkOperands(op, x, w, bias, 1);   // w [Cout, Cin, kH, kW]
        int kH = w.dim(2), kW = w.dim(3);
        if (x.dim(2) + 2 * spec.padH() < kH || x.dim(3) + 2 * spec.padW() < kW) {
            throw Checks.error(op, "kernel " + kH + "x" + kW + " is larger than the padded input (input " + Shape.str(x.shape()) + ", padding " + spec.padH() + "x" + spec.padW() + ")");
        }
        checkReflection(op, x.shape(), spec);
        Tensor y = x.backend().conv2d(x, w, bias, spec);
        int[] xShape = x.shape();
        int[] wShape = w.shape();
        // The data gradient reads only w and the weight gradient only x: save each only when the other is needed
        // (a frozen discriminator's convolutions then hold no activations).
        boolean needX = x.requiresGrad(), needW = w.requiresGrad();
        return record(op, y, saves(needW ? x : null, needX ? w : null), g -> new Tensor[] {
                needX && wantsGradient(x) ? dataGradient(g, w, xShape, spec) : null,
                needW && wantsGradient(w) ? weightGradient(x, g, wShape, spec) : null,
                wantsGradient(bias) ? g.sum(false, 0, 2, 3) : null}, x, w, bias);
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding) {
        return convTranspose2d(x, w, bias, ConvSpec.of(stride, padding), outputPadding, outputPadding);
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec, int outPadH, int outPadW) {
        String op = "conv_transpose2d";
        checkOperands(op, x, w, bias, 0);   // w [Cin, Cout, kH, kW]
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
        checkReflection(op, outShape, spec);
        Tensor y = x.backend().conv2dBackwardData(x, w, outShape, spec);
        if (bias != null) {
            Tensor unbiased = y;
            y = y.backend().binary(BinaryOp.ADD, y, Tensor.wrap(bias.backend(), bias.storage(), 1, bias.dim(0), 1, 1));
            MemoryScope.done(unbiased);
        }
        int[] wShape = w.shape();
        boolean needX = x.requiresGrad(), needW = w.requiresGrad();
        return record(op, y, saves(needW ? x : null, needX ? w : null), g -> new Tensor[] {
                needX && wantsGradient(x) ? conv2d(g, w, null, spec) : null,
                needW && wantsGradient(w) ? weightGradient(g, x, wShape, spec) : null,   // the roles of input and output swapped
                wantsGradient(bias) ? g.sum(false, 0, 2, 3) : null}, x, w, bias);
    }

    /**
     * The gradient of conv2d with respect to its input x of shape {@code xShape}: the transposed convolution of dy.
     * Rows of x the forward's rounding-down never reached come back as the transpose's output padding.
     */
    private static Tensor dataGradient(Tensor dy, Tensor w, int[] xShape, ConvSpec spec) {
        int outPadH = (xShape[2] + 2 * spec.padH() - w.dim(2)) % spec.strideH();
        int outPadW = (xShape[3] + 2 * spec.padW() - w.dim(3)) % spec.strideW();
        return convTranspose2d(dy, w, null, spec, outPadH, outPadW);
    }

    /**
     * The gradient of conv2d(x, w) with respect to w of shape {@code wShape}, given dy, the gradient with respect to
     * its output: dW[o, c, p, q] = Σ dy[n, o, i, j] · x[n, c, s·i + p − pad, s·j + q − pad], one backend kernel.
     *
     * <p>An op of its own, so it can be differentiated again. It is bilinear in x and dy: for any G of w's shape,
     * ⟨dW, G⟩ = ⟨dy, conv2d(x, G)⟩ = ⟨x, conv2dBackwardData(dy, G)⟩. So the gradient of ⟨dW, G⟩ with respect to dy is
     * conv2d(x, G), and with respect to x the transposed convolution of dy with G: both are convolution ops, whose own
     * rules are differentiable again.
     */
    public static Tensor weightGradient(Tensor x, Tensor dy, int[] wShape, ConvSpec spec) {
        Tensor dw = x.backend().conv2dBackwardWeight(x, dy, wShape, spec);
        int[] xShape = x.shape();
        boolean needX = x.requiresGrad(), needDy = dy.requiresGrad();
        return record("conv2d_weight_grad", dw, saves(needDy ? x : null, needX ? dy : null), g -> new Tensor[] {
                needX && wantsGradient(x) ? dataGradient(dy, g, xShape, spec) : null,
                needDy && wantsGradient(dy) ? conv2d(x, g, null, spec) : null}, x, dy);
    }

    /** A reflection cannot reach further than the edge it mirrors (PyTorch's ReflectionPad2d's rule). */
    private static void checkReflection(String op, int[] imageShape, ConvSpec spec) {
        if (spec.reflects() && (spec.padH() >= imageShape[2] || spec.padW() >= imageShape[3])) {
            throw Checks.error(op, "reflection padding " + spec.padH() + "x" + spec.padW() + " must be smaller than the image's H and W, image " + Shape.str(imageShape));
        }
    }

    /** x and w 4-D on one backend, x's channels on w's axis {@code inputAxis}, the bias [the other axis of w] or null. */
    private static void checkOperands(String op, Tensor x, Tensor w, Tensor bias, int inputAxis) {
        Checks.sameBackend(op, x, w);
        Checks.rank(op, "input", x, 4);
        Checks.rank(op, "weight", w, 4);
        if (x.dim(1) != w.dim(inputAxis)) {
            throw Checks.error(op, "input has " + x.dim(1) + " channels but weight expects " + w.dim(inputAxis)
                    + " (input " + Shape.str(x.shape()) + ", weight " + Shape.str(w.shape()) + ")");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != w.dim(1 - inputAxis))) {
            throw Checks.error(op, "bias shape " + Shape.str(bias.shape()) + " does not match weight " + Shape.str(w.shape()));
        }
    }
}
