package org.cyclegan.engine.optim;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.Tensor;

/** Updates a fixed list of parameters from their accumulated gradients. */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected float lr;

    protected Optimizer(List<Tensor> params, float lr) {
        if (!(lr >= 0f)) throw new IllegalArgumentException("optimizer: learning rate must be >= 0, got " + lr);
        for (Tensor p : params) {
            if (!p.isLeaf()) throw new IllegalArgumentException("optimizer: parameters must be leaf tensors");
        }
        this.params = new ArrayList<>(params);
        this.lr = lr;
    }

    /** Applies one update to every parameter that has a gradient (parameters without one are skipped, as PyTorch). */
    public abstract void step();

    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    public float lr() {
        return lr;
    }

    /** Learning-rate schedules set this every epoch. */
    public void setLr(float lr) {
        this.lr = lr;
    }

    public List<Tensor> params() {
        return List.copyOf(params);
    }
}
