package org.cyclegan.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * The element-wise kernels: each splits its arrays across the workers in vector-aligned ranges
 * ({@link WorkerPool#forVectorRanges}) and runs one vectorized loop per range.
 *
 * <p>Each operation has its own loop and the choice of operation is made once, outside it. Choosing inside the loop
 * (a switch that returns a vector) merges vector values at a branch, which JDK 17's JIT compiles by allocating a vector
 * object per step: that was about 100× slower.
 */
final class ElementwiseKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    private ElementwiseKernels() {}

    /** out = op(x). */
    static void unary(UnaryOp op, float[] x, float[] out, WorkerPool pool) {
        pool.forVectorRanges(x.length, (s, e) -> unary(op, x, out, s, e));
    }

    /** out = x &gt; 0 ? x : slope·x. */
    static void leakyRelu(float[] x, float slope, float[] out, WorkerPool pool) {
        pool.forVectorRanges(x.length, (s, e) -> leakyRelu(x, slope, out, s, e));
    }

    /** out = a op b, all three of one shape. */
    static void binary(BinaryOp op, float[] a, float[] b, float[] out, WorkerPool pool) {
        pool.forVectorRanges(a.length, (s, e) -> binary(op, a, b, out, s, e));
    }

    /** out = a op c. */
    static void scalar(BinaryOp op, float[] a, float c, float[] out, WorkerPool pool) {
        pool.forVectorRanges(a.length, (s, e) -> scalar(op, a, c, out, s, e));
    }

    /** out = a op perC for a [n, c, plane] and perC [c]: every plane with its channel's value. */
    static void perChannel(BinaryOp op, float[] a, float[] perC, float[] out, int n, int c, int plane, WorkerPool pool) {
        pool.forRange(n * c, WorkerPool.grain(plane), (p0, p1) -> {
            for (int p = p0; p < p1; p++) scalar(op, a, perC[p % c], out, p * plane, (p + 1) * plane);
        });
    }

    /** out [n, c, plane] = perC [c] repeated over each plane: the per-channel broadcast. */
    static void broadcastPerChannel(float[] perC, float[] out, int n, int c, int plane) {
        for (int p = 0; p < n * c; p++) Arrays.fill(out, p * plane, (p + 1) * plane, perC[p % c]);
    }

    /** out[i] = op(x[i]) for i in [s, e). */
    private static void unary(UnaryOp op, float[] x, float[] out, int s, int e) {
        int i = s;
        int v = s + (e - s) / L * L;
        switch (op) {
            case NEG -> { for (; i < v; i += L) FloatVector.fromArray(S, x, i).neg().intoArray(out, i); }
            case ABS -> { for (; i < v; i += L) FloatVector.fromArray(S, x, i).abs().intoArray(out, i); }
            case SQRT -> { for (; i < v; i += L) FloatVector.fromArray(S, x, i).sqrt().intoArray(out, i); }
            case RELU -> { for (; i < v; i += L) FloatVector.fromArray(S, x, i).max(0f).intoArray(out, i); }
            case STEP -> {
                FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
                for (; i < v; i += L) zero.blend(one, FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f)).intoArray(out, i);
            }
            default -> { }   // transcendental functions: the scalar definition below, identical to the reference
        }
        for (; i < e; i++) out[i] = op.apply(x[i]);
    }

    /** out[i] = x[i] &gt; 0 ? x[i] : slope·x[i] for i in [s, e). */
    private static void leakyRelu(float[] x, float slope, float[] out, int s, int e) {
        int i = s;
        for (int v = s + (e - s) / L * L; i < v; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, i);
            a.mul(slope).blend(a, a.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < e; i++) out[i] = x[i] > 0 ? x[i] : slope * x[i];
    }

    /** out[i] = a[i] op b[i] for i in [s, e). */
    private static void binary(BinaryOp op, float[] a, float[] b, float[] out, int s, int e) {
        int i = s;
        int v = s + (e - s) / L * L;
        switch (op) {
            case ADD -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i); }
            case SUB -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(out, i); }
            case MUL -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i); }
            case DIV -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).div(FloatVector.fromArray(S, b, i)).intoArray(out, i); }
            case MAX -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).max(FloatVector.fromArray(S, b, i)).intoArray(out, i); }
        }
        for (; i < e; i++) out[i] = op.apply(a[i], b[i]);
    }

    /** out[i] = a[i] op c for i in [s, e). */
    private static void scalar(BinaryOp op, float[] a, float c, float[] out, int s, int e) {
        int i = s;
        int v = s + (e - s) / L * L;
        switch (op) {
            case ADD -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).add(c).intoArray(out, i); }
            case SUB -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).sub(c).intoArray(out, i); }
            case MUL -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).mul(c).intoArray(out, i); }
            case DIV -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).div(c).intoArray(out, i); }
            case MAX -> { for (; i < v; i += L) FloatVector.fromArray(S, a, i).max(c).intoArray(out, i); }
        }
        for (; i < e; i++) out[i] = op.apply(a[i], c);
    }
}
