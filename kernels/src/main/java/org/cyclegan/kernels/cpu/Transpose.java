package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A strided matrix transpose with vector gathers: the layout changes between a tensor's planes (NCHW) and a kernel's
 * channels-last working copies.
 *
 * <p>Why gathers: a vector of the destination's consecutive values is one gather of source values a row apart and
 * one contiguous store. Measured on the Winograd convolution's channels-last copy (256 channels, 34×34, one Zen 4
 * core, JDK 17): 0.55 ns a value, against 0.8 for a scalar copy in 16×16 blocks and 1.05 for a scalar copy row by
 * row (whose writes, a channel count apart, fall into a few sets of the first-level cache); a 16×16 transpose in
 * registers by two-vector rearranges took 3.5.
 */
final class Transpose {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /** Source rows this many floats apart (2 KB) put a vector's lanes in at most two sets of the first-level cache. */
    private static final int CONFLICTING_ROWS = 512;
    /** Per thread: the last gather index map made, lane i at i·stride (callers repeat a stride many times over). */
    private static final ThreadLocal<int[]> INDEX = ThreadLocal.withInitial(() -> new int[L + 1]);

    private Transpose() {}

    /** The gather index map {0, stride, 2·stride, ...}, made again only when the stride changes. */
    static int[] lanesApart(int stride) {
        int[] index = INDEX.get();
        if (index[L] != stride) {
            for (int i = 0; i < L; i++) index[i] = i * stride;
            index[L] = stride;
        }
        return index;
    }

    /**
     * dst[dstOff + c·dstRow + r] = src[srcOff + r·srcRow + c·srcCol] (+ add[c] when {@code add} is not null) for r in
     * [0, rows) and c in [0, cols). {@code srcCol} may be negative (a reversed source row).
     */
    static void gathered(float[] src, int srcOff, int srcRow, int srcCol, float[] dst, int dstOff, int dstRow,
                         int rows, int cols, float[] add) {
        int whole = srcRow % CONFLICTING_ROWS == 0 ? 0 : rows - rows % L;
        if (whole > 0) {
            int[] index = lanesApart(srcRow);
            // Row chunk outside, columns inside: a chunk's L source lines serve every column before the next chunk.
            // Two copies of the loop, so that no vector reaches a join from two places (see Gemm#kernel).
            for (int r0 = 0; r0 < whole; r0 += L) {
                int s = srcOff + r0 * srcRow, d = dstOff + r0;
                if (add == null) {
                    for (int c = 0; c < cols; c++) FloatVector.fromArray(S, src, s + c * srcCol, index, 0).intoArray(dst, d + c * dstRow);
                } else {
                    for (int c = 0; c < cols; c++) FloatVector.fromArray(S, src, s + c * srcCol, index, 0).add(add[c]).intoArray(dst, d + c * dstRow);
                }
            }
        }
        // The rest, or all of it when the source rows conflict in the cache: scalar, in blocks of L × L, reading along
        // the source rows so that the block's L source lines are read whole one after the other.
        for (int r0 = whole; r0 < rows; r0 += L) {
            int r1 = Math.min(rows, r0 + L);
            for (int c0 = 0; c0 < cols; c0 += L) {
                int c1 = Math.min(cols, c0 + L);
                for (int r = r0; r < r1; r++) {
                    int s = srcOff + r * srcRow, d = dstOff + r;
                    if (add == null) {
                        for (int c = c0; c < c1; c++) dst[d + c * dstRow] = src[s + c * srcCol];
                    } else {
                        for (int c = c0; c < c1; c++) dst[d + c * dstRow] = src[s + c * srcCol] + add[c];
                    }
                }
            }
        }
    }
}
