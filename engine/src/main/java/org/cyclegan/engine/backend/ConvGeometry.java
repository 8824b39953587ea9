package org.cyclegan.engine.backend;

/**
 * The whole shape of one 2-D convolution, as every backend's kernels need it: input x [n, cin, h, w], weight
 * w [cout, cin, kh, kw], output y [n, cout, oh, ow], with its stride and padding. The forward pass, the data gradient
 * and the weight gradient of one convolution share it.
 */
public record ConvGeometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, ConvSpec spec) {

    /** The geometry of {@code conv2d(x, w)}: the output size follows from the spec. */
    public static ConvGeometry of(int[] xShape, int[] wShape, ConvSpec spec) {
        return new ConvGeometry(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[2], wShape[3],
                spec.outH(xShape[2], wShape[2]), spec.outW(xShape[3], wShape[3]), spec);
    }

    /** The geometry of a gradient pass, whose output size is that of the incoming gradient {@code dy}. */
    public static ConvGeometry ofGradient(int[] xShape, int[] wShape, int[] dyShape, ConvSpec spec) {
        return new ConvGeometry(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[2], wShape[3],
                dyShape[2], dyShape[3], spec);
    }

    /**
     * The same convolution on its input padded explicitly by the spec's padding, unpadded: what conv2d computes on
     * reflection_pad2d(x). The data gradient of a reflection-padded convolution is this one's, folded back.
     */
    public ConvGeometry onPaddedInput() {
        return new ConvGeometry(n, cin, h + 2 * spec.padH(), w + 2 * spec.padW(), cout, kh, kw, oh, ow, spec.unpadded());
    }

    /**
     * At most {@value #FEW_OUTPUTS} output channels, stride 1 (the generator's last layer, PatchGAN's last): the cpu
     * backend computes these directly from padded copies of the input planes rather than through a matrix product,
     * so with reflection padding it makes that copy, and the meta backend counts it.
     */
    public boolean hasFewOutputs() {
        return cout <= FEW_OUTPUTS && spec.strideH() == 1 && spec.strideW() == 1;
    }

    public static final int FEW_OUTPUTS = 4;

    /** The length of each output's reduction: cin · kh · kw. */
    public int taps() {
        return cin * kh * kw;
    }

    /** A 1×1, stride-1, unpadded convolution: a plain matrix product of the weight with each image. */
    public boolean isPointwise() {
        return kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && spec.padH() == 0 && spec.padW() == 0;
    }

    /** 2 · multiply-adds of one pass (forward, data gradient and weight gradient cost the same). */
    public double flops() {
        return 2.0 * n * cout * cin * kh * kw * oh * ow;
    }

    /**
     * "cout<-cin kxk/s on HxW", and " reflect p" for a reflection-padded one: the per-shape key of the kernel profile,
     * the same on every backend.
     */
    public String profileKey() {
        return cout + "<-" + cin + " " + kh + "x" + kw + "/" + spec.strideH() + " on " + h + "x" + w + (spec.reflects() ? " reflect " + spec.padH() : "");
    }
}
