package org.cyclegan.kernels.opencl;

import java.util.List;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The GPU path of {@link ConvKernels}: implicit_gemm.cl runs matmul and conv2d forward, backward-data and
 * backward-weight through one local-memory-tiled GEMM kernel whose operand fetches are specialised per product at build
 * time (MODE), so no patch matrix is ever written to memory. Tiles are sized from the device (see {@link GemmTiling}).
 */
final class ImplicitGemmConv implements ConvKernels {
    static final int MATMUL = 1, FORWARD = 2, BACKWARD_DATA = 3, BACKWARD_WEIGHT = 4;
    private static final String SRC = "implicit_gemm.cl";

    /** A built kernel and the tiling it was built with. */
    private record Built(GemmTiling tiling, cl_kernel kernel) {}

    private final OpenClDevice device;
    private final ReductionKernels reductions;
    /** Per MODE (index 1 to 4), the kernel for ordinary products and the one for thin ones: built once, when made. */
    private final Built[] wide = new Built[5], thin = new Built[5];

    /** Tiles are sized for {@code sizing}: the device itself, or (tests) the same device with smaller limits. */
    ImplicitGemmConv(OpenClDevice device, ReductionKernels reductions, DeviceInfo sizing) {
        this.device = device;
        this.reductions = reductions;
        for (int mode = MATMUL; mode <= BACKWARD_WEIGHT; mode++) {
            wide[mode] = build(mode, GemmTiling.wide(sizing));
            thin[mode] = build(mode, GemmTiling.thin(sizing));
        }
    }

    /** The first tiling in {@code candidates} whose built kernel accepts its work-group size on this device. */
    private Built build(int mode, List<GemmTiling> candidates) {
        for (GemmTiling t : candidates) {
            cl_kernel k = device.programs.program(SRC, t.defines(mode)).kernel("implicit_gemm");
            if (device.programs.maxWorkGroupSize(k) >= t.threads()) return new Built(t, k);
        }
        throw new IllegalStateException("implicit_gemm.cl: no tiling fits " + device.info.name());
    }

    @Override
    public String describe() {
        return wide[FORWARD].tiling() + (thin[FORWARD].tiling().equals(wide[FORWARD].tiling()) ? "" : "; thin products: " + thin[FORWARD].tiling());
    }

    private Built pick(int mode, int m) {
        return m <= 16 ? thin[mode] : wide[mode];
    }

    private void launch(String name, double flops, Built b, int m, int n, int z, cl_mem a, cl_mem bm, cl_mem c, cl_mem bias, int[] g) {
        GemmTiling t = b.tiling();
        long gx = (long) ((n + t.tn() - 1) / t.tn()) * t.tx(), gy = (long) ((m + t.tm() - 1) / t.tm()) * t.ty();
        device.launcher.run(name, flops, b.kernel(), new long[] {gx, gy, z}, new long[] {t.tx(), t.ty(), 1}, a, bm, c, bias, bias == null ? 0 : 1, g);
    }

    @Override
    public void matmul(cl_mem a, cl_mem b, cl_mem c, int m, int n, int k, int lda, int ldb, boolean ta, boolean tb) {
        int[] g = new int[16];
        g[0] = lda;
        g[1] = ldb;
        g[2] = ta ? 1 : 0;
        g[3] = tb ? 1 : 0;
        g[12] = m;
        g[13] = n;
        g[14] = k;
        launch("matmul", 2.0 * m * n * k, pick(MATMUL, m), m, n, 1, a, b, c, null, g);
    }

    @Override
    public void forward(ConvGeometry g, cl_mem x, cl_mem w, cl_mem bias, cl_mem y) {
        int m = g.cout(), n = g.oh() * g.ow(), k = g.cin() * g.kh() * g.kw();
        launch(device.launcher.profiling() ? "conv2d.forward " + g.profileKey() : null, g.flops(), pick(FORWARD, m), m, n, g.n(),
                w, x, y, bias, ConvKernels.geometryArgument(g, m, n, k, k));
    }

    @Override
    public void backwardData(ConvGeometry g, cl_mem dy, cl_mem w, cl_mem dx) {
        ConvSpec s = g.spec();
        int tapsH = (g.kh() + s.strideH() - 1) / s.strideH(), tapsW = (g.kw() + s.strideW() - 1) / s.strideW();
        int phaseH = (g.h() + s.strideH() - 1) / s.strideH(), phaseW = (g.w() + s.strideW() - 1) / s.strideW();
        int m = g.cin(), n = phaseH * phaseW, k = g.cout() * tapsH * tapsW;
        launch(device.launcher.profiling() ? "conv2d.backward_data " + g.profileKey() : null, g.flops(), pick(BACKWARD_DATA, m), m, n,
                g.n() * s.strideH() * s.strideW(), w, dy, dx, null, ConvKernels.geometryArgument(g, m, n, k, k));
    }

    @Override
    public void backwardWeight(ConvGeometry g, cl_mem x, cl_mem dy, cl_mem dw) {
        int m = g.cout(), n = g.cin() * g.kh() * g.kw(), k = g.n() * g.oh() * g.ow();
        Built b = pick(BACKWARD_WEIGHT, m);
        GemmTiling t = b.tiling();
        // Split K so that enough work-groups exist to fill the device; each chunk at least 256 long, a multiple of TK.
        long tiles = (long) ((m + t.tm() - 1) / t.tm()) * ((n + t.tn() - 1) / t.tn());
        long target = (device.info.isGpuLike() ? 8L : 4L) * device.info.computeUnits();
        int splits = (int) Math.max(1, Math.min((target + tiles - 1) / tiles, k / 256));
        int chunk = ((k + splits - 1) / splits + t.tk() - 1) / t.tk() * t.tk();
        splits = (k + chunk - 1) / chunk;
        String name = device.launcher.profiling() ? "conv2d.backward_weight " + g.profileKey() : null;
        if (splits <= 1) {
            launch(name, g.flops(), b, m, n, 1, dy, x, dw, null, ConvKernels.geometryArgument(g, m, n, k, k));
            return;
        }
        long bytes = 4L * splits * m * n;
        cl_mem parts = device.pool.take(bytes);
        try {
            launch(name, g.flops(), b, m, n, splits, dy, x, parts, null, ConvKernels.geometryArgument(g, m, n, k, chunk));
            reductions.sumParts(name, parts, splits, m * n, dw);
        } finally {
            device.pool.give(parts, bytes);   // in-order queue: safe to hand out again at once
        }
    }
}
