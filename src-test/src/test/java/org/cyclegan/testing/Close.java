package org.cyclegan.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.check.KernelCheck;

/** Tolerance assertions on tensors. */
public final class Close {
    private Close() {}

    /**
     * Asserts max|actual − expected| / max|expected| ≤ tol (the relative error of the whole tensor in the max norm),
     * and equal shapes when both have a shape. Returns the relative error measured.
     */
    public static double assertRelative(Tensor expected, Tensor actual, double tol, String what) {
        if (actual == null) fail(what + ": no value (gradient not computed?)");
        if (expected.numel() != actual.numel()) fail(what + ": " + actual.numel() + " elements, expected " + expected.numel());
        if (expected.rank() > 0 && actual.rank() > 0 && !(expected.numel() == 1)) {
            assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        }
        double err = relativeError(expected.toArray(), actual.toArray());
        if (!(err <= tol)) fail(String.format("%s: relative error %.3e exceeds %.1e", what, err, tol));
        return err;
    }

    /** max|actual − expected| / max|expected|, as the backend self-check measures it (NaN when actual holds NaN). */
    public static double relativeError(float[] expected, float[] actual) {
        return KernelCheck.relativeError(expected, actual);
    }

    /** Max |a − b| over elements. */
    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
