package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.Conv2d} with square kernels: weight [Cout, Cin, k, k] and an optional bias [Cout].
 *
 * <p>Parameters start at zero. PyTorch fills them with its own default first, but the reference always overwrites
 * them with {@code init_weights}, so networks are meant to be built through {@code Networks.defineG / defineD} (or
 * {@code WeightInit.initWeights}) before use.
 */
public final class Conv2d extends Module {
    public final Tensor weight;
    /** Null when the layer has no bias (the reference's {@code bias=use_bias} with a batch or no norm). */
    public final Tensor bias;
    private final int stride;
    private final int padding;

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("Conv2d: channels and kernel size must be >= 1, got in=" + inChannels
                    + " out=" + outChannels + " k=" + kernelSize);
        }
        this.weight = registerParameter("weight", Tensor.zeros(outChannels, inChannels, kernelSize, kernelSize));
        this.bias = registerParameter("bias", bias ? Tensor.zeros(outChannels) : null);
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding);
    }

    /**
     * This layer applied to {@code ReflectionPad2d(pad)(x)}, in one op that makes no padded copy of x
     * ({@link ConvSpec#reflect}); for a layer without padding of its own.
     */
    public Tensor forwardReflectionPadded(Tensor x, int pad) {
        if (padding != 0) throw new IllegalStateException("forwardReflectionPadded: " + this + " pads by itself");
        return F.conv2d(x, weight, bias, ConvSpec.reflect(stride, pad));
    }

    public int padding() {
        return padding;
    }

    @Override
    public String toString() {
        return "Conv2d(" + weight.dim(1) + ", " + weight.dim(0) + ", k=" + weight.dim(2) + ", s=" + stride + ", p=" + padding
                + (bias == null ? ", bias=False" : "") + ")";
    }
}
