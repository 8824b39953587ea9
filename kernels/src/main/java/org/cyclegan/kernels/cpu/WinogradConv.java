package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * Winograd convolution F(m×m, 3×3) (Lavin and Gray, 2015) for stride-1 3×3 convolutions with any zero padding (and
 * reflection padding in the forward pass and weight gradient), m = 2 or 4. The output is cut into m×m tiles; each
 * tile needs an α×α patch of the input (α = m + 2), and
 * <pre>
 *   y_tile = Aᵀ [ Σ_ci (G g Gᵀ)[co, ci] ⊙ (Bᵀ d B)[ci] ] A
 * </pre>
 * where g is the 3×3 kernel and d the patch. For each of the α² points ξ of the transformed tile, the sum over input
 * channels is a matrix product, M_ξ[tiles × cout] = V_ξ[tiles × cin] · U_ξ[cin × cout]: α² GEMMs through the
 * {@link Gemm} micro-kernels. Per m×m outputs and channel pair that is α² multiply-adds against the direct
 * convolution's 9·m²: 16 against 36 for m = 2 (2.25× fewer), 36 against 144 for m = 4 (4× fewer).
 *
 * <p>Steps: the weights are transformed once per call (they may change between calls, in place, and carry no
 * version to cache by), straight into the GEMM's packed panel layout ({@link Gemm.PackedB}: the GEMMs read them in
 * place). Then, band by band of tiles (a band's transformed input and output each stay within {@link #BAND_BUDGET}
 * floats, or the backend's smaller budget): the input transform (Bᵀ d B with vectors over input channels, read from a
 * copy of the input with channels last and its padding in place, made once per call), the α² GEMMs (in
 * parallel, one per task), and the output transform (Aᵀ M A with vectors over output channels, into a copy of the
 * output with channels last over whole tiles). Last, the in-bounds part of that copy goes back to planes, plus bias.
 * The layout changes (and the weights' taps, read as vectors over output channels) are vector gathers
 * ({@link Transpose}). The vectors are the {@link VectorWidth} species; channel counts are padded to whole vectors
 * with zeros.
 *
 * <p>Numerical error. The transforms are exact in real arithmetic, but in float they round values larger than the
 * inputs. F(2×2)'s matrices hold only 0, ±1 and ±½: its error is no larger than the GEMM path's (relative error in
 * the max norm, against the reference, measured at 128 and 256 channels: 6e-7, the GEMM path's 2e-6). F(4×4) uses the
 * points 0, ±1, ±2, whose transforms hold 4, 5, 8 and 1/6, 1/12, 1/24: it loses about one decimal digit (about 1e-5
 * at 128 and 256 channels, 5e-6 on the contract's problems). The backend contract holds F(2×2) to 1e-5 and F(4×4) to
 * 1e-4 ({@code ContractProblems.SUMMED} and {@code WINOGRAD_4X4}) on its stride-1 3×3 problems.
 */
final class WinogradConv {
    /**
     * Largest transformed input or output of one band of tiles, in floats (4 MB; system property winograd.band, for
     * tuning experiments). Every band reads all of the transformed weights (F(4×4), 256 channels: 9.4 MB), so fewer,
     * larger bands read them fewer times: at 256 channels and 66×66, 4 MB against 2 MB took 4–10 % less time a call
     * (the data gradient's 17×17 tiles: 3 bands instead of 6), for 4 MB more in each of two buffers.
     */
    static final int BAND_BUDGET = Integer.getInteger("winograd.band", 1 << 20);

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    private static final int NR = Gemm.NR, KC = Gemm.KC;
    /**
     * Floats added between consecutive ξ's matrices in U, V and M (one cache line; system property winograd.skew, for
     * tuning experiments). Those matrices' sizes are usually powers of two (256 × 256, 64 tiles × 256 channels), so
     * without it the α² vectors a transform writes for one tile or channel pair would all fall in the same cache set:
     * the weight transform alone (one thread, 256 channels, F(4×4), a variant with G written out) took 1.0 ms with the
     * skew against 1.3 ms without; over a whole call the difference was within the machine's noise.
     */
    static final int SKEW = Integer.getInteger("winograd.skew", 16);

    /**
     * Per calling thread: packed transformed weights (or the weight gradient's transformed sums), transformed input and
     * output (or output gradient) of a band, the input channels last, the output (or output gradient) channels last.
     */
    private static final ThreadLocal<float[][]> CALLER = ThreadLocal.withInitial(() -> new float[5][0]);
    /**
     * Per worker: a kernel's taps (or its weight gradient), half-transformed kernels, patches or tiles, a
     * half-transformed output gradient tile.
     */
    private static final ThreadLocal<float[][]> WORKER = ThreadLocal.withInitial(() -> new float[4][0]);

    private final ConvGeometry g;
    private final int m, a, aa, tilesY, tilesX, tiles, paddedH, paddedW, cinL, coutL, coutP, band;
    /** Floats from one ξ's matrix to the next's: U (or the weight gradient's sums P), V, and M (or Ŵ); see {@link #SKEW}. */
    private final int uXi, vXi, mXi;
    /** G of this tile size, {@link #G2} or {@link #G4}. */
    private final float[] gm;

    private WinogradConv(ConvGeometry g, int m, int bandBudget) {
        this.g = g;
        this.m = m;
        this.a = m + 2;
        this.gm = m == 2 ? G2 : G4;
        this.aa = a * a;
        this.tilesY = (g.oh() + m - 1) / m;
        this.tilesX = (g.ow() + m - 1) / m;
        this.tiles = g.n() * tilesY * tilesX;
        this.paddedH = tilesY * m + 2;   // the input rows the tiles' patches cover, from the first padding row
        this.paddedW = tilesX * m + 2;
        this.cinL = roundUp(g.cin(), L);
        this.coutL = roundUp(g.cout(), L);
        this.coutP = roundUp(g.cout(), NR);
        int widest = Math.max(1, Math.min(tiles, bandBudget / (aa * Math.max(cinL, coutL))));
        // As few bands as the budget allows, sharing the tiles evenly (rounded up to whole GEMM row panels; the last
        // band takes the rest) rather than full bands and a short last one.
        int bands = (tiles + widest - 1) / widest, even = roundUp((tiles + bands - 1) / bands, Gemm.MR);
        this.band = even <= widest ? even : widest;
        this.uXi = Math.max(g.cin() * coutP, g.cout() * cinL) + SKEW;
        this.vXi = band * cinL + SKEW;
        this.mXi = band * coutL + SKEW;
    }

    /** Stride 1, 3×3: the convolutions this class computes (any padding). */
    static boolean applies(ConvGeometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.spec().strideH() == 1 && g.spec().strideW() == 1;
    }

    /**
     * y = conv(x, w) + bias with F(m×m, 3×3) on geometry {@code g}. With {@code flipped}, w is stored as the weight of
     * the convolution whose data gradient this is ([g.cin, g.cout, 3, 3]) and is used transposed and flipped in space:
     * the data gradient of a stride-1 convolution is this forward convolution of dy. A band's transformed input and
     * output each hold at most {@code bandBudget} floats (but always one tile).
     */
    static void forward(ConvGeometry g, int m, float[] x, float[] w, boolean flipped, float[] bias, float[] y, int bandBudget, WorkerPool pool) {
        if (m != 2 && m != 4) throw new IllegalArgumentException("Winograd tile must be 2 or 4, got " + m);
        new WinogradConv(g, m, bandBudget).run(x, w, flipped, bias, y, pool);
    }

    /**
     * dw = ∂L/∂w of the convolution {@code g} from its input x and output gradient dy, with F(m×m, 3×3): the forward's
     * adjoint with respect to the weights,
     * <pre>
     *   dw[co, ci] = Gᵀ [ Σ_tiles (A dy_tile Aᵀ)[co] ⊙ (Bᵀ d_tile B)[ci] ] G
     * </pre>
     * (dy_tile is zero where a tile overhangs the output). For each ξ the sum over the tiles is a matrix product,
     * P_ξ[cout × cin] += Ŵ_ξᵀ · V_ξ, accumulated band by band: again α² GEMMs, each as deep as a band has tiles. Tiles of
     * every image of the batch are summed, as the weight gradient sums over the batch.
     */
    static void backwardWeight(ConvGeometry g, int m, float[] x, float[] dy, float[] dw, int bandBudget, WorkerPool pool) {
        if (m != 2 && m != 4) throw new IllegalArgumentException("Winograd tile must be 2 or 4, got " + m);
        new WinogradConv(g, m, bandBudget).runBackwardWeight(x, dy, dw, pool);
    }

    private void run(float[] x, float[] w, boolean flipped, float[] bias, float[] y, WorkerPool pool) {
        float[][] buf = CALLER.get();
        float[] u = grow(buf, 0, aa * uXi);
        float[] v = grow(buf, 1, aa * vXi);
        float[] mm = grow(buf, 2, aa * mXi);
        float[] xc = grow(buf, 3, g.n() * paddedH * paddedW * cinL);
        float[] yc = grow(buf, 4, g.n() * tilesY * m * tilesX * m * coutL);
        pool.forRange(g.cin(), 1, (c0, c1) -> transformWeights(w, flipped, c0, c1, u));
        pool.forRange(g.n() * paddedH, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) channelsLastRow(x, r, xc);
        });
        for (int t0 = 0; t0 < tiles; t0 += band) {
            int first = t0, count = Math.min(band, tiles - t0);
            pool.forRange(count, 1, (s, e) -> {
                for (int t = s; t < e; t++) transformInput(xc, first + t, v, t);
            });
            pool.forEach(aa, xi -> Gemm.gemm(count, coutL, g.cin(), v, xi * vXi, cinL, false,
                    new Gemm.PackedB(u, xi * uXi, coutP), mm, xi * mXi, coutL, false, null));
            pool.forRange(count, 1, (s, e) -> {
                for (int t = s; t < e; t++) transformOutput(mm, t, first + t, yc);
            });
        }
        pool.forRange(g.n() * g.oh(), 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) outputRow(yc, r, bias, y);
        });
    }

    private void runBackwardWeight(float[] x, float[] dy, float[] dw, WorkerPool pool) {
        float[][] buf = CALLER.get();
        int cout = g.cout();
        float[] p = grow(buf, 0, aa * uXi);
        float[] v = grow(buf, 1, aa * vXi);
        float[] wt = grow(buf, 2, aa * mXi);
        float[] xc = grow(buf, 3, g.n() * paddedH * paddedW * cinL);
        float[] dyc = grow(buf, 4, g.n() * tilesY * m * tilesX * m * coutL);
        pool.forRange(g.n() * paddedH, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) channelsLastRow(x, r, xc);
        });
        pool.forRange(g.n() * tilesY * m, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) gradientChannelsLastRow(dy, r, dyc);
        });
        for (int t0 = 0; t0 < tiles; t0 += band) {
            int first = t0, count = Math.min(band, tiles - t0);
            boolean accumulate = t0 > 0;
            pool.forRange(count, 1, (s, e) -> {
                for (int t = s; t < e; t++) {
                    transformInput(xc, first + t, v, t);
                    transformOutputGradient(dyc, first + t, wt, t);
                }
            });
            pool.forEach(aa, xi -> Gemm.gemm(cout, cinL, count, wt, xi * mXi, coutL, true, v, xi * vXi, cinL, false,
                    p, xi * uXi, cinL, accumulate, null));
        }
        pool.forRange(cout, 1, (c0, c1) -> {
            for (int co = c0; co < c1; co++) weightGradient(p, co, dw);
        });
    }

    // ---- weights: U_ξ = G g Gᵀ, packed as the GEMM's B panels -------------------------------------------------

    /**
     * U for input channels [c0, c1), vectors over output channels. Layout, for each ξ, that of {@link Gemm#packB} on the
     * whole [cin × coutP] matrix block by block: block p0 (KC rows) at p0·coutP, in it panel jp (NR columns) at
     * jp·kc·NR, row p of it at p·NR.
     */
    private void transformWeights(float[] w, boolean flipped, int c0, int c1, float[] u) {
        float[][] buf = WORKER.get();
        float[] taps = grow(buf, 0, 9 * L), half = grow(buf, 1, 3 * a * L);
        int cin = g.cin(), cout = g.cout();
        // flipped: this convolution's w'[co][ci][k] is the stored w[ci][co][8 − k]; consecutive co are 9 apart, else 9·cin
        int coStride = flipped ? 9 : 9 * cin;
        int[] index = Transpose.lanesApart(coStride);
        // Output channels outermost: each of the L weight rows a gather reads is then walked in order (about 1.6× faster
        // than input channels outermost, whose gathers jump 9·cin floats per lane between rows).
        for (int co0 = 0; co0 < coutP; co0 += L) {
            for (int ci = c0; ci < c1; ci++) {
                int p0 = ci / KC * KC, kc = Math.min(KC, cin - p0);
                for (int k = 0; k < 9; k++) {
                    int first = flipped ? (ci * cout + co0) * 9 + 8 - k : (co0 * cin + ci) * 9 + k;
                    if (co0 + L <= cout) {
                        FloatVector.fromArray(S, w, first, index, 0).intoArray(taps, k * L);
                    } else {
                        for (int lane = 0; lane < L; lane++) taps[k * L + lane] = co0 + lane < cout ? w[first + lane * coStride] : 0f;
                    }
                }
                // G along the kernel's rows (3 → α, for each of its 3 columns), then along its columns.
                for (int j = 0; j < 3; j++) kernelTransform(taps, j * L, 3 * L, half, j * L, 3 * L);
                int out = p0 * coutP + co0 / NR * kc * NR + (ci - p0) * NR + co0 % NR;
                for (int i = 0; i < a; i++) kernelTransform(half, i * 3 * L, L, u, out + i * a * uXi, uXi);
            }
        }
    }

    /**
     * G, α × 3, row by row: the kernel transform's matrix. F(2×2): [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. F(4×4): [¼ 0 0;
     * −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1].
     */
    private static final float[] G2 = {1, 0, 0, .5f, .5f, .5f, .5f, -.5f, .5f, 0, 0, 1};
    private static final float[] G4 = {.25f, 0, 0, -1f / 6, -1f / 6, -1f / 6, -1f / 6, 1f / 6, -1f / 6,
            1f / 24, 1f / 12, 1f / 6, 1f / 24, -1f / 12, 1f / 6, 0, 0, 1};

    /**
     * α values G·(g0, g1, g2) from src[s], src[s + ss], src[s + 2ss] (vectors) to dst[d], dst[d + ds], ...
     *
     * <p>Why a loop over G's rows rather than the transform written out for each tile size, as the data transforms are:
     * these run as long loops a few times a call (over all channel pairs), and written out for both tile sizes the
     * JIT of JDK 17 compiled them, in some JVMs, without the Vector API's intrinsics (hundreds of MB of boxed vectors
     * an iteration with F(4×4); again in 2 of 5 JVMs when tried once more). One short loop over a table is one small
     * body for both. Each row is one multiply and two fused multiply-adds (it was three multiplies and two adds): 7–10 %
     * less time a Winograd forward or data-gradient call, 256 channels on 34×34 (medians of six JVMs each, alternating).
     */
    private void kernelTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector g0 = FloatVector.fromArray(S, src, s), g1 = FloatVector.fromArray(S, src, s + ss), g2 = FloatVector.fromArray(S, src, s + 2 * ss);
        for (int i = 0; i < a; i++) {
            g2.fma(FloatVector.broadcast(S, gm[3 * i + 2]), g1.fma(FloatVector.broadcast(S, gm[3 * i + 1]), g0.mul(gm[3 * i]))).intoArray(dst, d + i * ds);
        }
    }

    /** dw[co, ·] = Gᵀ P_ξ[co, ·] G for every input channel, vectors over input channels. */
    private void weightGradient(float[] p, int co, float[] dw) {
        float[][] buf = WORKER.get();
        float[] half = grow(buf, 1, 3 * a * L), out = grow(buf, 0, 9 * L);
        int cin = g.cin();
        for (int c = 0; c < cinL; c += L) {
            // Gᵀ along the rows of the α×α sums (α → 3, for each of their α columns), then along their columns.
            for (int j = 0; j < a; j++) kernelGradientTransform(p, j * uXi + co * cinL + c, a * uXi, half, j * L, a * L);
            for (int i = 0; i < 3; i++) kernelGradientTransform(half, i * a * L, L, out, i * 3 * L, L);
            for (int lane = 0; lane < L && c + lane < cin; lane++) {
                int at = (co * cin + c + lane) * 9;
                for (int k = 0; k < 9; k++) dw[at + k] = out[k * L + lane];
            }
        }
    }

    /** 3 values Gᵀ·(p0 … pα−1) from src[s], src[s + ss], ... (vectors) to dst[d], dst[d + ds], dst[d + 2ds]: a loop over G's rows, as {@link #kernelTransform}. */
    private void kernelGradientTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0;
        for (int i = 0; i < a; i++) {
            FloatVector pi = FloatVector.fromArray(S, src, s + i * ss);
            r0 = pi.mul(gm[3 * i]).add(r0);
            r1 = pi.mul(gm[3 * i + 1]).add(r1);
            r2 = pi.mul(gm[3 * i + 2]).add(r2);
        }
        r0.intoArray(dst, d);
        r1.intoArray(dst, d + ds);
        r2.intoArray(dst, d + 2 * ds);
    }

    // ---- input: V_ξ[tile, ci] = (Bᵀ d B)[ξ] -----------------------------------------------------------------------

    /** Tile {@code tile} of the whole output, written as row {@code row} of every V_ξ of the band. */
    private void transformInput(float[] xc, int tile, float[] v, int row) {
        float[] half = grow(WORKER.get(), 2, aa * cinL);
        int tx = tile % tilesX, ty = (tile / tilesX) % tilesY, n = tile / (tilesX * tilesY);
        int patch = ((n * paddedH + ty * m) * paddedW + tx * m) * cinL;
        for (int c = 0; c < cinL; c += L) {
            for (int j = 0; j < a; j++) dataTransform(xc, patch + j * cinL + c, paddedW * cinL, half, j * cinL + c, a * cinL);
            for (int i = 0; i < a; i++) dataTransform(half, i * a * cinL + c, cinL, v, i * a * vXi + row * cinL + c, vXi);
        }
    }

    /**
     * Image row {@code r} (of n·paddedH) of xc, x channels last with its padding, padding channels and the margin the
     * tiles overhang: xc[((n·paddedH + yy)·paddedW + xx)·cinL + ci] = x[n, ci, yy − ph, xx − pw] inside x; in the
     * padding zero or, with reflection padding, the value mirrored there (copied from the row's own inside); zero in
     * the overhang past the padding.
     */
    private void channelsLastRow(float[] x, int r, float[] xc) {
        ConvSpec s = g.spec();
        int n = r / paddedH, yy = r % paddedH, ph = s.padH(), pw = s.padW();
        int cin = g.cin(), h = g.h(), wd = g.w(), base = r * paddedW * cinL;
        Arrays.fill(xc, base, base + paddedW * cinL, 0f);
        int iy = yy < h + 2 * ph ? s.row(yy - ph, h) : -1;
        if (iy < 0) return;
        Transpose.gathered(x, (n * cin * h + iy) * wd, h * wd, 1, xc, base + pw * cinL, cinL, cin, wd, null);
        if (!s.reflects()) return;
        for (int xx = 0; xx < pw; xx++) System.arraycopy(xc, base + (pw + s.column(xx - pw, wd)) * cinL, xc, base + xx * cinL, cinL);
        for (int xx = pw + wd; xx < wd + 2 * pw; xx++) System.arraycopy(xc, base + (pw + s.column(xx - pw, wd)) * cinL, xc, base + xx * cinL, cinL);
    }

    /** α values Bᵀ·(d0 … dα−1) from src[s], src[s + ss], ... (vectors) to dst[d], dst[d + ds], ... */
    private void dataTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector d0 = FloatVector.fromArray(S, src, s), d1 = FloatVector.fromArray(S, src, s + ss);
        FloatVector d2 = FloatVector.fromArray(S, src, s + 2 * ss), d3 = FloatVector.fromArray(S, src, s + 3 * ss);
        if (m == 2) {
            // Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
            d0.sub(d2).intoArray(dst, d);
            d1.add(d2).intoArray(dst, d + ds);
            d2.sub(d1).intoArray(dst, d + 2 * ds);
            d1.sub(d3).intoArray(dst, d + 3 * ds);
        } else {
            // Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
            FloatVector d4 = FloatVector.fromArray(S, src, s + 4 * ss), d5 = FloatVector.fromArray(S, src, s + 5 * ss);
            FloatVector p1 = d4.sub(d2.mul(4f)), q1 = d3.sub(d1.mul(4f));   // rows 1, 2: p1 ± q1
            FloatVector p3 = d4.sub(d2), q3 = d3.sub(d1).mul(2f);           // rows 3, 4: p3 ± q3
            d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(dst, d);
            p1.add(q1).intoArray(dst, d + ds);
            p1.sub(q1).intoArray(dst, d + 2 * ds);
            p3.add(q3).intoArray(dst, d + 3 * ds);
            p3.sub(q3).intoArray(dst, d + 4 * ds);
            d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(dst, d + 5 * ds);
        }
    }

    // ---- output gradient: Ŵ_ξ[tile, co] = (A dy Aᵀ)[ξ] ----------------------------------------------------------

    /**
     * Row {@code r} (of n·tilesY·m) of dyc, dy channels last over whole tiles:
     * dyc[((n·tilesY·m + oy)·tilesX·m + ox)·coutL + co] = dy[n, co, oy, ox], zero where the tiles overhang the output.
     */
    private void gradientChannelsLastRow(float[] dy, int r, float[] dyc) {
        int rows = tilesY * m, cols = tilesX * m, n = r / rows, oy = r % rows;
        int cout = g.cout(), oh = g.oh(), ow = g.ow(), base = r * cols * coutL;
        Arrays.fill(dyc, base, base + cols * coutL, 0f);
        if (oy >= oh) return;
        Transpose.gathered(dy, (n * cout * oh + oy) * ow, oh * ow, 1, dyc, base, coutL, cout, ow, null);
    }

    /** Tile {@code tile}'s output gradient, transformed, written as row {@code row} of every Ŵ_ξ of the band. */
    private void transformOutputGradient(float[] dyc, int tile, float[] wt, int row) {
        float[] half = grow(WORKER.get(), 3, a * m * coutL);
        int tx = tile % tilesX, ty = (tile / tilesX) % tilesY, n = tile / (tilesX * tilesY);
        int rowStride = tilesX * m * coutL, patch = ((n * tilesY + ty) * m * tilesX * m + tx * m) * coutL;
        for (int c = 0; c < coutL; c += L) {
            for (int j = 0; j < m; j++) gradientTransform(dyc, patch + j * coutL + c, rowStride, half, j * coutL + c, m * coutL);
            for (int i = 0; i < a; i++) gradientTransform(half, i * m * coutL + c, coutL, wt, i * a * mXi + row * coutL + c, mXi);
        }
    }

    /** α values A·(d0 … dm−1) from src[s], src[s + ss], ... (vectors) to dst[d], dst[d + ds], ...: Aᵀ's adjoint. */
    private void gradientTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector d0 = FloatVector.fromArray(S, src, s), d1 = FloatVector.fromArray(S, src, s + ss);
        if (m == 2) {
            // A = [1 0; 1 1; 1 −1; 0 −1]
            d0.intoArray(dst, d);
            d0.add(d1).intoArray(dst, d + ds);
            d0.sub(d1).intoArray(dst, d + 2 * ds);
            d1.neg().intoArray(dst, d + 3 * ds);
        } else {
            // A = [1 0 0 0; 1 1 1 1; 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1]
            FloatVector d2 = FloatVector.fromArray(S, src, s + 2 * ss), d3 = FloatVector.fromArray(S, src, s + 3 * ss);
            FloatVector e1 = d0.add(d2), o1 = d1.add(d3), e2 = d0.add(d2.mul(4f)), o2 = d1.mul(2f).add(d3.mul(8f));
            d0.intoArray(dst, d);
            e1.add(o1).intoArray(dst, d + ds);
            e1.sub(o1).intoArray(dst, d + 2 * ds);
            e2.add(o2).intoArray(dst, d + 3 * ds);
            e2.sub(o2).intoArray(dst, d + 4 * ds);
            d3.intoArray(dst, d + 5 * ds);
        }
    }

    // ---- output: y_tile = Aᵀ M A, plus bias --------------------------------------------------------------------

    /**
     * Row {@code row} of every M_ξ of the band, which is tile {@code tile} of the whole output, into yc: the output
     * channels last over whole tiles, yc[((n·tilesY·m + oy)·tilesX·m + ox)·coutL + co].
     */
    private void transformOutput(float[] mm, int row, int tile, float[] yc) {
        float[] half = grow(WORKER.get(), 2, m * a * coutL);
        int tx = tile % tilesX, ty = (tile / tilesX) % tilesY, n = tile / (tilesX * tilesY);
        int cols = tilesX * m, at = ((n * tilesY + ty) * m * cols + tx * m) * coutL;
        for (int c = 0; c < coutL; c += L) {
            for (int j = 0; j < a; j++) outputTransform(mm, j * mXi + row * coutL + c, a * mXi, half, j * coutL + c, a * coutL);
            for (int i = 0; i < m; i++) outputTransform(half, i * a * coutL + c, coutL, yc, at + i * cols * coutL + c, coutL);
        }
    }

    /** Output row {@code r} (of n·oh) of y from yc, plus bias: the in-bounds part of the tiles, back to planes. */
    private void outputRow(float[] yc, int r, float[] bias, float[] y) {
        int oh = g.oh(), ow = g.ow(), n = r / oh, oy = r % oh;
        Transpose.gathered(yc, (n * tilesY * m + oy) * tilesX * m * coutL, coutL, 1, y, (n * g.cout() * oh + oy) * ow, oh * ow, ow, g.cout(), bias);
    }

    /** m values Aᵀ·(m0 … mα−1) from src[s], src[s + ss], ... (vectors) to dst[d], dst[d + ds], ... */
    private void outputTransform(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector m0 = FloatVector.fromArray(S, src, s), m1 = FloatVector.fromArray(S, src, s + ss);
        FloatVector m2 = FloatVector.fromArray(S, src, s + 2 * ss), m3 = FloatVector.fromArray(S, src, s + 3 * ss);
        if (m == 2) {
            // Aᵀ = [1 1 1 0; 0 1 −1 −1]
            m0.add(m1).add(m2).intoArray(dst, d);
            m1.sub(m2).sub(m3).intoArray(dst, d + ds);
        } else {
            // Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
            FloatVector m4 = FloatVector.fromArray(S, src, s + 4 * ss), m5 = FloatVector.fromArray(S, src, s + 5 * ss);
            FloatVector e1 = m1.add(m2), o1 = m1.sub(m2), e2 = m3.add(m4), o2 = m3.sub(m4);
            m0.add(e1).add(e2).intoArray(dst, d);
            o2.mul(2f).add(o1).intoArray(dst, d + ds);
            e2.mul(4f).add(e1).intoArray(dst, d + 2 * ds);
            o2.mul(8f).add(o1).add(m5).intoArray(dst, d + 3 * ds);
        }
    }

    // ---- buffers -----------------------------------------------------------------------------------------------

    private static float[] grow(float[][] buffers, int i, int size) {
        if (buffers[i].length < size) buffers[i] = new float[size];
        return buffers[i];
    }

    private static int roundUp(int v, int to) {
        return (v + to - 1) / to * to;
    }
}
