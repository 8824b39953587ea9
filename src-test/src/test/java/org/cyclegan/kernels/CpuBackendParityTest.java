package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.testing.Close;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every cpu kernel against the reference backend on random inputs: odd sizes, stride 2, padding, 1×1 and 7×7
 * kernels, GEMM edges in both dimensions. Kernels that only reorder float additions must agree within a relative
 * error of 1e-5 (max norm); element-wise kernels whose arithmetic is identical must agree within 1e-6. Output
 * arrays start as NaN (see CPU below), so an unwritten element shows up as an error.
 * The cpu backend runs with 2 threads so the parallel paths are exercised whatever the machine.
 */
class CpuBackendParityTest {
    static final double TOL = 1e-5;
    static final ReferenceBackend REF = new ReferenceBackend();
    /**
     * Every array this backend hands out starts as NaN, so a kernel that leaves an output element unwritten fails here;
     * its data-gradient bands hold at most 2,000 floats, so the banded col2im path runs on these small shapes.
     */
    static final CpuBackend CPU = CpuBackend.forTesting(2, 2_000);
    final Random rng = new Random(7);

    @AfterAll
    static void shutdown() {
        CPU.close();
    }

    Tensor rand(Backend b, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[org.cyclegan.engine.Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(b, v, shape);
    }

    static void same(Tensor ref, Tensor cpu, double tol, String what) {
        assertArrayEquals(ref.shape(), cpu.shape(), what + ": shape");
        assertEquals("cpu", cpu.backend().name(), what + ": result must live on the cpu backend");
        Close.assertRelative(ref, cpu, tol, what);
    }

    /** {n, cin, h, w, cout, k, stride, pad}: CycleGAN's shapes in miniature plus awkward ones. */
    static final int[][] CONVS = {
            {1, 3, 13, 11, 5, 7, 1, 0},    // 7×7 stem after reflection pad
            {2, 4, 9, 8, 6, 3, 2, 1},      // down-sampling, odd input
            {1, 8, 10, 10, 7, 3, 1, 1},    // residual-block conv with zero padding
            {2, 5, 6, 7, 3, 1, 1, 0},      // 1×1 (no lowering needed)
            {1, 3, 16, 16, 8, 4, 2, 1},    // PatchGAN 4×4 stride 2
            {1, 9, 7, 7, 1, 4, 1, 1},      // PatchGAN last layer: one output channel
            {1, 16, 12, 9, 13, 3, 1, 0},   // M and N not multiples of the micro-tile
            {1, 2, 5, 5, 3, 1, 2, 0},      // 1×1 stride 2 (needs lowering)
            {1, 33, 34, 30, 40, 3, 2, 1},  // several GEMM blocks and K blocks
            {2, 6, 24, 40, 3, 7, 1, 0},    // generator's last layer in miniature: direct kernels (few outputs, no padding)
            {1, 4, 20, 19, 1, 3, 1, 0},    // direct kernels, one output channel, row not a multiple of the vector
    };

    @Test void conv2d_forwardBackwardDataBackwardWeight() {
        for (int[] c : CONVS) {
            ConvSpec s = ConvSpec.of(c[6], c[7]);
            int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], c[5], c[5]};
            String what = "conv " + java.util.Arrays.toString(c);
            Tensor xr = rand(REF, 1, xs), wr = rand(REF, 2, ws), br = rand(REF, 3, c[4]);
            Tensor yr = REF.conv2d(xr, wr, br, s);
            Tensor yc = CPU.conv2d(xr.to(CPU), wr.to(CPU), br.to(CPU), s);
            same(yr, yc, TOL, what + " forward");
            same(REF.conv2d(xr, wr, null, s), CPU.conv2d(xr.to(CPU), wr.to(CPU), null, s), TOL, what + " forward without bias");
            Tensor dy = rand(REF, 4, yr.shape());
            same(REF.conv2dBackwardData(dy, wr, xs, s), CPU.conv2dBackwardData(dy.to(CPU), wr.to(CPU), xs, s), TOL, what + " backward data");
            same(REF.conv2dBackwardWeight(xr, dy, ws, s), CPU.conv2dBackwardWeight(xr.to(CPU), dy.to(CPU), ws, s), TOL, what + " backward weight");
        }
    }

    @Test void convTranspose2d_throughTheSameKernels() {
        // conv_transpose2d k3 s2 p1 op1 (the generator's up-sampling) is conv2dBackwardData with the output shape.
        ConvSpec s = ConvSpec.of(2, 1);
        Tensor x = rand(REF, 5, 1, 6, 5, 7);
        Tensor w = rand(REF, 6, 6, 4, 3, 3);
        int[] out = {1, 4, 10, 14};
        same(REF.conv2dBackwardData(x, w, out, s), CPU.conv2dBackwardData(x.to(CPU), w.to(CPU), out, s), TOL, "conv transpose");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 6, 7, 17, 31, 33, 64, 100})
    void matmul_allTransposes(int n) {
        int m = n + 3, k = 2 * n + 1;
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rand(REF, 1, k, m) : rand(REF, 1, m, k);
                Tensor b = tb ? rand(REF, 2, n, k) : rand(REF, 2, k, n);
                same(REF.matmul(a, b, ta, tb), CPU.matmul(a.to(CPU), b.to(CPU), ta, tb), TOL, "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb);
            }
    }

    @Test void matmul_largerThanOneBlockInEveryDimension() {
        Tensor a = rand(REF, 1, 301, 530), b = rand(REF, 2, 530, 611);
        same(REF.matmul(a, b, false, false), CPU.matmul(a.to(CPU), b.to(CPU), false, false), TOL, "matmul 301x530x611");
    }

    @Test void unaryOps() {
        Tensor x = rand(REF, 9, 3, 5, 7, 11);   // 1155 elements: not a multiple of any vector width
        Tensor pos = REF.unary(UnaryOp.ABS, x);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? pos : op == UnaryOp.LOG1P ? pos : x;
            same(REF.unary(op, in), CPU.unary(op, in.to(CPU)), 1e-6, op.name());
        }
        same(REF.leakyRelu(x, 0.2f), CPU.leakyRelu(x.to(CPU), 0.2f), 0, "leaky relu");
        Tensor big = rand(REF, 10, 1, 64, 40, 41);   // big enough to run on both threads
        same(REF.unary(UnaryOp.TANH, big), CPU.unary(UnaryOp.TANH, big.to(CPU)), 0, "tanh (parallel)");
        same(REF.unary(UnaryOp.RELU, big), CPU.unary(UnaryOp.RELU, big.to(CPU)), 0, "relu (parallel)");
    }

    @Test void binaryOps_sameShape_scalar_perChannel_general() {
        Tensor a = rand(REF, 1, 2, 3, 9, 7), b = rand(REF, 2, 2, 3, 9, 7);
        Tensor pos = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, b), 0.5f);
        int[][] otherShapes = {{1, 3, 1, 1}, {3, 1, 1}, {1}, {7}, {2, 1, 9, 1}, {}};
        for (BinaryOp op : BinaryOp.values()) {
            Tensor rhs = op == BinaryOp.DIV ? pos : b;
            same(REF.binary(op, a, rhs), CPU.binary(op, a.to(CPU), rhs.to(CPU)), 0, op + " same shape");
            same(REF.binaryScalar(op, a, 1.7f), CPU.binaryScalar(op, a.to(CPU), 1.7f), 0, op + " scalar");
            for (int[] s : otherShapes) {
                Tensor o = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, rand(REF, 3, s)), 0.5f);
                same(REF.binary(op, a, o), CPU.binary(op, a.to(CPU), o.to(CPU)), 0, op + " broadcast " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test void reductionsAndBroadcast() {
        Tensor x = rand(REF, 4, 3, 5, 13, 9);
        for (int[] axes : new int[][] {{0, 1, 2, 3}, {0, 2, 3}, {2, 3}, {1}, {0}, {3}, {1, 3}}) {
            same(REF.sum(x, axes), CPU.sum(x.to(CPU), axes), TOL, "sum " + java.util.Arrays.toString(axes));
        }
        Tensor big = rand(REF, 5, 1, 256, 16, 16);
        same(REF.sum(big, new int[] {0, 1, 2, 3}), CPU.sum(big.to(CPU), new int[] {0, 1, 2, 3}), TOL, "sum all (parallel)");
        for (int[] from : new int[][] {{1, 5, 1, 1}, {5, 1, 1}, {1}, {1, 1, 13, 1}}) {
            Tensor t = rand(REF, 6, from);
            same(REF.broadcastTo(t, x.shape()), CPU.broadcastTo(t.to(CPU), x.shape()), 0, "broadcast " + java.util.Arrays.toString(from));
        }
    }

    @Test void concatSliceAndPadding() {
        Tensor a = rand(REF, 1, 2, 3, 5, 4), b = rand(REF, 2, 2, 2, 5, 4);
        same(REF.concat(List.of(a, b), 1), CPU.concat(List.of(a.to(CPU), b.to(CPU)), 1), 0, "concat");
        same(REF.slice(a, 1, 1, 2), CPU.slice(a.to(CPU), 1, 1, 2), 0, "slice");
        for (Padding.Mode mode : Padding.Mode.values()) {
            Padding p = new Padding(3, 1, 2, 3);
            Tensor y = REF.pad2d(a, p, mode);
            same(y, CPU.pad2d(a.to(CPU), p, mode), 0, "pad " + mode);
            Tensor dy = rand(REF, 3, y.shape());
            // Reflected borders add 2-3 values: float order differs from the reference's double sum, so 1e-6, not 0.
            same(REF.pad2dBackward(dy, a.shape(), p, mode), CPU.pad2dBackward(dy.to(CPU), a.shape(), p, mode), 1e-6, "pad backward " + mode);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void normalizeForwardAndBackward(boolean perInstance) {
        for (int[] shape : new int[][] {{2, 3, 7, 5}, {1, 16, 32, 32}, {3, 4, 1, 3}}) {
            Tensor x = REF.binaryScalar(BinaryOp.ADD, rand(REF, 1, shape), 2.5f);
            NormResult r = REF.normalize(x, perInstance, 1e-5f);
            NormResult c = CPU.normalize(x.to(CPU), perInstance, 1e-5f);
            String what = (perInstance ? "instance" : "batch") + " norm " + java.util.Arrays.toString(shape);
            same(r.xhat(), c.xhat(), TOL, what + " xhat");
            same(r.mean(), c.mean(), TOL, what + " mean");
            same(r.var(), c.var(), TOL, what + " var");
            same(r.invStd(), c.invStd(), TOL, what + " invStd");
            Tensor dy = rand(REF, 2, shape);
            same(REF.normalizeBackward(dy, r.xhat(), r.invStd(), perInstance),
                    CPU.normalizeBackward(dy.to(CPU), c.xhat(), c.invStd(), perInstance), 1e-4, what + " backward");
        }
    }

    @Test void adamUpdateInPlace() {
        for (float wd : new float[] {0f, 0.01f}) {
            Tensor pr = rand(REF, 1, 1001), gr = rand(REF, 2, 1001), mr = rand(REF, 3, 1001), vr = REF.unary(UnaryOp.ABS, rand(REF, 4, 1001));
            Tensor pc = pr.to(CPU), gc = gr.to(CPU), mc = mr.to(CPU), vc = vr.to(CPU);
            for (int t = 0; t < 3; t++) {
                REF.adamUpdate(pr, gr, mr, vr, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
                CPU.adamUpdate(pc, gc, mc, vc, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
            }
            same(pr, pc, 1e-6, "adam param wd=" + wd);
            same(mr, mc, 1e-6, "adam m wd=" + wd);
            same(vr, vc, 1e-6, "adam v wd=" + wd);
        }
    }
}
