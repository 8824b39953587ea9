package org.cyclegan.benchmarks;

import org.cyclegan.engine.backend.ConvSpec;

/** The convolution shapes benchmarked: CycleGAN's own layers at batch 1. */
public enum ConvLayer {
    /** ResNet block conv at 256 px: 256→256, 3×3, pad 1, on 64×64. */
    RES_3X3_256_64PX(256, 256, 64, 64, 3, 1, 1),
    /** Generator stem at 256 px: 3→64, 7×7, on the 262×262 reflection-padded input. */
    STEM_7X7_3_64_262PX(3, 64, 262, 262, 7, 1, 0),
    /** Generator output layer at 256 px: 64→3, 7×7, on the 262×262 reflection-padded features (cpu: DirectConv). */
    HEAD_7X7_64_3_262PX(64, 3, 262, 262, 7, 1, 0),
    /** PatchGAN's output layer at 256 px: 512→1, 4×4, stride 1, pad 1, on 31×31. */
    PATCH_HEAD_4X4_512_1_31PX(512, 1, 31, 31, 4, 1, 1),
    /** The same at 128 px: on 15×15, rows narrower than a vector. */
    PATCH_HEAD_4X4_512_1_15PX(512, 1, 15, 15, 4, 1, 1),
    /** Generator down-sampling at 256 px: 128→256, 3×3, stride 2, on 128×128. */
    DOWN_3X3S2_128_256_128PX(128, 256, 128, 128, 3, 2, 1),
    /** PatchGAN at 256 px: 128→256, 4×4, stride 2, on 64×64. */
    PATCH_4X4S2_128_256_64PX(128, 256, 64, 64, 4, 2, 1),
    /** ResNet block conv as the network runs it (after its reflection pad 1), ngf 64: 256→256 on 18×18 at 64 px. */
    RES_3X3_256_18PX(256, 256, 18, 18, 3, 1, 0),
    /** The same at 128 px: on 34×34. */
    RES_3X3_256_34PX(256, 256, 34, 34, 3, 1, 0),
    /** The same at 256 px: on 66×66. */
    RES_3X3_256_66PX(256, 256, 66, 66, 3, 1, 0),
    /** ResNet block conv with ngf 32: 128→128 on 18×18 at 64 px. */
    RES_3X3_128_18PX(128, 128, 18, 18, 3, 1, 0),
    /** The same at 128 px: on 34×34. */
    RES_3X3_128_34PX(128, 128, 34, 34, 3, 1, 0),
    /** The same at 256 px: on 66×66. */
    RES_3X3_128_66PX(128, 128, 66, 66, 3, 1, 0);

    final int cin, cout, h, w, k, stride, pad;

    ConvLayer(int cin, int cout, int h, int w, int k, int stride, int pad) {
        this.cin = cin;
        this.cout = cout;
        this.h = h;
        this.w = w;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
    }

    ConvSpec spec() {
        return ConvSpec.of(stride, pad);
    }

    int oh() {
        return spec().outH(h, k);
    }

    int ow() {
        return spec().outW(w, k);
    }

    /** Multiply-adds × 2 of one pass (forward, data gradient and weight gradient each cost the same). */
    double flops() {
        return 2.0 * cout * cin * k * k * oh() * ow();
    }
}
