package org.cyclegan.engine.optim;

import java.util.List;
import org.cyclegan.engine.Tensor;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay, as
 * {@code torch.optim.SGD}: the momentum buffer starts as the first gradient itself.
 */
public final class SGD extends Optimizer {
    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;
    private final boolean[] started;

    public SGD(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        if (nesterov && (momentum <= 0f || dampening != 0f)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and dampening 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = new Tensor[this.params.size()];
        this.started = new boolean[this.params.size()];
        // Created here rather than at the first step, so they never belong to an iteration's MemoryScope.
        if (momentum != 0f) {
            for (int i = 0; i < buffers.length; i++) buffers[i] = this.params.get(i).backend().full(this.params.get(i).shape(), 0f);
        }
    }

    public SGD(List<Tensor> params, float lr) {
        this(params, lr, 0f, 0f, 0f, false);
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() == null) continue;
            boolean first = !started[i];
            started[i] = true;
            p.backend().sgdUpdate(p, p.grad(), momentum != 0f ? buffers[i] : null, lr, momentum, dampening, weightDecay, nesterov, first);
        }
    }
}
