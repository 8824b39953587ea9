package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.NormResult;

/**
 * Instance norm and batch norm on x [N, C, H, W]. Both compute x̂ = (x − μ) / √(σ² + ε) over a group of M values:
 * each (n, c) plane for instance norm, each channel over the whole batch for batch norm.
 *
 * <p>Derivative of the normalization, with g = ∂L/∂x̂ and means over the group:
 * <pre>   ∂L/∂x = (1/√(σ²+ε)) · (g − mean(g) − x̂ · mean(g · x̂))</pre>
 * (the two subtracted terms are the paths through μ and through σ²). The optional affine part
 * y = γ·x̂ + β is composed from ordinary broadcast ops, so its gradients come for free.
 *
 * <p>The normalization's backward (instance norm, and batch norm in training) is one kernel,
 * {@code Backend.normalizeBackward}, in a plain backward. In a backward that records itself (grad mode on:
 * {@code Autograd.grad} with createGraph) the same formula is written in differentiable ops instead, with x̂ and
 * 1/√(σ²+ε) as tensors of the graph that depend on x, so it can be differentiated again (see {@link #invStdOf}).
 * The affine part and batch norm in evaluation (x − running mean) / running std, with the statistics detached, are
 * composed of differentiable ops.
 */
public final class Normalization {
    private Normalization() {}

    /** InstanceNorm2d; {@code weight} and {@code bias} are [C] or both null (CycleGAN uses affine=false). */
    public static Tensor instanceNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Checks.rank("instance_norm", "input", x, 4);
        if (x.dim(2) * x.dim(3) < 2) {
            throw Checks.error("instance_norm", "needs more than one value per channel, got input " + Shape.str(x.shape()));
        }
        NormResult r = x.backend().normalize(x, true, eps);
        return affine("instance_norm", normalized("instance_norm", x, r, true), weight, bias);
    }

    /**
     * BatchNorm2d. In training it normalizes with the batch's statistics and, when running buffers are given, updates
     * them in place: running = (1 − momentum)·running + momentum·batch, with the unbiased variance as PyTorch does.
     * In evaluation it normalizes with the running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        String op = "batch_norm";
        Checks.rank(op, "input", x, 4);
        int c = x.dim(1);
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t != null && (t.rank() != 1 || t.dim(0) != c)) {
                throw Checks.error(op, "per-channel tensor of shape " + Shape.str(t.shape()) + " does not match input " + Shape.str(x.shape()));
            }
        }
        if (training || runningMean == null) {
            long m = (long) x.dim(0) * x.dim(2) * x.dim(3);
            if (m < 2) throw Checks.error(op, "needs more than one value per channel in training, got input " + Shape.str(x.shape()));
            NormResult r = x.backend().normalize(x, false, eps);
            if (training && runningMean != null) {
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    float unbias = (float) m / (m - 1);
                    x.backend().copy(runningMean.mul(1f - momentum).add(r.mean().mul(momentum)), runningMean);
                    x.backend().copy(runningVar.mul(1f - momentum).add(r.var().mul(unbias * momentum)), runningVar);
                }
            }
            return affine(op, normalized(op, x, r, false), weight, bias);
        }
        Tensor mean = runningMean.reshape(1, c, 1, 1).detach();
        Tensor std = runningVar.add(eps).sqrt().reshape(1, c, 1, 1).detach();
        return affine(op, x.sub(mean).div(std), weight, bias);
    }

    private static Tensor normalized(String op, Tensor x, NormResult r, boolean perInstance) {
        Tensor xhat = r.xhat();
        Tensor invStd = r.invStd();
        return record(op, xhat, saves(xhat, invStd), g -> new Tensor[] {GradMode.isEnabled()
                ? recordedGradient(op, g, x, xhat, invStd, perInstance)
                : g.backend().normalizeBackward(g, xhat, invStd, perInstance)}, x);
    }

    /**
     * ∂L/∂x = s · (g − mean(g) − x̂ · mean(g · x̂)), s = 1/√(σ²+ε), in differentiable ops: x̂ is the normalization's
     * own output (its graph leads back to x through this rule) and s comes from {@link #invStdOf}.
     */
    private static Tensor recordedGradient(String op, Tensor g, Tensor x, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] groupAxes = perInstance ? new int[] {2, 3} : new int[] {0, 2, 3};
        Tensor s = invStdOf(op, x, xhat, invStd, perInstance);
        Tensor centred = g.sub(g.mean(true, groupAxes)).sub(xhat.mul(g.mul(xhat).mean(true, groupAxes)));
        return centred.mul(s);
    }

    /**
     * s = 1/√(σ²+ε), one per group, shaped to broadcast over x ([N, C, 1, 1] or [1, C, 1, 1]), as a tensor of the graph
     * that depends on x: the values are the forward kernel's, and the rule is ∂s/∂x_i = −s³ (x_i − μ)/M = −s² x̂_i / M
     * for the M entries x_i of its group (∂σ²/∂x_i = 2(x_i − μ)/M; the path through μ vanishes because Σ(x_i − μ) = 0).
     * That rule is written with s and x̂ themselves, so it is differentiable again. x is only the graph's link: its
     * values are never read.
     */
    private static Tensor invStdOf(String op, Tensor x, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] statShape = {perInstance ? x.dim(0) : 1, x.dim(1), 1, 1};
        float perGroup = perInstance ? x.dim(2) * x.dim(3) : (float) x.dim(0) * x.dim(2) * x.dim(3);
        Tensor s = Tensor.wrap(invStd.backend(), invStd.storage(), statShape);
        return record(op + "_inv_std", s, saves(s, xhat), gs -> new Tensor[] {
                xhat.mul(s.mul(s).mul(gs)).mul(-1f / perGroup)}, x);
    }

    private static Tensor affine(String op, Tensor xhat, Tensor weight, Tensor bias) {
        if ((weight == null) != (bias == null)) throw Checks.error(op, "weight and bias must both be given or both be null");
        if (weight == null) return xhat;
        int c = xhat.dim(1);
        if (weight.numel() != c || bias.numel() != c) {
            throw Checks.error(op, "affine weight " + Shape.str(weight.shape()) + " / bias " + Shape.str(bias.shape()) + " do not match " + c + " channels");
        }
        return xhat.mul(weight.reshape(1, c, 1, 1)).add(bias.reshape(1, c, 1, 1));
    }
}
