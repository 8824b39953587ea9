package org.cyclegan.engine.optim;

import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Adam (Kingma and Ba), exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, eps added after
 * the bias-corrected square root):
 * <pre>
 *   m ← β1·m + (1 − β1)·g            v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
 * </pre>
 * The per-element work is one fused backend kernel, so the moments never leave the parameter's device.
 */
public final class Adam extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final Tensor[] m, v;
    private final int[] steps;

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr);
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException("Adam: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0f)) throw new IllegalArgumentException("Adam: eps must be >= 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new Tensor[this.params.size()];
        this.v = new Tensor[this.params.size()];
        this.steps = new int[this.params.size()];
        // The moments are created here, not at the first step, so they never belong to an iteration's MemoryScope.
        for (int i = 0; i < m.length; i++) {
            Tensor p = this.params.get(i);
            m[i] = p.backend().full(p.shape(), 0f);
            v[i] = p.backend().full(p.shape(), 0f);
        }
    }

    /** CycleGAN's setting: betas (0.5, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params, float lr, float beta1) {
        this(params, lr, beta1, 0.999f, 1e-8f, 0f);
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() == null) continue;
            int t = ++steps[i];
            // Bias corrections in double, as PyTorch computes them in Python floats.
            double bc1 = 1.0 - Math.pow(beta1, t);
            double bc2 = 1.0 - Math.pow(beta2, t);
            float stepSize = (float) (lr / bc1);
            float bc2Sqrt = (float) Math.sqrt(bc2);
            p.backend().adamUpdate(p, p.grad(), m[i], v[i], beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt);
        }
    }

    public float beta1() {
        return beta1;
    }

    /** First moment of parameter i; saved with the training state. */
    public Tensor firstMoment(int i) {
        return m[i];
    }

    public Tensor secondMoment(int i) {
        return v[i];
    }

    public int stepCount(int i) {
        return steps[i];
    }

    /**
     * Restores parameter i's moments and step count from a saved training state (values copied into this optimizer's
     * own tensors, which stay out of every memory scope).
     */
    public void loadState(int i, Tensor firstMoment, Tensor secondMoment, int stepCount) {
        for (Tensor t : new Tensor[] {firstMoment, secondMoment}) {
            if (!Arrays.equals(t.shape(), m[i].shape())) {
                throw new IllegalArgumentException("Adam state of parameter " + i + ": shape " + Shape.str(t.shape())
                        + " but the parameter has " + Shape.str(m[i].shape()));
            }
        }
        if (stepCount < 0) throw new IllegalArgumentException("Adam state of parameter " + i + ": negative step count " + stepCount);
        m[i].backend().copy(firstMoment.to(m[i].backend()), m[i]);
        v[i].backend().copy(secondMoment.to(v[i].backend()), v[i]);
        steps[i] = stepCount;
    }
}
