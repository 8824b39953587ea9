package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.ConvTranspose2d} with square kernels. Note PyTorch's weight layout, [Cin, Cout, k, k]: the transposed
 * convolution is the adjoint of a convolution from Cout to Cin channels, and keeps that convolution's weight.
 * Output size: (H − 1)·stride − 2·padding + k + outputPadding.
 *
 * <p>Parameters start at zero; see {@link Conv2d}.
 */
public final class ConvTranspose2d extends Module {
    public final Tensor weight;
    /** Null when the layer has no bias. */
    public final Tensor bias;
    private final int stride;
    private final int padding;
    private final int outputPadding;

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding,
                           boolean bias) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("ConvTranspose2d: channels and kernel size must be >= 1, got in="
                    + inChannels + " out=" + outChannels + " k=" + kernelSize);
        }
        this.weight = registerParameter("weight", Tensor.zeros(inChannels, outChannels, kernelSize, kernelSize));
        this.bias = registerParameter("bias", bias ? Tensor.zeros(outChannels) : null);
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose2d(x, weight, bias, stride, padding, outputPadding);
    }

    @Override
    public String toString() {
        return "ConvTranspose2d(" + weight.dim(0) + ", " + weight.dim(1) + ", k=" + weight.dim(2) + ", s=" + stride
                + ", p=" + padding + ", op=" + outputPadding + (bias == null ? ", bias=False" : "") + ")";
    }
}
