package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.jocl.cl_mem;

/**
 * Matrix products and the three convolution kernels (conv transpose needs nothing of its own: the engine runs it as
 * conv2d's adjoint, ops/Convolution.java). Two implementations, chosen per device (see {@link GemmTiling}):
 * <ul>
 *   <li>{@link ImplicitGemmConv} for GPUs and accelerators: one local-memory-tiled GEMM that reads the image in
 *       place (implicit GEMM: no patch matrix is written);</li>
 *   <li>{@link LoweredConv} for CPU devices: patches lowered to a matrix band by band, then a register-blocked
 *       vector GEMM.</li>
 * </ul>
 */
interface ConvKernels {
    /**
     * The kernels' integer arguments (the {@code int16} that common.cl names G_CIN ... G_KCHUNK): the geometry, then
     * the GEMM sizes of the pass and its reduction chunk.
     */
    static int[] geometryArgument(ConvGeometry g, int m, int n, int k, int kChunk) {
        ConvSpec s = g.spec();
        return new int[] {g.cin(), g.h(), g.w(), g.cout(), g.kh(), g.kw(), g.oh(), g.ow(), s.strideH(), s.strideW(), s.padH(), s.padW(), m, n, k, kChunk};
    }

    /**
     * The implementation for {@code strategy}. {@code sizing} is the device the GPU tiles are sized for (the device
     * itself, except in tests); {@code testing} makes the CPU path's bands tiny so small shapes run its multi-band code.
     */
    static ConvKernels create(OpenClDevice device, ReductionKernels reductions, Transfers transfers, GemmTiling.Strategy strategy,
                              DeviceInfo sizing, boolean testing) {
        return strategy == GemmTiling.Strategy.LOCAL ? new ImplicitGemmConv(device, reductions, sizing)
                : new LoweredConv(device, transfers, testing ? LoweredConv.TEST_BAND_FLOATS : LoweredConv.BAND_FLOATS);
    }

    /** One line for the backend's description: the tiling in use. */
    String describe();

    /** c [m, n] = op(a) · op(b); lda, ldb are the stored row lengths of a and b. */
    void matmul(cl_mem a, cl_mem b, cl_mem c, int m, int n, int k, int lda, int ldb, boolean ta, boolean tb);

    void forward(ConvGeometry g, cl_mem x, cl_mem w, cl_mem bias, cl_mem y);

    void backwardData(ConvGeometry g, cl_mem dy, cl_mem w, cl_mem dx);

    void backwardWeight(ConvGeometry g, cl_mem x, cl_mem dy, cl_mem dw);
}
