package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.InstanceNorm2d(C, affine=False, track_running_stats=False)}, the reference's instance norm: each (sample,
 * channel) plane is normalized by its own mean and biased variance, in training and evaluation alike. It has no
 * parameters and no buffers, so it adds nothing to the state dict (it still takes its index in a Sequential).
 */
public final class InstanceNorm2d extends Module {
    public static final float EPS = 1e-5f;
    private final int numFeatures;

    public InstanceNorm2d(int numFeatures) {
        this.numFeatures = numFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        // PyTorch only warns about a channel mismatch without affine parameters; here it is a construction bug.
        if (x.rank() == 4 && x.dim(1) != numFeatures) {
            throw new IllegalArgumentException("InstanceNorm2d(" + numFeatures + "): input " + Shape.str(x.shape())
                    + " has " + x.dim(1) + " channels");
        }
        return F.instanceNorm(x, null, null, EPS);
    }

    @Override
    public String toString() {
        return "InstanceNorm2d(" + numFeatures + ")";
    }
}
