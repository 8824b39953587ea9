package org.cyclegan.engine;

import java.util.Arrays;

/**
 * Helpers for tensor shapes. A shape is a plain {@code int[]} in NCHW order; these functions are the only place
 * that knows how to count, compare, print and broadcast them.
 */
public final class Shape {
    private Shape() {}

    /** Number of elements in a tensor of this shape (1 for a scalar shape {@code []}). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Broadcast two shapes with NumPy/PyTorch rules: align from the right; each pair of dimensions must be equal or one
     * of them 1. Throws an {@link IllegalArgumentException} naming the op and both shapes otherwise.
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i, rank);
            int db = dimFromRight(b, rank - 1 - i, rank);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[rank - 1 - i] = da == 1 ? db : da;
        }
        return out;
    }

    /** True when {@code from} can be broadcast to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) return false;
        for (int i = 0; i < from.length; i++) {
            int f = from[from.length - 1 - i];
            int t = to[to.length - 1 - i];
            if (f != t && f != 1) return false;
        }
        return true;
    }

    /** Dimension {@code i} of {@code shape} when it is right-aligned in a shape of rank {@code rank}; missing leading dims are 1. */
    private static int dimFromRight(int[] shape, int alignedIndex, int rank) {
        int i = alignedIndex - (rank - shape.length);
        return i < 0 ? 1 : shape[i];
    }

    /** Strides for reading a tensor of shape {@code from} as if broadcast to {@code to}: 0 along broadcast dimensions. */
    public static int[] broadcastStrides(int[] from, int[] to) {
        int[] own = strides(from);
        int[] out = new int[to.length];
        int lead = to.length - from.length;
        for (int d = 0; d < to.length; d++) {
            int fd = d - lead;
            out[d] = fd < 0 || from[fd] == 1 ? 0 : own[fd];
        }
        return out;
    }

    /** The product of the dimensions before {@code axis} (how many rows a concat or slice along it walks). */
    public static int outer(int[] shape, int axis) {
        int n = 1;
        for (int d = 0; d < axis; d++) n *= shape[d];
        return n;
    }

    /** The product of the dimensions after {@code axis} (the contiguous run one index of {@code axis} covers). */
    public static int inner(int[] shape, int axis) {
        int n = 1;
        for (int d = axis + 1; d < shape.length; d++) n *= shape[d];
        return n;
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static void requireRank(String op, String what, int[] shape, int rank) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have " + rank + " dimensions, got shape " + str(shape));
        }
    }
}
