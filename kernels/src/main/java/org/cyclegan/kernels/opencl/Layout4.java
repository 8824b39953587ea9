package org.cyclegan.kernels.opencl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.Shape;

/**
 * Index geometry for the strided kernels, which take a 4-D iteration space ({@code int4} shape) and one {@code int4}
 * of strides per operand. Dimensions of size 1 are dropped and neighbours that every operand walks contiguously are
 * merged (a [2, 3, 4, 5] tensor plus a per-channel [1, 3, 1, 1] one becomes [2, 3, 20]), so any broadcast of tensors
 * up to rank 4 — and most beyond — fits in 4.
 */
final class Layout4 {
    /** Shape (4 entries, outermost first, padded with 1s) and each operand's strides (padded with 0s). */
    record Geometry(int[] shape, int[][] strides) {}

    private Layout4() {}

    /** The merged geometry, or throws when more than 4 dimensions remain. */
    static Geometry coalesce(String op, int[] shape, int[]... strides) {
        List<Integer> dims = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            int[] s = new int[strides.length];
            for (int o = 0; o < strides.length; o++) s[o] = strides[o][d];
            int last = dims.size() - 1;
            if (last >= 0 && mergeable(st.get(last), s, shape[d])) {
                dims.set(last, dims.get(last) * shape[d]);
                st.set(last, s);   // the merged dimension steps like its inner part
            } else {
                dims.add(shape[d]);
                st.add(s);
            }
        }
        if (dims.size() > 4) {
            throw new IllegalArgumentException("opencl " + op + ": shape " + Shape.str(shape) + " with these strides does not reduce to 4 dimensions");
        }
        int[] outShape = new int[4];
        int[][] outStrides = new int[strides.length][4];
        Arrays.fill(outShape, 1);
        int pad = 4 - dims.size();
        for (int i = 0; i < dims.size(); i++) {
            outShape[pad + i] = dims.get(i);
            for (int o = 0; o < strides.length; o++) outStrides[o][pad + i] = st.get(i)[o];
        }
        return new Geometry(outShape, outStrides);
    }

    /** An outer dimension merges into the inner one when, for every operand, outer stride = inner stride × inner size. */
    private static boolean mergeable(int[] outer, int[] inner, int innerSize) {
        for (int o = 0; o < outer.length; o++) if (outer[o] != inner[o] * innerSize) return false;
        return true;
    }
}
