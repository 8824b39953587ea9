package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.ConvSpec;
import org.jocl.cl_mem;

/**
 * Matrix products and the three convolution kernels (conv transpose needs nothing of its own: the engine runs it as
 * conv2d's adjoint, ops/ConvTranspose2d.java). Two implementations, chosen per device (see {@link GemmTiling}):
 * <ul>
 *   <li>{@link ImplicitGemmConv} for GPUs and accelerators: one local-memory-tiled GEMM that indexes the image
 *       directly;</li>
 *   <li>{@link LoweredConv} for CPU devices: patches lowered to a matrix band by band, then a register-blocked
 *       vector GEMM.</li>
 * </ul>
 */
interface ConvKernels {
    /** Shape of one convolution: x [n, cin, h, w], w [cout, cin, kh, kw], y [n, cout, oh, ow]. */
    record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int oh, int ow, ConvSpec s) {
        /** 2 · multiply-adds of one pass (forward, data gradient and weight gradient cost the same). */
        double flops() {
            return 2.0 * n * cout * cin * kh * kw * oh * ow;
        }

        /** "cout<-cin kxk/s on HxW", the per-shape profile key (as the cpu backend's). */
        String key() {
            return cout + "<-" + cin + " " + kh + "x" + kw + "/" + s.strideH() + " on " + h + "x" + w;
        }

        int[] ints(int m, int nn, int k, int kChunk) {
            return new int[] {cin, h, w, cout, kh, kw, oh, ow, s.strideH(), s.strideW(), s.padH(), s.padW(), m, nn, k, kChunk};
        }
    }

    /**
     * The implementation for {@code strategy}. {@code sizing} is the device the GPU tiles are sized for (the device
     * itself, except in tests); {@code testing} makes the CPU path's bands tiny so small shapes run its multi-band code.
     */
    static ConvKernels create(OpenClRuntime rt, ReductionKernels reductions, GemmTiling.Strategy strategy, DeviceInfo sizing, boolean testing) {
        return strategy == GemmTiling.Strategy.LOCAL ? new ImplicitGemmConv(rt, reductions, sizing)
                : new LoweredConv(rt, testing ? LoweredConv.TEST_BAND_FLOATS : LoweredConv.BAND_FLOATS);
    }

    /** One line for the backend's description: the tiling in use. */
    String describe();

    /** c [m, n] = op(a) · op(b); lda, ldb are the stored row lengths of a and b. */
    void matmul(cl_mem a, cl_mem b, cl_mem c, int m, int n, int k, int lda, int ldb, boolean ta, boolean tb);

    void forward(Geometry g, cl_mem x, cl_mem w, cl_mem bias, cl_mem y);

    void backwardData(Geometry g, cl_mem dy, cl_mem w, cl_mem dx);

    void backwardWeight(Geometry g, cl_mem x, cl_mem dy, cl_mem dw);
}
