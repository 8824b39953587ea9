package org.cyclegan.engine.backend;

/**
 * Stride and zero padding of a 2-D convolution (no dilation, no groups: CycleGAN needs neither).
 * Output size along one axis: {@code (in + 2*pad - kernel) / stride + 1}, rounded down as PyTorch does.
 */
public record ConvSpec(int strideH, int strideW, int padH, int padW) {
    public ConvSpec {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d: stride must be >= 1, got " + strideH + "x" + strideW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padH + "x" + padW);
    }

    public static ConvSpec of(int stride, int pad) {
        return new ConvSpec(stride, stride, pad, pad);
    }

    public int outH(int inH, int kH) {
        return (inH + 2 * padH - kH) / strideH + 1;
    }

    public int outW(int inW, int kW) {
        return (inW + 2 * padW - kW) / strideW + 1;
    }
}
