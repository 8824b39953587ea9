package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradMode;

/**
 * The losses CycleGAN uses, each the mean over all elements (PyTorch's reduction='mean'). Every backward rule here is
 * composed of differentiable ops: mse and l1 are compositions, and bce-with-logits's hand-written rule is sigmoid, sub,
 * mul and div.
 */
public final class Losses {
    private Losses() {}

    /** mean((ŷ − y)²): LSGAN's adversarial loss. Composed, so its gradient 2(ŷ − y)/n comes from the parts. */
    public static Tensor mse(Tensor pred, Tensor target) {
        Checks.sameShape("mse_loss", "prediction and target", pred, target);
        Tensor d = pred.sub(target);
        return d.mul(d).mean();
    }

    /** mean(|ŷ − y|): the cycle and identity losses. Composed; the gradient sign(ŷ − y)/n is 0 where they are equal. */
    public static Tensor l1(Tensor pred, Tensor target) {
        Checks.sameShape("l1_loss", "prediction and target", pred, target);
        return pred.sub(target).abs().mean();
    }

    /**
     * The WGAN-GP gradient penalty without its weight λ, as the reference's {@code cal_gradient_penalty}: for a gradient
     * g [N, ...] of a discriminator's output with respect to its input, the mean over the N samples of
     * (‖g_n + 1e-16‖₂ − constant)², each norm over all of a sample's elements. Composed of differentiable ops; for its
     * own gradient to reach the discriminator's parameters, g must have been recorded ({@code Autograd.grad} with
     * createGraph). The 1e-16 (the reference's) keeps the norm's gradient finite where g is 0.
     */
    public static Tensor gradientPenalty(Tensor gradient, float constant) {
        if (gradient.rank() < 2) throw Checks.error("gradient_penalty", "needs a batch axis and at least one more, got shape " + Shape.str(gradient.shape()));
        Tensor distance = gradient.reshape(gradient.dim(0), -1).add(1e-16f).norm(false, 1).sub(constant);
        return distance.mul(distance).mean();
    }

    /**
     * mean(−[z·log σ(x) + (1 − z)·log(1 − σ(x))]) on logits x: the vanilla GAN loss.
     *
     * <p>Forward in the overflow-free form max(x, 0) − x·z + log(1 + e^−|x|). Its backward is written by hand,
     * ∂/∂x = (σ(x) − z)/n and ∂/∂z = −x/n, because differentiating the max and |x| pieces separately would
     * give a wrong subgradient at x = 0.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        Checks.sameShape("bce_with_logits", "logits and target", logits, target);
        Tensor loss;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            loss = logits.relu().sub(logits.mul(target)).add(Elementwise.log1p(logits.abs().neg().exp())).mean();
        }
        float n = logits.numel();
        return record("bce_with_logits", loss, saves(logits, target), g -> new Tensor[] {
                Autograd.wantsGradient(logits) ? logits.sigmoid().sub(target).mul(g).div(n) : null,
                Autograd.wantsGradient(target) ? logits.neg().mul(g).div(n) : null}, logits, target);
    }
}
