package org.cyclegan.engine.backend;

/**
 * Stride and padding of a 2-D convolution (no dilation, no groups: CycleGAN needs neither).
 * Output size along one axis: {@code (in + 2*pad - kernel) / stride + 1}, rounded down as PyTorch does.
 *
 * <p>The padding is zeros ({@link Padding.Mode#ZERO}, PyTorch's {@code padding=}) or a reflection of the input
 * ({@link Padding.Mode#REFLECT}): {@code conv2d(x, w, reflect(s, p))} equals {@code conv2d(reflection_pad2d(x, p), w,
 * of(s, 0))}, the reference's {@code ReflectionPad2d} followed by an unpadded {@code Conv2d}, without the padded copy
 * of x in between. A backend's kernels read the border of x through {@link Padding.Mode#index} ({@link #row},
 * {@link #column}), or the backend pads x for the duration of the call where a kernel needs whole padded planes.
 */
public record ConvSpec(int strideH, int strideW, int padH, int padW, Padding.Mode padMode) {
    public ConvSpec {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d: stride must be >= 1, got " + strideH + "x" + strideW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padH + "x" + padW);
        if (padMode == null) throw new IllegalArgumentException("conv2d: padding mode must not be null");
    }

    /** Zero padding. */
    public ConvSpec(int strideH, int strideW, int padH, int padW) {
        this(strideH, strideW, padH, padW, Padding.Mode.ZERO);
    }

    public static ConvSpec of(int stride, int pad) {
        return new ConvSpec(stride, stride, pad, pad);
    }

    /** Reflection padding by {@code pad} on every side. */
    public static ConvSpec reflect(int stride, int pad) {
        return new ConvSpec(stride, stride, pad, pad, Padding.Mode.REFLECT);
    }

    public boolean reflects() {
        return padMode == Padding.Mode.REFLECT && (padH > 0 || padW > 0);
    }

    /** The padding as {@link Padding} (left, right, top, bottom). */
    public Padding padding() {
        return new Padding(padW, padW, padH, padH);
    }

    /** The same stride, unpadded: the convolution that follows an explicit pad of the input by {@link #padding}. */
    public ConvSpec unpadded() {
        return new ConvSpec(strideH, strideW, 0, 0);
    }

    public int outH(int inH, int kH) {
        return (inH + 2 * padH - kH) / strideH + 1;
    }

    public int outW(int inW, int kW) {
        return (inW + 2 * padW - kW) / strideW + 1;
    }

    /** Row {@code iy} of the padded input (−padH ≤ iy < h + padH) read in an input of h rows: −1 for a zero. */
    public int row(int iy, int h) {
        return padMode.index(iy, h);
    }

    /** Column {@code ix} likewise. */
    public int column(int ix, int w) {
        return padMode.index(ix, w);
    }

    @Override
    public String toString() {
        return "stride " + strideH + "x" + strideW + ", " + (padMode == Padding.Mode.REFLECT ? "reflection" : "zero") + " padding " + padH + "x" + padW;
    }
}
