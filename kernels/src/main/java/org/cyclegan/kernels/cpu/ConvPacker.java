package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.Padding;

/**
 * Packs blocks of a convolution's im2col matrix straight from the input image into the GEMM's panel layout, so the
 * matrix itself (cin·kh·kw × output positions, often tens of megabytes) is never written out and read back.
 *
 * <p>Row r of the im2col matrix is a tap (ci, i, j) = (r / (kh·kw), r / kw mod kh, r mod kw); column q is an output
 * position (oy, ox) = (q / ow, q mod ow); the entry is x[ci, oy·sh − ph + i, ox·sw − pw + j], outside the image zero
 * or, with reflection padding, the value it mirrors ({@link Padding.Mode#index}).
 */
final class ConvPacker {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /**
     * Per thread: for the weight gradient's panel of taps, each tap's offset in x from its window's corner, its row i
     * and its column j (three runs of NR).
     */
    private static final ThreadLocal<int[]> PANEL_TAPS = ThreadLocal.withInitial(() -> new int[3 * Gemm.NR]);

    private final float[] x;
    private final int xOff;
    private final int h, w, kh, kw, ow, sh, sw, ph, pw;
    /** Reflection padding: the border reads the mirrored values instead of zeros. */
    private final boolean reflect;
    /** For strided rows: lane t reads t·strideW along the image row. */
    private final int[] strided;

    ConvPacker(float[] x, int xOff, ConvGeometry g) {
        this.x = x;
        this.xOff = xOff;
        this.h = g.h();
        this.w = g.w();
        this.kh = g.kh();
        this.kw = g.kw();
        this.ow = g.ow();
        this.sh = g.spec().strideH();
        this.sw = g.spec().strideW();
        this.ph = g.spec().padH();
        this.pw = g.spec().padW();
        this.reflect = g.spec().reflects();
        this.strided = new int[L];
        for (int t = 0; t < L; t++) strided[t] = t * sw;
    }

    /**
     * B = im2col (k = taps, n = positions): the forward product W · B. Tap by tap (its channel and offsets decoded
     * once), the block's positions are walked output row by output row, each run cut where a panel ends, and each run
     * copied by {@link #segment}.
     */
    void packTapsByPositions(int p0, int kc, int j0, int nc, float[] bp) {
        int nr = Gemm.NR, end = j0 + nc;
        for (int p = 0; p < kc; p++) {
            int r = p0 + p, plane = xOff + r / (kh * kw) * h * w, i = (r / kw) % kh, j = r % kw;
            int oy = j0 / ow, ox = j0 - oy * ow, lane = 0, d = p * nr;
            for (int q = j0; q < end; ) {
                int len = Math.min(Math.min(end - q, ow - ox), nr - lane);
                segment(plane, i, j, oy, ox, len, bp, d + lane);
                q += len;
                ox += len;
                lane += len;
                if (ox == ow) {
                    ox = 0;
                    oy++;
                }
                if (lane == nr) {
                    lane = 0;
                    d += kc * nr;
                }
            }
            if (lane > 0) Arrays.fill(bp, d + lane, d + nr, 0f);   // the last panel's padding columns
        }
    }

    /**
     * B = im2colᵀ (k = positions, n = taps): the weight-gradient product dy · B. A panel row is NR taps at one output
     * position; a tap's value is x at a fixed offset from the position's window, so where the whole window lies
     * inside the image the row is L-wide vector gathers through the panel's map of tap offsets, the same for every
     * position. Windows crossing the image's edge (and a last panel of fewer taps) go value by value, the border
     * zeros or reflected.
     */
    void packPositionsByTaps(int p0, int kc, int j0, int nc, float[] bp) {
        int nr = Gemm.NR, plane = h * w;
        int[] tap = PANEL_TAPS.get();
        int panels = (nc + nr - 1) / nr;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * kc * nr, t0 = j0 + jp * nr, taps = Math.min(nr, nc - jp * nr);
            int iMin = kh, iMax = 0, jMin = kw, jMax = 0;
            for (int t = 0; t < taps; t++) {
                int r = t0 + t, i = (r / kw) % kh, j = r % kw;
                tap[nr + t] = i;
                tap[2 * nr + t] = j;
                iMin = Math.min(iMin, i);
                iMax = Math.max(iMax, i);
                jMin = Math.min(jMin, j);
                jMax = Math.max(jMax, j);
            }
            for (int t = 0; t < taps; t++) tap[t] = (t0 + t) / (kh * kw) * plane + (tap[nr + t] - iMin) * w + tap[2 * nr + t] - jMin;
            int oy = p0 / ow, ox = p0 - oy * ow;
            for (int p = 0; p < kc; p++) {
                int y0 = oy * sh - ph, x0 = ox * sw - pw, d = base + p * nr;
                if (taps == nr && y0 + iMin >= 0 && y0 + iMax < h && x0 + jMin >= 0 && x0 + jMax < w) {
                    int corner = xOff + (y0 + iMin) * w + x0 + jMin;
                    for (int v = 0; v < nr; v += L) FloatVector.fromArray(S, x, corner, tap, v).intoArray(bp, d + v);
                } else {
                    for (int t = 0; t < nr; t++) {
                        int iy = y0 + tap[nr + t], ix = x0 + tap[2 * nr + t];
                        if (t < taps && iy >= 0 && iy < h && ix >= 0 && ix < w) {
                            bp[d + t] = x[xOff + (y0 + iMin) * w + x0 + jMin + tap[t]];
                        } else if (t < taps && reflect) {
                            int ry = Padding.Mode.REFLECT.index(iy, h), rx = Padding.Mode.REFLECT.index(ix, w);
                            bp[d + t] = x[xOff + (t0 + t) / (kh * kw) * plane + ry * w + rx];
                        } else {
                            bp[d + t] = 0f;
                        }
                    }
                }
                if (++ox == ow) {
                    ox = 0;
                    oy++;
                }
            }
        }
    }

    /**
     * dst[d .. d + len) = the values tap (plane, i, j) reads for output row oy, columns [ox, ox + len) (within one
     * output row): x[plane, oy·sh − ph + i, (ox + t)·sw − pw + j], outside the image zero or reflected.
     */
    private void segment(int plane, int i, int j, int oy, int ox, int len, float[] dst, int d) {
        int iy = oy * sh - ph + i;
        if (iy < 0 || iy >= h) {
            if (!reflect) {
                Arrays.fill(dst, d, d + len, 0f);
                return;
            }
            iy = Padding.Mode.REFLECT.index(iy, h);
        }
        int row = plane + iy * w, src = row - pw + j;   // x index of output column 0 (before the bounds check)
        int end = ox + len;
        if (sw == 1 && ox >= pw - j && end <= w + pw - j) {
            // Contiguous and inside the image: vector copies (a panel row is a few vectors; a call to arraycopy
            // would cost more than the copy).
            int o = 0;
            for (; o + L <= len; o += L) FloatVector.fromArray(S, x, src + ox + o).intoArray(dst, d + o);
            for (; o < len; o++) dst[d + o] = x[src + ox + o];
        } else if (sw == 1) {
            // Contiguous, crossing the image's edge: the border left of the image, one copy, the border right of it.
            int lo = Math.min(end, Math.max(ox, pw - j)), hi = Math.max(lo, Math.min(end, w + pw - j));
            border(row, j, ox, lo, ox, dst, d);
            if (hi > lo) System.arraycopy(x, src + lo, dst, d + lo - ox, hi - lo);   // (a run wholly outside may start past x's end)
            border(row, j, hi, end, ox, dst, d);
        } else {
            // Strided: the border where the taps fall outside the image, vector gathers of L outputs (L·sw image
            // columns, a few cache lines) in between.
            int lo = Math.min(end, Math.max(ox, Math.floorDiv(pw - j + sw - 1, sw)));
            int hi = Math.max(lo, Math.min(end, Math.floorDiv(w - 1 + pw - j, sw) + 1));
            border(row, j, ox, lo, ox, dst, d);
            int o = lo;
            for (; o + L <= hi; o += L) FloatVector.fromArray(S, x, src + o * sw, strided, 0).intoArray(dst, d + o - ox);
            for (; o < hi; o++) dst[d + o - ox] = x[src + o * sw];
            border(row, j, hi, end, ox, dst, d);
        }
    }

    /**
     * dst[d + q − ox] for the output columns q in [q0, q1), whose tap column q·sw − pw + j lies outside the image row
     * starting at x[row]: zeros, or with reflection padding the values the columns mirror.
     */
    private void border(int row, int j, int q0, int q1, int ox, float[] dst, int d) {
        if (!reflect) {
            Arrays.fill(dst, d + q0 - ox, d + q1 - ox, 0f);
            return;
        }
        for (int q = q0; q < q1; q++) dst[d + q - ox] = x[row + Padding.Mode.REFLECT.index(q * sw - pw + j, w)];
    }
}
