package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.Padding;
import org.junit.jupiter.api.Test;

/**
 * A finite-difference gradient check for every op (on the default, reference backend).
 *
 * <p>Tolerances: central differences with ε = 1e-2 on a float32 forward; an element passes when
 * |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric|. With ε = 1e-2 the float32 rounding of L = Σ y·r contributes about
 * 1e-5 and the O(ε²) truncation about 1e-4 relative, so a wrong derivative (off by a factor, a sign, a missing term)
 * fails by orders of magnitude. Inputs of ops with kinks (relu, abs, …) are kept at least 0.05 away from the kink, so
 * no finite difference straddles it.
 */
class GradCheckTest {
    static final double EPS = 1e-2, ATOL = 1e-3, RTOL = 1e-2;
    final CheckInputs in = new CheckInputs(42);
    final Random rng = in.rng;

    /** Checks {@code f} at {@code inputs}; every input requires grad unless marked otherwise by the caller. */
    static void check(String op, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(f, List.of(inputs), EPS, ATOL, RTOL);
        assertTrue(r.checked() > 0, op + ": nothing was checked");
        assertTrue(r.passed(), op + ": gradient mismatch, worst at " + r.worst() + " (error/allowed = " + r.maxRatio() + ")");
    }

    Tensor randn(int... shape) { return in.randn(shape); }
    Tensor awayFromZero(int... shape) { return in.awayFromZero(shape); }
    Tensor positive(int... shape) { return in.positive(shape); }

    // ---- arithmetic ----------------------------------------------------------------------------------------

    @Test void add_sameShape() { check("add", x -> x.get(0).add(x.get(1)), randn(2, 3, 4), randn(2, 3, 4)); }
    @Test void add_perChannelBroadcast() { check("add", x -> x.get(0).add(x.get(1)), randn(2, 3, 2, 2), randn(1, 3, 1, 1)); }
    @Test void add_scalar() { check("add_scalar", x -> x.get(0).add(2.5f), randn(3, 4)); }
    @Test void add_scalarTensorBroadcast() { check("add", x -> x.get(0).add(x.get(1)), randn(3, 4), randn(1)); }

    @Test void sub_sameShape() { check("sub", x -> x.get(0).sub(x.get(1)), randn(2, 5), randn(2, 5)); }
    @Test void sub_perChannelBroadcast() { check("sub", x -> x.get(0).sub(x.get(1)), randn(2, 3, 2, 2), randn(3, 1, 1)); }
    @Test void sub_scalar() { check("sub_scalar", x -> x.get(0).sub(0.7f).rsub(1f), randn(3, 4)); }

    @Test void mul_sameShape() { check("mul", x -> x.get(0).mul(x.get(1)), randn(2, 3, 4), randn(2, 3, 4)); }
    @Test void mul_perChannelBroadcast() { check("mul", x -> x.get(0).mul(x.get(1)), randn(2, 3, 2, 2), randn(1, 3, 1, 1)); }
    @Test void mul_scalar() { check("mul_scalar", x -> x.get(0).mul(-1.5f), randn(3, 4)); }
    @Test void mul_sameTensorTwice() { check("mul", x -> x.get(0).mul(x.get(0)), randn(3, 4)); }

    @Test void div_sameShape() { check("div", x -> x.get(0).div(x.get(1)), randn(2, 3, 4), positive(2, 3, 4)); }
    @Test void div_perChannelBroadcast() { check("div", x -> x.get(0).div(x.get(1)), randn(2, 3, 2, 2), positive(1, 3, 1, 1)); }
    @Test void div_scalar() { check("div_scalar", x -> x.get(0).div(4f), randn(3, 4)); }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Test void neg() { check("neg", x -> x.get(0).neg(), randn(3, 4)); }
    @Test void exp() { check("exp", x -> x.get(0).exp(), randn(3, 4)); }
    @Test void log() { check("log", x -> x.get(0).log(), positive(3, 4)); }
    @Test void log1p() { check("log1p", x -> org.cyclegan.engine.ops.Elementwise.log1p(x.get(0)), positive(3, 4)); }
    @Test void sqrt() { check("sqrt", x -> x.get(0).sqrt(), positive(3, 4)); }
    @Test void abs() { check("abs", x -> x.get(0).abs(), awayFromZero(3, 4)); }
    @Test void tanh() { check("tanh", x -> x.get(0).tanh(), randn(3, 4)); }
    @Test void sigmoid() { check("sigmoid", x -> x.get(0).sigmoid(), randn(3, 4)); }
    @Test void relu() { check("relu", x -> x.get(0).relu(), awayFromZero(3, 4)); }
    @Test void leakyRelu() { check("leaky_relu", x -> x.get(0).leakyRelu(0.2f), awayFromZero(3, 4)); }

    // ---- reductions and shapes ------------------------------------------------------------------------------

    @Test void sum_all() { check("sum", x -> x.get(0).sum(), randn(2, 3, 4)); }
    @Test void sum_axes() { check("sum", x -> x.get(0).sum(false, 0, 2), randn(2, 3, 4)); }
    @Test void sum_axesKeepDims() { check("sum", x -> x.get(0).sum(true, -1), randn(2, 3, 4)); }
    @Test void mean_all() { check("mean", x -> x.get(0).mean(), randn(2, 3, 4)); }
    @Test void mean_axes() { check("mean", x -> x.get(0).mean(true, 2, 3), randn(2, 3, 2, 3)); }
    @Test void sumTo() { check("sum_to", x -> x.get(0).sumTo(1, 3, 1), randn(2, 2, 3, 4)); }
    @Test void broadcastTo() { check("broadcast_to", x -> x.get(0).broadcastTo(2, 3, 4), randn(3, 1)); }
    @Test void reshape() { check("reshape", x -> x.get(0).reshape(4, -1).mul(x.get(0).reshape(4, 6)), randn(2, 3, 4)); }
    @Test void concat_channels() {
        check("concat", x -> F.concat(List.of(x.get(0), x.get(1), x.get(2)), 1), randn(2, 2, 3, 3), randn(2, 1, 3, 3), randn(2, 3, 3, 3));
    }
    @Test void slice() { check("slice", x -> x.get(0).slice(1, 1, 2), randn(2, 4, 3)); }
    @Test void matmul() { check("matmul", x -> x.get(0).matmul(x.get(1)), randn(3, 4), randn(4, 5)); }
    @Test void matmul_transposed() {
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? randn(4, 3) : randn(3, 4);
                Tensor b = tb ? randn(5, 4) : randn(4, 5);
                check("matmul ta=" + ta + " tb=" + tb, x -> org.cyclegan.engine.ops.MatMul.matmul(x.get(0), x.get(1), ta, tb), a, b);
            }
    }

    // ---- convolution ------------------------------------------------------------------------------------------

    @Test void conv2d_stride1_pad1_bias() {
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1), randn(2, 3, 5, 4), randn(4, 3, 3, 3), randn(4));
    }
    @Test void conv2d_stride2_pad1_oddInput() {
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1), randn(1, 2, 7, 6), randn(3, 2, 3, 3), randn(3));
    }
    @Test void conv2d_1x1_noBias() { check("conv2d", x -> F.conv2d(x.get(0), x.get(1), null, 1, 0), randn(2, 3, 3, 3), randn(2, 3, 1, 1)); }
    @Test void conv2d_7x7() { check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 0), randn(1, 2, 8, 9), randn(2, 2, 7, 7), randn(2)); }
    @Test void conv2d_rectangularStrideAndPadding() {
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), new ConvSpec(2, 1, 0, 2)), randn(1, 2, 5, 4), randn(2, 2, 3, 2), randn(2));
    }

    @Test void convTranspose2d_stride2_pad1_outputPadding1_bias() {
        check("conv_transpose2d", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 1), randn(2, 3, 3, 4), randn(3, 2, 3, 3), randn(2));
    }
    @Test void convTranspose2d_k4_stride2() {
        check("conv_transpose2d", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 0), randn(1, 2, 3, 3), randn(2, 3, 4, 4), randn(3));
    }
    @Test void convTranspose2d_stride1_noBias() {
        check("conv_transpose2d", x -> F.convTranspose2d(x.get(0), x.get(1), null, 1, 1, 0), randn(1, 2, 4, 4), randn(2, 2, 3, 3));
    }

    // ---- normalization, padding, dropout -------------------------------------------------------------------------

    @Test void instanceNorm_noAffine() { check("instance_norm", x -> F.instanceNorm(x.get(0), null, null, 1e-5f), randn(2, 3, 3, 4)); }
    @Test void instanceNorm_affine() {
        check("instance_norm", x -> F.instanceNorm(x.get(0), x.get(1), x.get(2), 1e-5f), randn(2, 3, 3, 3), randn(3), randn(3));
    }
    @Test void instanceNorm_largeEps() { check("instance_norm", x -> F.instanceNorm(x.get(0), null, null, 0.5f), randn(1, 2, 3, 3)); }

    @Test void batchNorm_train() {
        check("batch_norm", x -> F.batchNorm(x.get(0), null, null, x.get(1), x.get(2), true, 0.1f, 1e-5f), randn(3, 2, 2, 3), randn(2), randn(2));
    }
    @Test void batchNorm_eval() {
        Tensor rm = Tensor.of(new float[] {0.3f, -0.2f}, 2);
        Tensor rv = Tensor.of(new float[] {1.5f, 0.7f}, 2);
        check("batch_norm", x -> F.batchNorm(x.get(0), rm, rv, x.get(1), x.get(2), false, 0.1f, 1e-5f), randn(2, 2, 2, 3), randn(2), randn(2));
    }

    @Test void reflectionPad() { check("reflection_pad2d", x -> F.reflectionPad2d(x.get(0), 2), randn(1, 2, 4, 3)); }
    @Test void reflectionPad_asymmetric() {
        check("reflection_pad2d", x -> F.pad2d(x.get(0), new Padding(1, 2, 0, 3), Padding.Mode.REFLECT), randn(1, 2, 4, 3));
    }
    @Test void zeroPad() { check("zero_pad2d", x -> F.zeroPad2d(x.get(0), 1), randn(2, 1, 3, 3)); }

    @Test void dropout() {
        // The mask comes from a freshly seeded generator on each call, so every evaluation drops the same elements.
        check("dropout", x -> F.dropout(x.get(0), 0.5f, true, new Random(3)), randn(4, 5));
        Tensor y = F.dropout(Tensor.ones(1000), 0.5f, true, new Random(3));
        float[] v = y.toArray();
        int kept = 0;
        for (float f : v) {
            assertTrue(f == 0f || f == 2f, "dropout keeps scaled values 1/(1-p) = 2 or zeros, got " + f);
            if (f != 0f) kept++;
        }
        assertTrue(kept > 430 && kept < 570, "about half kept, got " + kept);
        Tensor x = Tensor.ones(10);
        assertEquals(x, F.dropout(x, 0.5f, false, new Random(3)), "evaluation mode is the identity");
    }

    // ---- losses ---------------------------------------------------------------------------------------------

    @Test void mseLoss() { check("mse_loss", x -> F.mseLoss(x.get(0), x.get(1)), randn(2, 1, 3, 3), randn(2, 1, 3, 3)); }
    @Test void l1Loss() {
        Tensor p = awayFromZero(2, 1, 3, 3);
        Tensor t = Tensor.zeros(2, 1, 3, 3);   // prediction − target stays away from 0
        check("l1_loss", x -> F.l1Loss(x.get(0), x.get(1)), p, t);
    }
    @Test void bceWithLogits() {
        check("bce_with_logits", x -> F.bceWithLogits(x.get(0), x.get(1)), randn(2, 1, 3, 3), Tensor.uniform(rng, 0f, 1f, 2, 1, 3, 3).requiresGrad(true));
    }
    @Test void bceWithLogits_atZeroUsesTheTrueDerivative() {
        Tensor x = Tensor.zeros(4).requiresGrad(true);
        F.bceWithLogits(x, Tensor.zeros(4)).backward();
        for (float g : x.grad().toArray()) assertEquals(0.5f / 4, g, 1e-7f, "d/dx at 0 is (σ(0) − 0)/n");
    }

    @Test void gradCheckItselfCatchesAWrongDerivative() {
        // A deliberately wrong op (forward x², backward claiming 3x) must fail the check, or the check proves nothing.
        Function<List<Tensor>, Tensor> wrong = x -> org.cyclegan.engine.autograd.Autograd.record("wrong_square",
                x.get(0).detach().mul(x.get(0).detach()), org.cyclegan.engine.autograd.Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach()).mul(3f)}, x.get(0));
        GradCheck.Report r = GradCheck.check(wrong, List.of(randn(3, 3)), EPS, ATOL, RTOL);
        assertFalse(r.passed(), "a wrong derivative must be caught");
    }
}
