package org.cyclegan.engine;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.ops.Convolution;
import org.cyclegan.engine.ops.Losses;
import org.cyclegan.engine.ops.Normalization;
import org.cyclegan.engine.ops.Pad2d;
import org.cyclegan.engine.ops.RandomMask;
import org.cyclegan.engine.ops.Recompute;
import org.cyclegan.engine.ops.Shapes;
import org.cyclegan.engine.ops.Upsample;

/**
 * The neural-network functions in one place, named as in {@code torch.nn.functional}. Each delegates to the op class
 * that holds its forward and backward.
 */
public final class F {
    private F() {}

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return Convolution.conv2d(x, w, bias, stride, padding);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        return Convolution.conv2d(x, w, bias, spec);
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding) {
        return Convolution.convTranspose2d(x, w, bias, stride, padding, outputPadding);
    }

    public static Tensor reflectionPad2d(Tensor x, int p) {
        return Pad2d.reflectionPad(x, p);
    }

    public static Tensor zeroPad2d(Tensor x, int p) {
        return Pad2d.zeroPad(x, p);
    }

    public static Tensor pad2d(Tensor x, Padding padding, Padding.Mode mode) {
        return Pad2d.pad(x, padding, mode);
    }

    /** {@code nn.Upsample(scale_factor=scale, mode='nearest')} of a 4-D tensor: every entry becomes a scale×scale block. */
    public static Tensor upsampleNearest2d(Tensor x, int scale) {
        return Upsample.nearest(x, scale);
    }

    public static Tensor instanceNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return Normalization.instanceNorm(x, weight, bias, eps);
    }

    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    public static Tensor dropout(Tensor x, float p, boolean training, Random rng) {
        return RandomMask.dropout(x, p, training, rng);
    }

    public static Tensor concat(List<Tensor> xs, int axis) {
        return Shapes.concat(xs, axis);
    }

    /** f(x) whose intermediates are recomputed in backward instead of kept (gradient checkpointing). */
    public static Tensor recompute(String name, java.util.function.UnaryOperator<Tensor> f, Tensor x, List<Tensor> parameters) {
        return Recompute.apply(name, f, x, parameters);
    }

    public static Tensor mseLoss(Tensor pred, Tensor target) {
        return Losses.mse(pred, target);
    }

    public static Tensor l1Loss(Tensor pred, Tensor target) {
        return Losses.l1(pred, target);
    }

    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return Losses.bceWithLogits(logits, target);
    }

    /** The WGAN-GP penalty of a recorded gradient, without λ: mean over samples of (‖g_n + 1e-16‖₂ − constant)². */
    public static Tensor gradientPenalty(Tensor gradient, float constant) {
        return Losses.gradientPenalty(gradient, constant);
    }
}
