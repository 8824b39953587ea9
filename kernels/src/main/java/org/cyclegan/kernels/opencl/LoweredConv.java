package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.ConvGeometry;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The CPU-device path of {@link ConvKernels}: convolutions lowered to matrix products (lowering.cl), computed by a
 * register-blocked vector GEMM (gemm_blocked.cl).
 *
 * <p>Per sample, the output positions are taken in bands small enough that the band's patch matrix stays within
 * {@link #BAND_FLOATS} floats (a 7×7 convolution on a 256×256 image would otherwise need an 800 MB matrix):
 * <ul>
 *   <li>forward: col = im2col(x) [Cin·KH·KW, band]; y[:, band] = w · col + bias;</li>
 *   <li>backward data: col = wᵀ · dy[:, band]; dx += col2im(col) over the input rows the band reaches (a gather, each
 *       dx element written by one work-item);</li>
 *   <li>backward weight: colT = im2col(x)ᵀ [band, Cin·KH·KW]; dw += dy[:, band] · colT.</li>
 * </ul>
 * Lowering costs memory traffic proportional to the patch matrix, small next to the product's K-fold reuse of it.
 */
final class LoweredConv implements ConvKernels {
    /** Largest patch matrix per band, in floats (16 MB): large enough to amortize launches, small enough for the cache hierarchy. */
    static final int BAND_FLOATS = 4 << 20;
    /** For tests: bands so small that the small test shapes run the multi-band paths (accumulating col2im and weight gradient). */
    static final int TEST_BAND_FLOATS = 2_000;
    private final OpenClDevice device;
    private final Transfers transfers;
    private final int vw, rm, bandFloats, maxGroup;
    private final cl_kernel gemm, im2col, im2colT, col2im, transpose;

    /** Builds gemm_blocked.cl and lowering.cl now: a build failure shows when the backend starts. */
    LoweredConv(OpenClDevice device, Transfers transfers, int bandFloats) {
        this.device = device;
        this.transfers = transfers;
        this.bandFloats = bandFloats;
        // AVX-512 devices report 16 floats per native vector: 8 rows × 2 vectors of 16 fill half of the 32 registers.
        // Otherwise 8-wide vectors and 6 rows (12 of AVX2's 16 registers), as the cpu backend's 6×16 GEMM tile.
        this.vw = device.info.nativeFloatWidth() >= 16 ? 16 : 8;
        this.rm = vw == 16 ? 8 : 6;
        this.gemm = device.programs.program("gemm_blocked.cl", "-D VW=" + vw + " -D RM=" + rm).kernel("gemm_blocked");
        this.maxGroup = (int) Math.min(device.info.maxWorkGroupSize(), device.programs.maxWorkGroupSize(gemm));
        Programs.Program lowering = device.programs.program("lowering.cl", "");
        this.im2col = lowering.kernel("im2col");
        this.im2colT = lowering.kernel("im2col_t");
        this.col2im = lowering.kernel("col2im");
        this.transpose = lowering.kernel("transpose");
    }

    @Override
    public String describe() {
        return "lowered convolutions, register-blocked GEMM " + rm + "x" + (2 * vw) + " per work-item (" + vw + "-wide vectors, no local memory)";
    }

    /** C(m, n) (+)= Σ_k A(m, k) · B(k, n) with A(m, k) = A[aOff + m·aRow + k·aCol], B(k, n) = B[bOff + k·ldb + n]. */
    private void gemm(String name, double flops, cl_mem a, int aOff, int aRow, int aCol, cl_mem b, int bOff, int ldb,
                      cl_mem c, int cOff, int ldc, cl_mem bias, boolean accumulate, int m, int n, int k) {
        int cw = 2 * vw;
        long gx = (n + cw - 1) / cw, gy = (m + rm - 1) / rm;
        // A work-group = one column panel of B and a run of row blocks: a CPU device runs a work-group on one core, in
        // order, so the panel (K × 2·VW floats) comes from memory once and from cache for the other row blocks (PoCL,
        // 1024³: 44 -> 95 GFLOP/s). With few panels, the row blocks are split so every core still gets work-groups.
        long wanted = 4L * device.info.computeUnits();
        long ly = Math.min(maxGroup, gx >= wanted ? gy : (gy + (wanted + gx - 1) / gx - 1) / ((wanted + gx - 1) / gx));
        ly = Math.max(1, ly);
        device.launcher.run(name, flops, gemm, new long[] {gx, (gy + ly - 1) / ly * ly}, new long[] {1, ly},
                a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, bias, bias == null ? 0 : 1, accumulate ? 1 : 0, m, n, k);
    }

    @Override
    public void matmul(cl_mem a, cl_mem b, cl_mem c, int m, int n, int k, int lda, int ldb, boolean ta, boolean tb) {
        int aRow = ta ? 1 : lda, aCol = ta ? lda : 1;
        if (!tb) {
            gemm("matmul", 2.0 * m * n * k, a, 0, aRow, aCol, b, 0, ldb, c, 0, n, null, false, m, n, k);
            return;
        }
        // A transposed right-hand side is copied into row order first: the GEMM reads B's rows as vectors.
        long bytes = 4L * Math.max(1, k * n);
        cl_mem bt = device.pool.take(bytes);
        try {
            device.launcher.run("matmul", 0, transpose, new long[] {(long) n * k}, null, b, ldb, bt, n, k);
            gemm("matmul", 2.0 * m * n * k, a, 0, aRow, aCol, bt, 0, n, c, 0, n, null, false, m, n, k);
        } finally {
            device.pool.give(bt, bytes);   // in-order queue: the next user of this buffer runs after the product
        }
    }

    /** Geometry of the lowering kernels, which read none of the product sizes. */
    private static int[] lowering(ConvGeometry g) {
        return ConvKernels.geometryArgument(g, 0, 0, 0, 0);
    }

    /** Work-items of the lowering kernels along a run of n elements: each writes SEG (32) of them. */
    private static long segments(int n) {
        return (n + 31) / 32;
    }

    /** Output positions per band: as many as fit the budget, a multiple of the GEMM's column block. */
    private int band(int rows, int positions) {
        int cw = 2 * vw;
        int b = Math.max(cw, bandFloats / Math.max(1, rows) / cw * cw);
        return Math.min(positions, b);
    }

    @Override
    public void forward(ConvGeometry g, cl_mem x, cl_mem w, cl_mem bias, cl_mem y) {
        int kc = g.taps(), positions = g.oh() * g.ow(), band = band(kc, positions);
        String name = device.launcher.profiling() ? "conv2d.forward " + g.profileKey() : null;
        int[] lg = lowering(g);
        long bytes = 4L * kc * band;
        cl_mem col = device.pool.take(bytes);
        try {
            for (int s = 0; s < g.n(); s++) {
                for (int p0 = 0; p0 < positions; p0 += band) {
                    int cols = Math.min(band, positions - p0);
                    device.launcher.run(name, 0, im2col, new long[] {(long) kc * segments(cols)}, null,
                            x, s * g.cin() * g.h() * g.w(), col, lg, p0, cols, kc);
                    gemm(name, 2.0 * g.cout() * kc * cols, w, 0, kc, 1, col, 0, cols, y, s * g.cout() * positions + p0, positions,
                            bias, false, g.cout(), cols, kc);
                }
            }
        } finally {
            device.pool.give(col, bytes);
        }
    }

    @Override
    public void backwardData(ConvGeometry g, cl_mem dy, cl_mem w, cl_mem dx) {
        int kc = g.taps(), positions = g.oh() * g.ow(), band = band(kc, positions);
        String name = device.launcher.profiling() ? "conv2d.backward_data " + g.profileKey() : null;
        int[] lg = lowering(g);
        int plane = g.cin() * g.h() * g.w();
        transfers.fill(dx, g.n() * plane, 0f);   // bands add into dx
        long bytes = 4L * kc * band;
        cl_mem col = device.pool.take(bytes);
        try {
            for (int s = 0; s < g.n(); s++) {
                for (int p0 = 0; p0 < positions; p0 += band) {
                    int cols = Math.min(band, positions - p0);
                    // col[kk][j] = Σ_co w[co][kk] · dy[s][co][p0 + j]: A = wᵀ read through its strides.
                    gemm(name, 2.0 * g.cout() * kc * cols, w, 0, 1, kc, dy, s * g.cout() * positions + p0, positions,
                            col, 0, cols, null, false, kc, cols, g.cout());
                    // The input rows this band's output rows read: from the first one's top tap to the last one's bottom tap.
                    int row0 = Math.max(0, p0 / g.ow() * g.spec().strideH() - g.spec().padH());
                    int row1 = Math.min(g.h() - 1, (p0 + cols - 1) / g.ow() * g.spec().strideH() - g.spec().padH() + g.kh() - 1);
                    if (row1 < row0) continue;
                    int rows = row1 - row0 + 1;
                    device.launcher.run(name, 0, col2im, new long[] {(long) g.cin() * rows * g.w()}, null,
                            col, dx, s * plane, lg, p0, cols, row0, rows);
                }
            }
        } finally {
            device.pool.give(col, bytes);
        }
    }

    @Override
    public void backwardWeight(ConvGeometry g, cl_mem x, cl_mem dy, cl_mem dw) {
        int kc = g.taps(), positions = g.oh() * g.ow(), band = band(kc, positions);
        String name = device.launcher.profiling() ? "conv2d.backward_weight " + g.profileKey() : null;
        int[] lg = lowering(g);
        long bytes = 4L * kc * band;
        cl_mem colT = device.pool.take(bytes);
        try {
            boolean first = true;
            for (int s = 0; s < g.n(); s++) {
                for (int p0 = 0; p0 < positions; p0 += band) {
                    int cols = Math.min(band, positions - p0);
                    device.launcher.run(name, 0, im2colT, new long[] {(long) cols * segments(kc)}, null,
                            x, s * g.cin() * g.h() * g.w(), colT, lg, p0, cols, kc);
                    // dw[co][kk] (+)= Σ_j dy[s][co][p0 + j] · colT[j][kk]
                    gemm(name, 2.0 * g.cout() * kc * cols, dy, s * g.cout() * positions + p0, positions, 1, colT, 0, kc,
                            dw, 0, kc, null, !first, g.cout(), kc, cols);
                    first = false;
                }
            }
        } finally {
            device.pool.give(colT, bytes);
        }
    }
}
