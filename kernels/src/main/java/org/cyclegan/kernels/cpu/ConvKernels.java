package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * The convolution kernels: forward, data gradient and weight gradient, as GEMMs over the im2col matrix (NCHW, one
 * sample at a time), except for the two shapes that have a better way.
 *
 * <pre>
 *   forward        y[cout, P]      = W[cout, K] · col[K, P]             (K = cin·kh·kw, P = output positions)
 *   weight grad    dW[cout, K]    += dy[cout, P] · col[K, P]ᵀ
 *   data grad      dcol[K, P]      = W[cout, K]ᵀ · dy[cout, P],  then dx += col2im(dcol)
 * </pre>
 * In the forward and weight-gradient products, col is never built: {@link ConvPacker} writes its blocks straight into
 * the GEMM's packed panels. The data gradient does build dcol, in bands of output rows so it stays within
 * {@link #COL_BUDGET} floats however large the image ({@link Col2im} adds each band back).
 *
 * <p>A pointwise convolution ({@link ConvGeometry#isPointwise}: 1×1, stride 1, unpadded) is already a matrix product
 * of the weight with each image, with no im2col. A layer with very few output channels (the generator's last) would
 * make a GEMM of one to four rows (the generator's last, PatchGAN's last): its forward pass and weight gradient are
 * {@link DirectConv}, and its data gradient is the forward convolution of dy with flipped, transposed weights.
 *
 * <p>Reflection padding: the forward pass and the weight gradient read x's border through the reflection where they
 * read x ({@link ConvPacker}, the Winograd layout pass), so no padded image is made; {@link DirectConv} reads zero
 * padding only (its few-output layers are padded by the backend for the call), and the data gradient is computed on
 * the padded shape ({@link ConvGeometry#onPaddedInput}) and folded back by the backend.
 *
 * <p>Stride-1 3×3 convolutions may instead be Winograd convolutions ({@link WinogradConv}), as the backend's
 * {@link WinogradChoice} says: the forward pass, the data gradient as the forward convolution of dy with flipped,
 * transposed weights padded by 2 − p, and the weight gradient as the forward's adjoint in the weights.
 */
final class ConvKernels {
    /** Largest col band, in floats (16 MB). */
    static final int COL_BUDGET = 1 << 22;

    private static final ThreadLocal<float[]> COL = ThreadLocal.withInitial(() -> new float[0]);

    private ConvKernels() {}

    /** Output rows per band of the data gradient's col matrix, so that a band stays within {@code colBudget} floats. */
    static int bandRows(ConvGeometry g, int colBudget) {
        return Math.max(1, Math.min(g.oh(), colBudget / Math.max(1, g.taps() * g.ow())));
    }

    private static float[] colBuffer(int size) {
        float[] c = COL.get();
        if (c.length < size) {
            c = new float[size];
            COL.set(c);
        }
        return c;
    }

    /**
     * The forward pass, a Winograd convolution where {@code winograd} says so (its bands of tiles within
     * {@code colBudget} floats, at most {@link WinogradConv#BAND_BUDGET}).
     */
    static void forward(ConvGeometry g, float[] x, float[] wt, float[] bias, float[] y, int colBudget, WinogradChoice winograd, WorkerPool pool) {
        int tile = winograd.tile(g);
        if (tile > 0) {
            WinogradConv.forward(g, tile, x, wt, false, bias, y, Math.min(colBudget, WinogradConv.BAND_BUDGET), pool);
            return;
        }
        forward(g, x, wt, bias, y, pool);
    }

    /** The forward pass on the GEMM path (or {@link DirectConv}). */
    static void forward(ConvGeometry g, float[] x, float[] wt, float[] bias, float[] y, WorkerPool pool) {
        if (DirectConv.applies(g)) {
            DirectConv.forward(g, x, wt, bias, y, pool);
            return;
        }
        int k = g.taps(), p = g.oh() * g.ow();
        for (int b = 0; b < g.n(); b++) {
            int xOff = b * g.cin() * g.h() * g.w(), yOff = b * g.cout() * p;
            if (bias != null) {
                for (int co = 0; co < g.cout(); co++) Arrays.fill(y, yOff + co * p, yOff + (co + 1) * p, bias[co]);
            }
            if (g.isPointwise()) {
                Gemm.gemm(g.cout(), p, k, wt, 0, k, false, x, xOff, p, false, y, yOff, p, bias != null, pool);
                continue;
            }
            ConvPacker im2col = new ConvPacker(x, xOff, g);
            Gemm.gemm(g.cout(), p, k, wt, 0, k, false, im2col::packTapsByPositions, y, yOff, p, bias != null, pool);
        }
    }

    /**
     * The weight gradient, a Winograd convolution's where {@code winograd} says so (its bands of tiles within
     * {@code colBudget} floats, at most {@link WinogradConv#BAND_BUDGET}).
     */
    static void backwardWeight(ConvGeometry g, float[] x, float[] dy, float[] dw, int colBudget, WinogradChoice winograd, WorkerPool pool) {
        int tile = winograd.tile(g);
        if (tile > 0) {
            WinogradConv.backwardWeight(g, tile, x, dy, dw, Math.min(colBudget, WinogradConv.BAND_BUDGET), pool);
            return;
        }
        backwardWeight(g, x, dy, dw, pool);
    }

    /** The weight gradient on the GEMM path (or {@link DirectConv}). */
    static void backwardWeight(ConvGeometry g, float[] x, float[] dy, float[] dw, WorkerPool pool) {
        if (DirectConv.applies(g)) {
            DirectConv.backwardWeight(g, x, dy, dw, pool);
            return;
        }
        int k = g.taps(), p = g.oh() * g.ow();
        boolean first = true;
        for (int b = 0; b < g.n(); b++) {
            int xOff = b * g.cin() * g.h() * g.w(), yOff = b * g.cout() * p;
            if (g.isPointwise()) {
                Gemm.gemm(g.cout(), k, p, dy, yOff, p, false, x, xOff, p, true, dw, 0, k, !first, pool);
                first = false;
                continue;
            }
            ConvPacker im2col = new ConvPacker(x, xOff, g);
            Gemm.gemm(g.cout(), k, p, dy, yOff, p, false, im2col::packPositionsByTaps, dw, 0, k, !first, pool);
            first = false;
        }
        if (first) Arrays.fill(dw, 0f);
    }

    /**
     * The data gradient of a zero-padded convolution (a reflection-padded one's is that of {@link
     * ConvGeometry#onPaddedInput}, folded back: see {@code CpuBackend.conv2dBackwardData}).
     */
    static void backwardData(ConvGeometry g, float[] dy, float[] wt, float[] dx, int colBudget, WinogradChoice winograd, WorkerPool pool) {
        if (g.spec().reflects()) throw new IllegalArgumentException("backwardData: reflection padding is folded by the caller, got " + g.spec());
        ConvGeometry asForward = winogradDataGradient(g);
        int tile = asForward == null ? 0 : winograd.tile(g);   // the layer's tile, as for its forward pass
        if (tile > 0) {
            WinogradConv.forward(asForward, tile, dy, wt, true, null, dx, Math.min(colBudget, WinogradConv.BAND_BUDGET), pool);
            return;
        }
        if (dataGradientIsAForwardConvolution(g)) {
            float[] flipped = flippedTransposed(wt, g.cout(), g.cin(), g.kh(), g.kw());
            ConvSpec pad = new ConvSpec(1, 1, g.kh() - 1 - g.spec().padH(), g.kw() - 1 - g.spec().padW());
            forward(new ConvGeometry(g.n(), g.cout(), g.oh(), g.ow(), g.cin(), g.kh(), g.kw(), g.h(), g.w(), pad), dy, flipped, null, dx, pool);
            return;
        }
        int k = g.taps(), p = g.oh() * g.ow();
        for (int b = 0; b < g.n(); b++) {
            int xOff = b * g.cin() * g.h() * g.w(), yOff = b * g.cout() * p;
            if (g.isPointwise()) {
                Gemm.gemm(k, p, g.cout(), wt, 0, k, true, dy, yOff, p, false, dx, xOff, p, false, pool);
                continue;
            }
            Arrays.fill(dx, xOff, xOff + g.cin() * g.h() * g.w(), 0f);
            int band = bandRows(g, colBudget);
            float[] col = colBuffer(k * band * g.ow());
            for (int y0 = 0; y0 < g.oh(); y0 += band) {
                int y1 = Math.min(g.oh(), y0 + band), cols = (y1 - y0) * g.ow();
                Gemm.gemm(k, cols, g.cout(), wt, 0, k, true, dy, yOff + y0 * g.ow(), p, false, col, 0, cols, false, pool);
                Col2im.addInto(col, g, y0, y1, dx, xOff, pool);
            }
        }
    }

    /**
     * At most {@link DirectConv#MAX_COUT} output channels, stride 1, padding below the kernel size: lowering dy would give a GEMM with K = cout·kh·kw
     * tiny and a huge col2im. For a stride-1 convolution the data gradient is itself a convolution, of dy with the
     * weights transposed (in ↔ out channels) and flipped in space, padded by k − 1 − p; that one has cout and cin
     * swapped, so it is an ordinary, well-shaped forward convolution.
     */
    private static boolean dataGradientIsAForwardConvolution(ConvGeometry g) {
        return g.hasFewOutputs() && g.spec().padH() < g.kh() && g.spec().padW() < g.kw();
    }

    /**
     * The data gradient of a stride-1 3×3 convolution with padding p ≤ 2 as a forward convolution: of dy
     * [n, cout, oh, ow] with the flipped, transposed weights [cin, cout, 3, 3], padded by 2 − p, giving dx
     * [n, cin, h, w]; null for other convolutions.
     */
    private static ConvGeometry winogradDataGradient(ConvGeometry g) {
        ConvSpec s = g.spec();
        if (!WinogradConv.applies(g) || s.padH() > 2 || s.padW() > 2) return null;
        if (g.oh() != g.h() + 2 * s.padH() - 2 || g.ow() != g.w() + 2 * s.padW() - 2) return null;
        return new ConvGeometry(g.n(), g.cout(), g.oh(), g.ow(), g.cin(), 3, 3, g.h(), g.w(), new ConvSpec(1, 1, 2 - s.padH(), 2 - s.padW()));
    }

    /** The weights w [cout, cin, kh, kw] transposed and flipped in space: [cin, cout, kh, kw]. */
    private static float[] flippedTransposed(float[] w, int cout, int cin, int kh, int kw) {
        float[] t = new float[w.length];
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        t[((ci * cout + co) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] = w[((co * cin + ci) * kh + i) * kw + j];
        return t;
    }
}
