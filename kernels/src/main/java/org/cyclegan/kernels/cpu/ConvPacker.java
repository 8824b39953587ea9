package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.backend.ConvGeometry;

/**
 * Packs blocks of a convolution's im2col matrix straight from the input image into the GEMM's panel layout, so the
 * matrix itself (cin·kh·kw × output positions, often tens of megabytes) is never written out and read back.
 *
 * <p>Row r of the im2col matrix is a tap (ci, i, j) = (r / (kh·kw), r / kw mod kh, r mod kw); column q is an output
 * position (oy, ox) = (q / ow, q mod ow); the entry is x[ci, oy·sh − ph + i, ox·sw − pw + j], zero outside the image.
 */
final class ConvPacker {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    private final float[] x;
    private final int xOff;
    private final ConvGeometry g;
    /** For strided rows: lane t reads t·strideW along the image row. */
    private final int[] strided;

    ConvPacker(float[] x, int xOff, ConvGeometry g) {
        this.x = x;
        this.xOff = xOff;
        this.g = g;
        this.strided = new int[L];
        for (int t = 0; t < L; t++) strided[t] = t * g.spec().strideW();
    }

    /** B = im2col (k = taps, n = positions): the forward product W · B. */
    void packTapsByPositions(int p0, int kc, int j0, int nc, float[] bp) {
        int nr = Gemm.NR;
        int panels = (nc + nr - 1) / nr;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * kc * nr;
            int q0 = j0 + jp * nr, w = Math.min(nr, nc - jp * nr);
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                row(p0 + p, q0, w, bp, d, 1);
                if (w < nr) Arrays.fill(bp, d + w, d + nr, 0f);
            }
        }
    }

    /** B = im2colᵀ (k = positions, n = taps): the weight-gradient product dy · B. */
    void packPositionsByTaps(int p0, int kc, int j0, int nc, float[] bp) {
        int nr = Gemm.NR;
        int panels = (nc + nr - 1) / nr;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * kc * nr;
            int w = Math.min(nr, nc - jp * nr);
            for (int t = 0; t < w; t++) row(j0 + jp * nr + t, p0, kc, bp, base + t, nr);
            for (int t = w; t < nr; t++) for (int p = 0; p < kc; p++) bp[base + p * nr + t] = 0f;
        }
    }

    /** Writes im2col[r][q0 .. q0+len) to dst[d], dst[d + stride], ... */
    private void row(int r, int q0, int len, float[] dst, int d, int stride) {
        int kk = g.kh() * g.kw();
        int ci = r / kk, i = (r / g.kw()) % g.kh(), j = r % g.kw();
        int sh = g.spec().strideH(), sw = g.spec().strideW(), ph = g.spec().padH(), pw = g.spec().padW();
        int h = g.h(), wd = g.w(), ow = g.ow();
        int plane = xOff + ci * h * wd;
        int q = q0, end = q0 + len;
        while (q < end) {
            int oy = q / ow, ox = q - oy * ow;
            int run = Math.min(end - q, ow - ox);   // positions left in this output row
            int iy = oy * sh - ph + i;
            if (iy < 0 || iy >= h) {
                for (int t = 0; t < run; t++) dst[d + t * stride] = 0f;
            } else {
                int src = plane + iy * wd - pw + j;   // x index of ox = 0 (before the bounds check)
                if (sw == 1 && stride == 1) {
                    // Contiguous: zeros left of the image, one copy, zeros right of it.
                    int lo = Math.max(ox, pw - j), hi = Math.min(ox + run, wd + pw - j);
                    if (hi <= lo) {
                        Arrays.fill(dst, d, d + run, 0f);
                    } else {
                        if (lo > ox) Arrays.fill(dst, d, d + lo - ox, 0f);
                        System.arraycopy(x, src + lo, dst, d + lo - ox, hi - lo);
                        if (hi < ox + run) Arrays.fill(dst, d + hi - ox, d + run, 0f);
                    }
                } else if (stride == 1) {
                    // Strided, into contiguous panel rows: zeros where the taps fall outside the image, vector
                    // gathers of L outputs (L·sw image columns, a few cache lines) in between.
                    int lo = Math.min(ox + run, Math.max(ox, Math.floorDiv(pw - j + sw - 1, sw)));
                    int hi = Math.max(lo, Math.min(ox + run, Math.floorDiv(wd - 1 + pw - j, sw) + 1));
                    Arrays.fill(dst, d, d + lo - ox, 0f);
                    int o = lo;
                    for (; o + L <= hi; o += L) FloatVector.fromArray(S, x, src + o * sw, strided, 0).intoArray(dst, d + o - ox);
                    for (; o < hi; o++) dst[d + o - ox] = x[src + o * sw];
                    Arrays.fill(dst, d + hi - ox, d + run, 0f);
                } else {
                    for (int t = 0; t < run; t++) {
                        int ix = (ox + t) * sw - pw + j;
                        dst[d + t * stride] = ix >= 0 && ix < wd ? x[src + (ox + t) * sw] : 0f;
                    }
                }
            }
            d += run * stride;
            q += run;
        }
    }
}
