package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.Padding;
import org.junit.jupiter.api.Test;

/**
 * A finite-difference check of the second derivatives, as {@code torch.autograd.gradgradcheck}, for every op on a
 * gradient penalty's path (on the default, reference backend): the gradient of ⟨grad(f, x; seed v), r⟩ with respect to
 * x and to v, recorded by {@code Autograd.grad} with createGraph, against central differences of first-order gradients.
 *
 * <p>Tolerances as the first-order check ({@link GradCheckTest}): ε = 1e-2, |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric|.
 * The differences are now of float32 first-order gradients, whose rounding (about 1e-6 of their size) divided by 2ε
 * stays near 1e-4; the O(ε²) truncation error grows with the third derivative, which is why the normalizations (whose
 * derivatives grow as 1/σ) are checked on inputs with a spread of about 1.
 */
class GradGradCheckTest {
    static final double EPS = 1e-2, ATOL = 1e-3, RTOL = 1e-2;
    final CheckInputs in = new CheckInputs(7);

    static void check(String op, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.Report r = GradCheck.checkSecondOrder(f, List.of(inputs), EPS, ATOL, RTOL);
        int inputElements = 0, seedElements;
        for (Tensor x : inputs) if (x.requiresGrad()) inputElements += x.numel();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            seedElements = f.apply(List.of(inputs)).numel();
        }
        assertEquals(inputElements + seedElements, r.checked(), op + ": every element of every input and of the seed is checked");
        assertTrue(r.passed(), op + ": second-order gradient mismatch, worst at " + r.worst() + " (error/allowed = " + r.maxRatio() + ")");
    }

    // ---- arithmetic --------------------------------------------------------------------------------------------

    @Test void add_broadcast() { check("add", x -> x.get(0).add(x.get(1)).mul(x.get(0)), in.randn(2, 3, 2), in.randn(3, 1)); }
    @Test void sub_broadcast() { check("sub", x -> x.get(0).sub(x.get(1)).mul(x.get(1)), in.randn(2, 3, 2), in.randn(1, 3, 1)); }
    @Test void mul() { check("mul", x -> x.get(0).mul(x.get(1)), in.randn(2, 3), in.randn(2, 3)); }
    @Test void mul_broadcastAndSameTensorTwice() { check("mul", x -> x.get(0).mul(x.get(0)).mul(x.get(1)), in.randn(2, 3, 2), in.randn(3, 1)); }
    @Test void div() { check("div", x -> x.get(0).div(x.get(1)), in.randn(2, 3), in.positive(2, 3)); }
    @Test void div_broadcast() { check("div", x -> x.get(0).div(x.get(1)), in.randn(2, 3, 2), in.positive(1, 3, 1)); }
    @Test void scalarForms() { check("scalar", x -> x.get(0).mul(x.get(0)).mul(-1.5f).add(0.3f).rsub(2f).div(3f), in.randn(3, 4)); }

    // ---- element-wise ----------------------------------------------------------------------------------------------

    @Test void neg() { check("neg", x -> x.get(0).mul(x.get(0)).neg(), in.randn(3, 4)); }
    @Test void exp() { check("exp", x -> x.get(0).exp(), in.randn(3, 4)); }
    @Test void log() { check("log", x -> x.get(0).log(), in.positive(3, 4)); }
    @Test void sqrt() { check("sqrt", x -> x.get(0).sqrt(), in.positive(3, 4)); }
    @Test void tanh() { check("tanh", x -> x.get(0).tanh(), in.randn(3, 4)); }
    @Test void sigmoid() { check("sigmoid", x -> x.get(0).sigmoid(), in.randn(3, 4)); }
    // Piecewise linear: the second derivative is 0, and the gradient with respect to the seed is the mask.
    @Test void relu() { check("relu", x -> x.get(0).relu(), in.awayFromZero(3, 4)); }
    @Test void leakyRelu() { check("leaky_relu", x -> x.get(0).leakyRelu(0.2f), in.awayFromZero(3, 4)); }
    @Test void leakyReluOfAProduct() { check("leaky_relu", x -> x.get(0).mul(x.get(1)).leakyRelu(0.2f), in.awayFromZero(3, 4), in.positive(3, 4)); }
    @Test void abs() { check("abs", x -> x.get(0).abs().mul(x.get(0)), in.awayFromZero(3, 4)); }

    // ---- reductions and shapes -------------------------------------------------------------------------------------

    @Test void sum_all() { check("sum", x -> x.get(0).mul(x.get(0)).sum(), in.randn(2, 3, 4)); }
    @Test void sum_axes() { check("sum", x -> x.get(0).sum(false, 0, 2).tanh(), in.randn(2, 3, 4)); }
    @Test void mean_axes() { check("mean", x -> x.get(0).mean(true, 2, 3).mul(x.get(0)), in.randn(2, 3, 2, 3)); }
    @Test void mean_all() { check("mean", x -> x.get(0).tanh().mean(), in.randn(2, 3, 4)); }
    @Test void broadcastTo() { check("broadcast_to", x -> x.get(0).broadcastTo(2, 3, 4).mul(x.get(1)), in.randn(3, 1), in.randn(2, 3, 4)); }
    @Test void sumTo() { check("sum_to", x -> x.get(0).mul(x.get(0)).sumTo(1, 3, 1), in.randn(2, 2, 3, 4)); }
    @Test void reshape() { check("reshape", x -> x.get(0).reshape(4, -1).mul(x.get(0).reshape(4, 6)), in.randn(2, 3, 4)); }
    @Test void concatAndSlice() {
        check("concat", x -> F.concat(List.of(x.get(0), x.get(1).tanh()), 1).slice(1, 1, 2).tanh(), in.randn(2, 2, 3), in.randn(2, 1, 3));
    }
    @Test void matmul() { check("matmul", x -> x.get(0).matmul(x.get(1)).tanh(), in.randn(3, 4), in.randn(4, 5)); }
    @Test void norm_perSample() { check("norm", x -> x.get(0).norm(false, 1, 2, 3), in.randn(2, 2, 3, 3)); }

    // ---- convolution -----------------------------------------------------------------------------------------------

    /** A convolution is bilinear: its second derivatives pair x with w; tanh after it makes the pure ones non-zero. */
    @Test void conv2d_allInputs() {
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1).tanh(), in.randn(2, 2, 4, 3), in.randn(3, 2, 3, 3), in.randn(3));
    }
    @Test void conv2d_bilinear() { check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 1, 1), in.randn(1, 2, 4, 4), in.randn(2, 2, 3, 3), in.randn(2)); }
    @Test void conv2d_stride2_k4_oddInput() {
        // The PatchGAN's layers: kernel 4, stride 2, padding 1, on an input the stride does not divide.
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1).tanh(), in.randn(1, 2, 7, 6), in.randn(2, 2, 4, 4), in.randn(2));
    }
    @Test void conv2d_rectangularStrideAndPadding() {
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), null, new ConvSpec(2, 1, 0, 2)).tanh(), in.randn(1, 2, 5, 4), in.randn(2, 2, 3, 2));
    }
    @Test void conv2d_weightOnly() {
        Tensor x0 = Tensor.randn(in.rng, 1, 2, 4, 4);   // a constant image: the second derivative in w alone
        check("conv2d", x -> F.conv2d(x.get(0), x.get(1), null, 1, 0).tanh(), x0, in.randn(2, 2, 3, 3));
    }
    @Test void convTranspose2d_allInputs() {
        check("conv_transpose2d", x -> F.convTranspose2d(x.get(0), x.get(1), x.get(2), 2, 1, 1).tanh(), in.randn(1, 2, 3, 3), in.randn(2, 2, 3, 3), in.randn(2));
    }
    @Test void convTranspose2d_k4_stride2() {
        check("conv_transpose2d", x -> F.convTranspose2d(x.get(0), x.get(1), null, 2, 1, 0).tanh(), in.randn(1, 2, 3, 3), in.randn(2, 2, 4, 4));
    }

    // ---- normalization and padding ---------------------------------------------------------------------------------

    @Test void instanceNorm() { check("instance_norm", x -> F.instanceNorm(x.get(0), null, null, 1e-5f).tanh(), in.randn(2, 2, 3, 3)); }
    @Test void instanceNorm_affine() {
        check("instance_norm", x -> F.instanceNorm(x.get(0), x.get(1), x.get(2), 1e-5f).tanh(), in.randn(1, 2, 3, 3), in.randn(2), in.randn(2));
    }
    @Test void instanceNorm_largeEps() { check("instance_norm", x -> F.instanceNorm(x.get(0), null, null, 0.5f).mul(x.get(0)), in.randn(1, 2, 2, 3)); }
    @Test void batchNorm_train() {
        check("batch_norm", x -> F.batchNorm(x.get(0), null, null, x.get(1), x.get(2), true, 0.1f, 1e-5f).tanh(), in.randn(3, 2, 2, 2), in.randn(2), in.randn(2));
    }
    @Test void batchNorm_eval() {
        Tensor rm = Tensor.of(new float[] {0.3f, -0.2f}, 2);
        Tensor rv = Tensor.of(new float[] {1.5f, 0.7f}, 2);
        check("batch_norm", x -> F.batchNorm(x.get(0), rm, rv, x.get(1), x.get(2), false, 0.1f, 1e-5f).tanh(), in.randn(2, 2, 2, 3), in.randn(2), in.randn(2));
    }
    @Test void reflectionPad() { check("reflection_pad2d", x -> F.reflectionPad2d(x.get(0), 2).tanh(), in.randn(1, 2, 4, 3)); }
    @Test void reflectionPad_asymmetric() {
        check("reflection_pad2d", x -> F.pad2d(x.get(0), new Padding(1, 2, 0, 3), Padding.Mode.REFLECT).tanh(), in.randn(1, 1, 4, 3));
    }
    @Test void zeroPad() { check("zero_pad2d", x -> F.zeroPad2d(x.get(0), 1).tanh(), in.randn(2, 1, 3, 3)); }

    // ---- losses ------------------------------------------------------------------------------------------------------

    @Test void mseLoss() { check("mse_loss", x -> F.mseLoss(x.get(0).tanh(), x.get(1)), in.randn(2, 1, 3, 3), in.randn(2, 1, 3, 3)); }
    @Test void l1Loss() { check("l1_loss", x -> F.l1Loss(x.get(0).mul(x.get(0)), Tensor.zeros(2, 1, 2, 2)), in.awayFromZero(2, 1, 2, 2)); }
    @Test void bceWithLogits() {
        check("bce_with_logits", x -> F.bceWithLogits(x.get(0), x.get(1)), in.randn(2, 1, 2, 2), Tensor.uniform(in.rng, 0f, 1f, 2, 1, 2, 2).requiresGrad(true));
    }

    // ---- composites --------------------------------------------------------------------------------------------------

    @Test void recompute() {
        Tensor w = in.randn(2, 2, 3, 3);
        check("recompute", x -> F.recompute("block", h -> F.conv2d(F.reflectionPad2d(h, 1), x.get(1), null, 1, 0).tanh(), x.get(0), List.of(x.get(1))),
                in.randn(1, 2, 3, 3), w);
    }
    @Test void discriminatorLayers() {
        // conv → instance norm → leaky relu → conv, the PatchGAN's pattern.
        check("patch", x -> F.conv2d(F.instanceNorm(F.conv2d(x.get(0), x.get(1), x.get(2), 2, 1), null, null, 1e-5f).leakyRelu(0.2f),
                x.get(3), x.get(4), 1, 1), in.randn(1, 2, 6, 6), in.randn(3, 2, 4, 4), in.randn(3), in.randn(1, 3, 3, 3), in.randn(1));
    }

    // ---- the check itself --------------------------------------------------------------------------------------------

    @Test void theCheckCatchesARuleWhoseBackwardIsRightButNotDifferentiable() {
        // x² with the backward 2x·g computed from a detached x: right to first order, but it records no dependence on x,
        // so its second derivative comes out 0 instead of 2.
        Function<List<Tensor>, Tensor> opaque = x -> Autograd.record("opaque_square", x.get(0).detach().mul(x.get(0).detach()),
                Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach().mul(2f))}, x.get(0));
        assertTrue(GradCheck.check(opaque, List.of(in.randn(3, 3)), EPS, ATOL, RTOL).passed(), "first order is right");
        GradCheck.Report r = GradCheck.checkSecondOrder(opaque, List.of(in.randn(3, 3)), EPS, ATOL, RTOL);
        assertFalse(r.passed(), "a rule that is not differentiable must be caught at second order");
    }
}
