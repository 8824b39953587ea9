package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

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
