package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * Lowering a convolution to a matrix product. {@code im2col} copies, for a band of output rows, every input value each
 * output position reads into a matrix col[(ci, i, j), (oy, ox)], so the convolution becomes W[cout, cin·kh·kw] · col.
 * {@code col2im} is its adjoint: it adds each column entry back onto the input position it came from (used for the
 * data gradient, where col holds Wᵀ·dy). Both run one input channel per task.
 */
final class Im2col {
    private Im2col() {}

    /** col[(ci·kh + i)·kw + j][(oy − y0)·ow + ox] = x[ci, oy·sh − ph + i, ox·sw − pw + j] (0 outside), oy in [y0, y1). */
    static void im2col(float[] x, int xOff, int cin, int h, int w, int kh, int kw, ConvSpec s, int ow,
                       int y0, int y1, float[] col, WorkerPool pool) {
        int ncols = (y1 - y0) * ow;
        pool.forRange(cin, 1, (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int dst = ((ci * kh + i) * kw + j) * ncols;
                        // ox range whose input column ix = ox·sw − pw + j falls inside [0, w)
                        int oxLo = ceilDiv(s.padW() - j, s.strideW());
                        oxLo = Math.max(0, oxLo);
                        int oxHi = Math.min(ow, ceilDiv(w + s.padW() - j, s.strideW()));
                        for (int oy = y0; oy < y1; oy++, dst += ow) {
                            int iy = oy * s.strideH() - s.padH() + i;
                            if (iy < 0 || iy >= h || oxLo >= oxHi) {
                                Arrays.fill(col, dst, dst + ow, 0f);
                                continue;
                            }
                            int src = xOff + (ci * h + iy) * w - s.padW() + j;
                            if (oxLo > 0) Arrays.fill(col, dst, dst + oxLo, 0f);
                            if (s.strideW() == 1) {
                                System.arraycopy(x, src + oxLo, col, dst + oxLo, oxHi - oxLo);
                            } else {
                                int sw = s.strideW();
                                for (int ox = oxLo; ox < oxHi; ox++) col[dst + ox] = x[src + ox * sw];
                            }
                            if (oxHi < ow) Arrays.fill(col, dst + oxHi, dst + ow, 0f);
                        }
                    }
                }
            }
        });
    }

    /** The adjoint of {@link #im2col}: dx[ci, iy, ix] += col[...] for every entry im2col would have read from it. */
    static void col2im(float[] col, int cin, int h, int w, int kh, int kw, ConvSpec s, int ow,
                       int y0, int y1, float[] dx, int dxOff, WorkerPool pool) {
        int ncols = (y1 - y0) * ow;
        pool.forRange(cin, 1, (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int src = ((ci * kh + i) * kw + j) * ncols;
                        int oxLo = Math.max(0, ceilDiv(s.padW() - j, s.strideW()));
                        int oxHi = Math.min(ow, ceilDiv(w + s.padW() - j, s.strideW()));
                        for (int oy = y0; oy < y1; oy++, src += ow) {
                            int iy = oy * s.strideH() - s.padH() + i;
                            if (iy < 0 || iy >= h) continue;
                            int dst = dxOff + (ci * h + iy) * w - s.padW() + j;
                            int sw = s.strideW();
                            for (int ox = oxLo; ox < oxHi; ox++) dx[dst + ox * sw] += col[src + ox];
                        }
                    }
                }
            }
        });
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
