package org.cyclegan.engine.autograd;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.ops.Elementwise;
import org.cyclegan.engine.ops.MatMul;

/**
 * The gradient-check cases of every op: a function of a few small inputs and how to draw them, checked by
 * {@link GradCheck} in double with its tolerances. An op has several cases where its backward has several paths (same shapes and
 * broadcasting, strides and padding, with and without bias). The first-order cases cover every op; the second-order
 * ones every op on a gradient penalty's path, most with a tanh or a product after the op, since a linear op's own
 * second derivative is 0 and would check nothing. Each case draws its inputs from a fresh generator, so a case
 * checks the same numbers however many others run before it; tensors a case holds constant are built on each call, on
 * the default backend of the moment (during a check, the float64 backend the check runs on).
 */
public final class OpCatalog {
    /** Seeds of the first- and second-order cases' generators. */
    private static final long FIRST_ORDER_SEED = 42, SECOND_ORDER_SEED = 7;

    private OpCatalog() {}

    /**
     * One check: {@code op} names the op under test, {@code variant} what this case exercises of it (empty for the
     * only case of an op); {@code inputs} draws the inputs from the generator it is given, {@code f} is the function
     * checked.
     */
    public record Case(String op, String variant, int order, Function<GradCheckInputs, List<Tensor>> inputs,
                       Function<List<Tensor>, Tensor> f) {
        public Case {
            if (order != 1 && order != 2) throw new IllegalArgumentException("order must be 1 or 2, got " + order);
        }

        /** "op" or "op/variant". */
        public String name() {
            return variant.isEmpty() ? op : op + "/" + variant;
        }

        /** The case's inputs, drawn afresh (the same numbers on every call). */
        public List<Tensor> draw() {
            return inputs.apply(new GradCheckInputs(order == 1 ? FIRST_ORDER_SEED : SECOND_ORDER_SEED));
        }

        /**
         * Checks {@code f} at {@code xs} (from {@link #draw}) in double, on the float64 reference backend, with
         * {@link GradCheck}'s tolerances, at this case's order.
         */
        public GradCheck.Report check(List<Tensor> xs) {
            return order == 1 ? GradCheck.check(f, xs) : GradCheck.checkSecondOrder(f, xs);
        }

        public GradCheck.Report check() {
            return check(draw());
        }
    }

    /** The distinct op names of {@code cases}, in order. */
    public static List<String> ops(List<Case> cases) {
        Set<String> ops = new LinkedHashSet<>();
        for (Case c : cases) ops.add(c.op());
        return new ArrayList<>(ops);
    }

    private static Case first(String op, String variant, Function<List<Tensor>, Tensor> f, Function<GradCheckInputs, List<Tensor>> inputs) {
        return new Case(op, variant, 1, inputs, f);
    }

    private static Case second(String op, String variant, Function<List<Tensor>, Tensor> f, Function<GradCheckInputs, List<Tensor>> inputs) {
        return new Case(op, variant, 2, inputs, f);
    }

    /** The running statistics of the eval-mode batch norm cases: held constant, as a trained network's are. */
    private static Tensor runningMean() {
        return Tensor.of(new float[] {0.3f, -0.2f}, 2);
    }

    private static Tensor runningVar() {
        return Tensor.of(new float[] {1.5f, 0.7f}, 2);
    }

    /** The first-order cases: every op, on every path of its backward. */
    public static List<Case> firstOrder() {
        List<Case> c = new ArrayList<>();
        // ---- arithmetic
        c.add(first("add", "sameShape", x -> x.get(0).add(x.get(1)), in -> List.of(in.randn(2, 3, 4), in.randn(2, 3, 4))));
        c.add(first("add", "perChannelBroadcast", x -> x.get(0).add(x.get(1)), in -> List.of(in.randn(2, 3, 2, 2), in.randn(1, 3, 1, 1))));
        c.add(first("add_scalar", "", x -> x.get(0).add(2.5f), in -> List.of(in.randn(3, 4))));
        c.add(first("add", "scalarTensorBroadcast", x -> x.get(0).add(x.get(1)), in -> List.of(in.randn(3, 4), in.randn(1))));
        c.add(first("sub", "sameShape", x -> x.get(0).sub(x.get(1)), in -> List.of(in.randn(2, 5), in.randn(2, 5))));
        c.add(first("sub", "perChannelBroadcast", x -> x.get(0).sub(x.get(1)), in -> List.of(in.randn(2, 3, 2, 2), in.randn(3, 1, 1))));
        c.add(first("sub_scalar", "", x -> x.get(0).sub(0.7f).rsub(1f), in -> List.of(in.randn(3, 4))));
        c.add(first("mul", "sameShape", x -> x.get(0).mul(x.get(1)), in -> List.of(in.randn(2, 3, 4), in.randn(2, 3, 4))));
        c.add(first("mul", "perChannelBroadcast", x -> x.get(0).mul(x.get(1)), in -> List.of(in.randn(2, 3, 2, 2), in.randn(1, 3, 1, 1))));
        c.add(first("mul_scalar", "", x -> x.get(0).mul(-1.5f), in -> List.of(in.randn(3, 4))));
        c.add(first("mul", "sameTensorTwice", x -> x.get(0).mul(x.get(0)), in -> List.of(in.randn(3, 4))));
        c.add(first("div", "sameShape", x -> x.get(0).div(x.get(1)), in -> List.of(in.randn(2, 3, 4), in.positive(2, 3, 4))));
        c.add(first("div", "perChannelBroadcast", x -> x.get(0).div(x.get(1)), in -> List.of(in.randn(2, 3, 2, 2), in.positive(1, 3, 1, 1))));
        c.add(first("div_scalar", "", x -> x.get(0).div(4f), in -> List.of(in.randn(3, 4))));
        // ---- element-wise
        c.add(first("neg", "", x -> x.get(0).neg(), in -> List.of(in.randn(3, 4))));
        c.add(first("exp", "", x -> x.get(0).exp(), in -> List.of(in.randn(3, 4))));
        c.add(first("log", "", x -> x.get(0).log(), in -> List.of(in.positive(3, 4))));
        c.add(first("log1p", "", x -> Elementwise.log1p(x.get(0)), in -> List.of(in.positive(3, 4))));
        c.add(first("sqrt", "", x -> x.get(0).sqrt(), in -> List.of(in.positive(3, 4))));
        c.add(first("abs", "", x -> x.get(0).abs(), in -> List.of(in.awayFromZero(3, 4))));
        c.add(first("tanh", "", x -> x.get(0).tanh(), in -> List.of(in.randn(3, 4))));
        c.add(first("sigmoid", "", x -> x.get(0).sigmoid(), in -> List.of(in.randn(3, 4))));
        c.add(first("relu", "", x -> x.get(0).relu(), in -> List.of(in.awayFromZero(3, 4))));
        c.add(first("leaky_relu", "", x -> x.get(0).leakyRelu(0.2f), in -> List.of(in.awayFromZero(3, 4))));
        // ---- reductions and shapes
        c.add(first("sum", "all", x -> x.get(0).sum(), in -> List.of(in.randn(2, 3, 4))));
        c.add(first("sum", "axes", x -> x.get(0).sum(false, 0, 2), in -> List.of(in.randn(2, 3, 4))));
        c.add(first("sum", "axesKeepDims", x -> x.get(0).sum(true, -1), in -> List.of(in.randn(2, 3, 4))));
        c.add(first("mean", "all", x -> x.get(0).mean(), in -> List.of(in.randn(2, 3, 4))));
        c.add(first("mean", "axes", x -> x.get(0).mean(true, 2, 3), in -> List.of(in.randn(2, 3, 2, 3))));
        c.add(first("sum_to", "", x -> x.get(0).sumTo(1, 3, 1), in -> List.of(in.randn(2, 2, 3, 4))));
        c.add(first("broadcast_to", "", x -> x.get(0).broadcastTo(2, 3, 4), in -> List.of(in.randn(3, 1))));
        c.add(first("reshape", "", x -> x.get(0).reshape(4, -1).mul(x.get(0).reshape(4, 6)), in -> List.of(in.randn(2, 3, 4))));
        c.add(first("concat", "channels", x -> F.concat(List.of(x.get(0), x.get(1), x.get(2)), 1),
                in -> List.of(in.randn(2, 2, 3, 3), in.randn(2, 1, 3, 3), in.randn(2, 3, 3, 3))));
        c.add(first("slice", "", x -> x.get(0).slice(1, 1, 2), in -> List.of(in.randn(2, 4, 3))));
        c.add(first("matmul", "", x -> x.get(0).matmul(x.get(1)), in -> List.of(in.randn(3, 4), in.randn(4, 5))));
        // Every transpose of either operand (neither is the case above).
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                if (!ta && !tb) continue;
                c.add(first("matmul", "ta=" + ta + ",tb=" + tb, x -> MatMul.matmul(x.get(0), x.get(1), ta, tb),
                        in -> List.of(ta ? in.randn(4, 3) : in.randn(3, 4), tb ? in.randn(5, 4) : in.randn(4, 5))));
            }
        // ---- convolution
        c.add(first("conv2d", "stride1_pad1_bias", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1),
                in -> List.of(in.randn(2, 3, 5, 4), in.randn(4, 3, 3, 3), in.randn(4))));
        c.add(first("conv2d", "stride2_pad1_oddInput", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1),
                in -> List.of(in.randn(1, 2, 7, 6), in.randn(3, 2, 3, 3), in.randn(3))));
        c.add(first("conv2d", "1x1_noBias", x -> F.conv2d(x.get(0), x.get(1), null, 1, 0), in -> List.of(in.randn(2, 3, 3, 3), in.randn(2, 3, 1, 1))));
        c.add(first("conv2d", "7x7", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 0), in -> List.of(in.randn(1, 2, 8, 9), in.randn(2, 2, 7, 7), in.randn(2))));
        c.add(first("conv2d", "rectangularStrideAndPadding", x -> F.conv2d(x.get(0), x.get(1), x.get(2), new ConvSpec(2, 1, 0, 2)),
                in -> List.of(in.randn(1, 2, 5, 4), in.randn(2, 2, 3, 2), in.randn(2))));
        // Reflection padding fused into the convolution (the generators'): borders mirrored, unequal paddings, a stride.
        c.add(first("conv2d", "reflect1_3x3_bias", x -> F.conv2d(x.get(0), x.get(1), x.get(2), ConvSpec.reflect(1, 1)),
                in -> List.of(in.randn(2, 2, 4, 5), in.randn(3, 2, 3, 3), in.randn(3))));
        c.add(first("conv2d", "reflect_wholeImage_unequal", x -> F.conv2d(x.get(0), x.get(1), null, new ConvSpec(1, 1, 2, 3, Padding.Mode.REFLECT)),
                in -> List.of(in.randn(1, 2, 3, 4), in.randn(2, 2, 3, 3))));
        c.add(first("conv2d", "reflect_stride2", x -> F.conv2d(x.get(0), x.get(1), x.get(2), ConvSpec.reflect(2, 1)),
                in -> List.of(in.randn(1, 2, 5, 6), in.randn(2, 2, 3, 3), in.randn(2))));
        c.add(first("conv_transpose2d", "stride2_pad1_outputPadding1_bias", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 1),
                in -> List.of(in.randn(2, 3, 3, 4), in.randn(3, 2, 3, 3), in.randn(2))));
        c.add(first("conv_transpose2d", "k4_stride2", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 0),
                in -> List.of(in.randn(1, 2, 3, 3), in.randn(2, 3, 4, 4), in.randn(3))));
        c.add(first("conv_transpose2d", "stride1_noBias", x -> F.convTranspose2d(x.get(0), x.get(1), null, 1, 1, 0),
                in -> List.of(in.randn(1, 2, 4, 4), in.randn(2, 2, 3, 3))));
        // ---- normalization, padding, up-sampling, dropout
        c.add(first("instance_norm", "noAffine", x -> F.instanceNorm(x.get(0), null, null, 1e-5f), in -> List.of(in.randn(2, 3, 3, 4))));
        c.add(first("instance_norm", "affine", x -> F.instanceNorm(x.get(0), x.get(1), x.get(2), 1e-5f),
                in -> List.of(in.randn(2, 3, 3, 3), in.randn(3), in.randn(3))));
        c.add(first("instance_norm", "largeEps", x -> F.instanceNorm(x.get(0), null, null, 0.5f), in -> List.of(in.randn(1, 2, 3, 3))));
        c.add(first("batch_norm", "train", x -> F.batchNorm(x.get(0), null, null, x.get(1), x.get(2), true, 0.1f, 1e-5f),
                in -> List.of(in.randn(3, 2, 2, 3), in.randn(2), in.randn(2))));
        c.add(first("batch_norm", "eval", x -> F.batchNorm(x.get(0), runningMean(), runningVar(), x.get(1), x.get(2), false, 0.1f, 1e-5f),
                in -> List.of(in.randn(2, 2, 2, 3), in.randn(2), in.randn(2))));
        c.add(first("reflection_pad2d", "", x -> F.reflectionPad2d(x.get(0), 2), in -> List.of(in.randn(1, 2, 4, 3))));
        c.add(first("reflection_pad2d", "asymmetric", x -> F.pad2d(x.get(0), new Padding(1, 2, 0, 3), Padding.Mode.REFLECT), in -> List.of(in.randn(1, 2, 4, 3))));
        c.add(first("zero_pad2d", "", x -> F.zeroPad2d(x.get(0), 1), in -> List.of(in.randn(2, 1, 3, 3))));
        c.add(first("upsample_nearest2d", "x2", x -> F.upsampleNearest2d(x.get(0), 2), in -> List.of(in.randn(2, 3, 3, 4))));
        c.add(first("upsample_nearest2d", "x3", x -> F.upsampleNearest2d(x.get(0), 3), in -> List.of(in.randn(1, 2, 2, 3))));
        // The mask comes from a freshly seeded generator on each call, so every evaluation drops the same elements.
        c.add(first("dropout", "", x -> F.dropout(x.get(0), 0.5f, true, new Random(3)), in -> List.of(in.randn(4, 5))));
        // ---- losses
        c.add(first("mse_loss", "", x -> F.mseLoss(x.get(0), x.get(1)), in -> List.of(in.randn(2, 1, 3, 3), in.randn(2, 1, 3, 3))));
        // The target is 0 and the prediction away from 0, so prediction − target stays away from l1's kink.
        c.add(first("l1_loss", "", x -> F.l1Loss(x.get(0), x.get(1)), in -> List.of(in.awayFromZero(2, 1, 3, 3), Tensor.zeros(2, 1, 3, 3))));
        c.add(first("bce_with_logits", "", x -> F.bceWithLogits(x.get(0), x.get(1)), in -> List.of(in.randn(2, 1, 3, 3), in.unitInterval(2, 1, 3, 3))));
        return c;
    }

    /**
     * The second-order cases (as {@code torch.autograd.gradgradcheck}): every op on a gradient penalty's path, and
     * the composites a penalty differentiates twice.
     */
    public static List<Case> secondOrder() {
        List<Case> c = new ArrayList<>();
        // ---- arithmetic
        c.add(second("add", "broadcast", x -> x.get(0).add(x.get(1)).mul(x.get(0)), in -> List.of(in.randn(2, 3, 2), in.randn(3, 1))));
        c.add(second("sub", "broadcast", x -> x.get(0).sub(x.get(1)).mul(x.get(1)), in -> List.of(in.randn(2, 3, 2), in.randn(1, 3, 1))));
        c.add(second("mul", "", x -> x.get(0).mul(x.get(1)), in -> List.of(in.randn(2, 3), in.randn(2, 3))));
        c.add(second("mul", "broadcastAndSameTensorTwice", x -> x.get(0).mul(x.get(0)).mul(x.get(1)), in -> List.of(in.randn(2, 3, 2), in.randn(3, 1))));
        c.add(second("div", "", x -> x.get(0).div(x.get(1)), in -> List.of(in.randn(2, 3), in.positive(2, 3))));
        c.add(second("div", "broadcast", x -> x.get(0).div(x.get(1)), in -> List.of(in.randn(2, 3, 2), in.positive(1, 3, 1))));
        c.add(second("scalar", "forms", x -> x.get(0).mul(x.get(0)).mul(-1.5f).add(0.3f).rsub(2f).div(3f), in -> List.of(in.randn(3, 4))));
        // ---- element-wise
        c.add(second("neg", "", x -> x.get(0).mul(x.get(0)).neg(), in -> List.of(in.randn(3, 4))));
        c.add(second("exp", "", x -> x.get(0).exp(), in -> List.of(in.randn(3, 4))));
        c.add(second("log", "", x -> x.get(0).log(), in -> List.of(in.positive(3, 4))));
        c.add(second("sqrt", "", x -> x.get(0).sqrt(), in -> List.of(in.positive(3, 4))));
        c.add(second("tanh", "", x -> x.get(0).tanh(), in -> List.of(in.randn(3, 4))));
        c.add(second("sigmoid", "", x -> x.get(0).sigmoid(), in -> List.of(in.randn(3, 4))));
        // Piecewise linear: the second derivative is 0, and the gradient with respect to the seed is the mask.
        c.add(second("relu", "", x -> x.get(0).relu(), in -> List.of(in.awayFromZero(3, 4))));
        c.add(second("leaky_relu", "", x -> x.get(0).leakyRelu(0.2f), in -> List.of(in.awayFromZero(3, 4))));
        c.add(second("leaky_relu", "ofAProduct", x -> x.get(0).mul(x.get(1)).leakyRelu(0.2f), in -> List.of(in.awayFromZero(3, 4), in.positive(3, 4))));
        c.add(second("abs", "", x -> x.get(0).abs().mul(x.get(0)), in -> List.of(in.awayFromZero(3, 4))));
        // ---- reductions and shapes
        c.add(second("sum", "all", x -> x.get(0).mul(x.get(0)).sum(), in -> List.of(in.randn(2, 3, 4))));
        c.add(second("sum", "axes", x -> x.get(0).sum(false, 0, 2).tanh(), in -> List.of(in.randn(2, 3, 4))));
        c.add(second("mean", "axes", x -> x.get(0).mean(true, 2, 3).mul(x.get(0)), in -> List.of(in.randn(2, 3, 2, 3))));
        c.add(second("mean", "all", x -> x.get(0).tanh().mean(), in -> List.of(in.randn(2, 3, 4))));
        c.add(second("broadcast_to", "", x -> x.get(0).broadcastTo(2, 3, 4).mul(x.get(1)), in -> List.of(in.randn(3, 1), in.randn(2, 3, 4))));
        c.add(second("sum_to", "", x -> x.get(0).mul(x.get(0)).sumTo(1, 3, 1), in -> List.of(in.randn(2, 2, 3, 4))));
        c.add(second("reshape", "", x -> x.get(0).reshape(4, -1).mul(x.get(0).reshape(4, 6)), in -> List.of(in.randn(2, 3, 4))));
        c.add(second("concat", "andSlice", x -> F.concat(List.of(x.get(0), x.get(1).tanh()), 1).slice(1, 1, 2).tanh(),
                in -> List.of(in.randn(2, 2, 3), in.randn(2, 1, 3))));
        c.add(second("matmul", "", x -> x.get(0).matmul(x.get(1)).tanh(), in -> List.of(in.randn(3, 4), in.randn(4, 5))));
        c.add(second("norm", "perSample", x -> x.get(0).norm(false, 1, 2, 3), in -> List.of(in.randn(2, 2, 3, 3))));
        // ---- convolution: bilinear, so its second derivatives pair x with w; tanh after it makes the pure ones non-zero
        c.add(second("conv2d", "allInputs", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1).tanh(),
                in -> List.of(in.randn(2, 2, 4, 3), in.randn(3, 2, 3, 3), in.randn(3))));
        c.add(second("conv2d", "bilinear", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1),
                in -> List.of(in.randn(1, 2, 4, 4), in.randn(2, 2, 3, 3), in.randn(2))));
        // The PatchGAN's layers: kernel 4, stride 2, padding 1, on an input the stride does not divide.
        c.add(second("conv2d", "stride2_k4_oddInput", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1).tanh(),
                in -> List.of(in.randn(1, 2, 7, 6), in.randn(2, 2, 4, 4), in.randn(2))));
        c.add(second("conv2d", "rectangularStrideAndPadding", x -> F.conv2d(x.get(0), x.get(1), null, new ConvSpec(2, 1, 0, 2)).tanh(),
                in -> List.of(in.randn(1, 2, 5, 4), in.randn(2, 2, 3, 2))));
        c.add(second("conv2d", "reflect", x -> F.conv2d(x.get(0), x.get(1), x.get(2), ConvSpec.reflect(1, 2)).tanh(),
                in -> List.of(in.randn(1, 2, 3, 4), in.randn(2, 2, 3, 3), in.randn(2))));
        // A constant image: the second derivative in w alone.
        c.add(second("conv2d", "weightOnly", x -> F.conv2d(x.get(0), x.get(1), null, 1, 0).tanh(), in -> List.of(in.constant(1, 2, 4, 4), in.randn(2, 2, 3, 3))));
        c.add(second("conv_transpose2d", "allInputs", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 1).tanh(),
                in -> List.of(in.randn(1, 2, 3, 3), in.randn(2, 2, 3, 3), in.randn(2))));
        c.add(second("conv_transpose2d", "k4_stride2", x -> F.convTranspose2d(x.get(0), x.get(1), null, 2, 1, 0).tanh(),
                in -> List.of(in.randn(1, 2, 3, 3), in.randn(2, 2, 4, 4))));
        // ---- normalization, padding and up-sampling
        c.add(second("instance_norm", "", x -> F.instanceNorm(x.get(0), null, null, 1e-5f).tanh(), in -> List.of(in.randn(2, 2, 3, 3))));
        c.add(second("instance_norm", "affine", x -> F.instanceNorm(x.get(0), x.get(1), x.get(2), 1e-5f).tanh(),
                in -> List.of(in.randn(1, 2, 3, 3), in.randn(2), in.randn(2))));
        c.add(second("instance_norm", "largeEps", x -> F.instanceNorm(x.get(0), null, null, 0.5f).mul(x.get(0)), in -> List.of(in.randn(1, 2, 2, 3))));
        c.add(second("batch_norm", "train", x -> F.batchNorm(x.get(0), null, null, x.get(1), x.get(2), true, 0.1f, 1e-5f).tanh(),
                in -> List.of(in.randn(3, 2, 2, 2), in.randn(2), in.randn(2))));
        c.add(second("batch_norm", "eval", x -> F.batchNorm(x.get(0), runningMean(), runningVar(), x.get(1), x.get(2), false, 0.1f, 1e-5f).tanh(),
                in -> List.of(in.randn(2, 2, 2, 3), in.randn(2), in.randn(2))));
        c.add(second("reflection_pad2d", "", x -> F.reflectionPad2d(x.get(0), 2).tanh(), in -> List.of(in.randn(1, 2, 4, 3))));
        c.add(second("reflection_pad2d", "asymmetric", x -> F.pad2d(x.get(0), new Padding(1, 2, 0, 3), Padding.Mode.REFLECT).tanh(),
                in -> List.of(in.randn(1, 1, 4, 3))));
        c.add(second("zero_pad2d", "", x -> F.zeroPad2d(x.get(0), 1).tanh(), in -> List.of(in.randn(2, 1, 3, 3))));
        c.add(second("upsample_nearest2d", "", x -> F.upsampleNearest2d(x.get(0), 2).tanh(), in -> List.of(in.randn(1, 2, 3, 2))));
        // ---- losses
        c.add(second("mse_loss", "", x -> F.mseLoss(x.get(0).tanh(), x.get(1)), in -> List.of(in.randn(2, 1, 3, 3), in.randn(2, 1, 3, 3))));
        c.add(second("l1_loss", "", x -> F.l1Loss(x.get(0).mul(x.get(0)), Tensor.zeros(2, 1, 2, 2)), in -> List.of(in.awayFromZero(2, 1, 2, 2))));
        c.add(second("bce_with_logits", "", x -> F.bceWithLogits(x.get(0), x.get(1)), in -> List.of(in.randn(2, 1, 2, 2), in.unitInterval(2, 1, 2, 2))));
        // ---- composites
        c.add(second("recompute", "", x -> F.recompute("block", h -> F.conv2d(F.reflectionPad2d(h, 1), x.get(1), null, 1, 0).tanh(), x.get(0), List.of(x.get(1))),
                in -> {
                    Tensor w = in.randn(2, 2, 3, 3);   // drawn before the input
                    return List.of(in.randn(1, 2, 3, 3), w);
                }));
        // conv → instance norm → leaky relu → conv, the PatchGAN's pattern.
        c.add(second("patch", "", x -> F.conv2d(F.instanceNorm(F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1), null, null, 1e-5f).leakyRelu(0.2f),
                x.get(3), x.get(4), 1, 1), in -> List.of(in.randn(1, 2, 6, 6), in.randn(3, 2, 4, 4), in.randn(3), in.randn(1, 3, 3, 3), in.randn(1))));
        return c;
    }
}
