package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.BatchNorm2d(C, affine=True, track_running_stats=True)}, momentum 0.1, eps 1e-5: the reference's
 * {@code --norm batch}. In training it normalizes with the batch's statistics and updates the running ones; in
 * evaluation it uses the running ones.
 *
 * <p>State dict, in PyTorch's order: {@code weight, bias, running_mean, running_var, num_batches_tracked}.
 * PyTorch keeps {@code num_batches_tracked} as an int64 scalar; the engine's tensors are float32, so here it is a
 * float32 scalar (shape [], as PyTorch's). It counts exactly up to 2^24 (16.7 million) training batches, and it never
 * affects the arithmetic: with a momentum set (as here) PyTorch only increments it. It exists so that state dicts
 * have the reference's keys.
 */
public final class BatchNorm2d extends Module {
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    public final Tensor weight;
    public final Tensor bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    public final Tensor numBatchesTracked;

    public BatchNorm2d(int numFeatures) {
        // PyTorch's reset_parameters: γ = 1, β = 0, running statistics of the identity (mean 0, variance 1).
        weight = registerParameter("weight", Tensor.ones(numFeatures));
        bias = registerParameter("bias", Tensor.zeros(numFeatures));
        runningMean = registerBuffer("running_mean", Tensor.zeros(numFeatures));
        runningVar = registerBuffer("running_var", Tensor.ones(numFeatures));
        numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.scalar(0f));
    }

    @Override
    public Tensor forward(Tensor x) {
        boolean training = isTraining();
        Tensor y = F.batchNorm(x, runningMean, runningVar, weight, bias, training, MOMENTUM, EPS);
        if (training) {
            // In place, like the running statistics: loadStateDict and optimizers hold on to these very tensors.
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                numBatchesTracked.backend().copy(numBatchesTracked.add(1f), numBatchesTracked);
            }
        }
        return y;
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + weight.dim(0) + ")";
    }
}
