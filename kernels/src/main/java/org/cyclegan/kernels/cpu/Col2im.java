package org.cyclegan.kernels.cpu;

import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;

/**
 * col2im, the adjoint of lowering a convolution to a matrix product. The im2col matrix col[(ci, i, j), (oy, ox)] holds,
 * for every output position, the input values it reads (see {@link ConvPacker}, which produces it block by block);
 * col2im adds each entry of such a matrix back onto the input position it came from. The data gradient uses it, with
 * col = Wᵀ·dy. One input channel per task.
 */
final class Col2im {
    private Col2im() {}

    /**
     * dx[ci, oy·sh − ph + i, ox·sw − pw + j] += col[(ci·kh + i)·kw + j][(oy − y0)·ow + ox] for oy in [y0, y1): the band of
     * output rows [y0, y1) of image dx (at {@code dxOff}) of the geometry's input shape.
     */
    static void addInto(float[] col, ConvGeometry g, int y0, int y1, float[] dx, int dxOff, WorkerPool pool) {
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), ow = g.ow();
        ConvSpec s = g.spec();
        int ncols = (y1 - y0) * ow;
        pool.forRange(g.cin(), 1, (c0, c1) -> {
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

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
