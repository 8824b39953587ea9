package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.backend.Padding;

/**
 * Zero and reflection padding by rows: the interior of each output row is one array copy of its source row, and only
 * the few border columns are mapped one by one. The backward pass adds each output row back onto its source row.
 */
final class PadKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private PadKernels() {}

    static void forward(float[] x, float[] y, int planes, int h, int w, Padding p, Padding.Mode mode, WorkerPool pool) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        pool.forRange(planes, WorkerPool.grain(oh * ow), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int oy = 0; oy < oh; oy++) {
                    int dst = (c * oh + oy) * ow;
                    int sy = mode.source(oy, p.top(), h);
                    if (sy < 0) {
                        Arrays.fill(y, dst, dst + ow, 0f);
                        continue;
                    }
                    int src = (c * h + sy) * w;
                    System.arraycopy(x, src, y, dst + p.left(), w);
                    for (int ox = 0; ox < p.left(); ox++) y[dst + ox] = value(x, src, mode.source(ox, p.left(), w));
                    for (int ox = p.left() + w; ox < ow; ox++) y[dst + ox] = value(x, src, mode.source(ox, p.left(), w));
                }
            }
        });
    }

    private static float value(float[] x, int rowStart, int sx) {
        return sx < 0 ? 0f : x[rowStart + sx];
    }

    static void backward(float[] dy, float[] dx, int planes, int h, int w, Padding p, Padding.Mode mode, WorkerPool pool) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        pool.forRange(planes, WorkerPool.grain(oh * ow), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                Arrays.fill(dx, c * h * w, (c + 1) * h * w, 0f);
                for (int oy = 0; oy < oh; oy++) {
                    int sy = mode.source(oy, p.top(), h);
                    if (sy < 0) continue;
                    int src = (c * oh + oy) * ow, dst = (c * h + sy) * w;
                    addRow(dy, src + p.left(), dx, dst, w);
                    for (int ox = 0; ox < p.left(); ox++) {
                        int sx = mode.source(ox, p.left(), w);
                        if (sx >= 0) dx[dst + sx] += dy[src + ox];
                    }
                    for (int ox = p.left() + w; ox < ow; ox++) {
                        int sx = mode.source(ox, p.left(), w);
                        if (sx >= 0) dx[dst + sx] += dy[src + ox];
                    }
                }
            }
        });
    }

    /** dst[d .. d+n) += src[s .. s+n). */
    private static void addRow(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (int v = n / S.length() * S.length(); i < v; i += S.length()) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }
}
