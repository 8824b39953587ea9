package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.opencl.DeviceInfo;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.testing.Close;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every opencl kernel against the reference backend on random inputs, on whatever OpenCL device is present (PoCL in CI):
 * odd sizes, strides 1 and 2, padding, 1×1, 3×3, 4×4 and 7×7 kernels, channel counts that are not multiples of any
 * tile, batches of 2, GEMM edges and all transposes.
 *
 * <p>The matrix-product kernels run with each kind of tiling: local-memory tiles (what GPUs get), sized for this device
 * and for a small one (64 work-items, 8 KB of local memory), and register blocking (what CPU devices get). So the GPU
 * code path is checked on PoCL even where no GPU exists.
 * Output buffers start as NaN, so an element a kernel leaves unwritten shows up as an error.
 *
 * <p>Tolerances (relative error of the whole tensor in the max norm, as CpuBackendParityTest): 1e-5 for kernels that
 * sum in a different order than the reference's double loops (GEMM, convolution, reductions, normalization
 * statistics), 1e-4 for the normalization backward (a difference of nearly equal terms), 2e-6 for transcendental
 * element-wise functions (OpenCL's exp, log, tanh are allowed a few ulp where Java rounds the exact value), 1e-6 for
 * division and the optimizer steps, 0 for everything that is a single rounded operation or a copy.
 */
class OpenClBackendParityTest {
    static final double TOL = 1e-5;
    static final ReferenceBackend REF = new ReferenceBackend();
    static OpenClBackend registerTiled, localTiled, smallLocalTiled;

    @BeforeAll
    static void open() {
        DeviceInfo d = OpenClDevices.require();
        registerTiled = OpenClBackend.forTesting(d, OpenClBackend.Tiling.REGISTER);
        localTiled = OpenClBackend.forTesting(d, OpenClBackend.Tiling.LOCAL_MEMORY);
        smallLocalTiled = OpenClBackend.forTesting(d, OpenClBackend.Tiling.LOCAL_MEMORY_SMALL_DEVICE);
    }

    /** Largest relative error seen per kernel family, printed at the end (the numbers quoted in the issue notes). */
    static final java.util.Map<String, Double> WORST = new java.util.TreeMap<>();

    @AfterAll
    static void close() {
        if (registerTiled != null) registerTiled.close();
        if (localTiled != null) localTiled.close();
        if (smallLocalTiled != null) smallLocalTiled.close();
        WORST.forEach((k, v) -> System.out.printf("opencl parity: largest relative error %-28s %.2e%n", k, v));
    }

    static Stream<OpenClBackend> tilings() {
        return Stream.of(registerTiled, localTiled, smallLocalTiled);
    }

    /** The backend for kernels that do not depend on the tiling. */
    static OpenClBackend cl() {
        return registerTiled;
    }

    static Tensor rand(Backend b, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(b, v, shape);
    }

    static double same(Tensor ref, Tensor cl, double tol, String what) {
        assertArrayEquals(ref.shape(), cl.shape(), what + ": shape");
        assertEquals("opencl", cl.backend().name(), what + ": result must live on the opencl backend");
        double err = Close.assertRelative(ref, cl, tol, what);
        String family = what.replaceAll(" \\[.*?\\]| [0-9x]+x[0-9x]+| ta=.*| wd=.*| nesterov=.*| k[34]| axis [0-9]| Padding.*| on the left", "")
                .replaceAll("(broadcast|sum) .*", "$1");
        synchronized (WORST) {
            WORST.merge(family, err, Math::max);
        }
        return err;
    }

    /** {n, cin, h, w, cout, k, stride, pad}: CycleGAN's shapes in miniature plus awkward ones. */
    static final int[][] CONVS = {
            {1, 3, 13, 11, 5, 7, 1, 0},    // 7×7 stem after reflection pad
            {2, 4, 9, 8, 6, 3, 2, 1},      // down-sampling, odd input, batch of 2
            {1, 8, 10, 10, 7, 3, 1, 1},    // residual-block conv with zero padding
            {2, 5, 6, 7, 3, 1, 1, 0},      // 1×1
            {1, 3, 16, 16, 8, 4, 2, 1},    // PatchGAN 4×4 stride 2
            {2, 9, 7, 7, 1, 4, 1, 1},      // PatchGAN last layer: one output channel
            {1, 16, 12, 9, 13, 3, 1, 0},   // channels not multiples of any tile
            {1, 2, 5, 5, 3, 1, 2, 0},      // 1×1 stride 2: half the input rows get no gradient (a phase with no taps)
            {1, 33, 34, 30, 40, 3, 2, 1},  // several tiles along M and N, K longer than a tile
            {2, 6, 24, 40, 3, 7, 1, 0},    // generator's last layer in miniature: long K for the weight gradient (split)
            {1, 20, 12, 12, 70, 3, 1, 1},  // M above a 64-row tile
            {2, 5, 11, 9, 17, 4, 2, 1},    // 4×4 stride 2 on odd sizes, 17 outputs (just past a thin tile)
    };

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("tilings")
    void conv2d_forwardBackwardDataBackwardWeight(OpenClBackend cl) {
        for (int[] c : CONVS) {
            ConvSpec s = ConvSpec.of(c[6], c[7]);
            int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], c[5], c[5]};
            String what = "conv " + Arrays.toString(c);
            Tensor xr = rand(REF, 1, xs), wr = rand(REF, 2, ws), br = rand(REF, 3, c[4]);
            Tensor x = xr.to(cl), w = wr.to(cl);
            same(REF.conv2d(xr, wr, br, s), cl.conv2d(x, w, br.to(cl), s), TOL, what + " forward");
            same(REF.conv2d(xr, wr, null, s), cl.conv2d(x, w, null, s), TOL, what + " forward without bias");
            Tensor dy = rand(REF, 4, REF.conv2d(xr, wr, null, s).shape());
            same(REF.conv2dBackwardData(dy, wr, xs, s), cl.conv2dBackwardData(dy.to(cl), w, xs, s), TOL, what + " backward data");
            same(REF.conv2dBackwardWeight(xr, dy, ws, s), cl.conv2dBackwardWeight(x, dy.to(cl), ws, s), TOL, what + " backward weight");
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("tilings")
    void convTranspose2d_throughTheSameKernels(OpenClBackend cl) {
        // conv_transpose2d k3 s2 p1 op1 (the generator's up-sampling) is conv2dBackwardData with the output shape;
        // U-Net's k4 s2 p1 likewise.
        for (int k : new int[] {3, 4}) {
            ConvSpec s = ConvSpec.of(2, 1);
            Tensor x = rand(REF, 5, 2, 6, 5, 7);
            Tensor w = rand(REF, 6, 6, 4, k, k);
            int[] out = {2, 4, 10, 14};
            same(REF.conv2dBackwardData(x, w, out, s), cl.conv2dBackwardData(x.to(cl), w.to(cl), out, s), TOL, "conv transpose k" + k);
            Tensor g = rand(REF, 7, out);
            same(REF.conv2dBackwardWeight(g, x, w.shape(), s), cl.conv2dBackwardWeight(g.to(cl), x.to(cl), w.shape(), s), TOL, "conv transpose k" + k + " weight gradient");
        }
    }

    static Stream<Object[]> matmulCases() {
        return tilings().flatMap(b -> Stream.of(1, 5, 7, 17, 33, 64, 100).map(n -> new Object[] {b, n}));
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("matmulCases")
    void matmul_allTransposes(OpenClBackend cl, int n) {
        int m = n + 3, k = 2 * n + 1;
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rand(REF, 1, k, m) : rand(REF, 1, m, k);
                Tensor b = tb ? rand(REF, 2, n, k) : rand(REF, 2, k, n);
                same(REF.matmul(a, b, ta, tb), cl.matmul(a.to(cl), b.to(cl), ta, tb), TOL, "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb);
            }
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("tilings")
    void matmul_largerThanOneTileInEveryDimension(OpenClBackend cl) {
        Tensor a = rand(REF, 1, 131, 230), b = rand(REF, 2, 230, 211);
        same(REF.matmul(a, b, false, false), cl.matmul(a.to(cl), b.to(cl), false, false), TOL, "matmul 131x230x211");
    }

    @Test void unaryOps() {
        Tensor x = rand(REF, 9, 3, 5, 7, 11);   // 1155 elements
        Tensor pos = REF.unary(UnaryOp.ABS, x);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P ? pos : x;
            boolean exact = switch (op) { case NEG, ABS, RELU, SIGN, STEP -> true; default -> false; };
            same(REF.unary(op, in), cl().unary(op, in.to(cl())), exact ? 0 : 2e-6, op.name());
        }
        same(REF.leakyRelu(x, 0.2f), cl().leakyRelu(x.to(cl()), 0.2f), 0, "leaky relu");
    }

    @Test void nanPassesThroughReluSignAndMaxAsInJava() {
        Tensor x = Tensor.of(REF, new float[] {Float.NaN, -1f, 0f, 2f}, 4);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.SIGN, UnaryOp.STEP, UnaryOp.ABS}) {
            assertArrayEquals(REF.unary(op, x).toArray(), cl().unary(op, x.to(cl())).toArray(), op.name());
        }
        Tensor y = Tensor.of(REF, new float[] {1f, Float.NaN, -3f, 2f}, 4);
        assertArrayEquals(REF.binary(BinaryOp.MAX, x, y).toArray(), cl().binary(BinaryOp.MAX, x.to(cl()), y.to(cl())).toArray(), "max");
    }

    @Test void binaryOps_sameShape_scalar_perChannel_general() {
        Tensor a = rand(REF, 1, 2, 3, 9, 7), b = rand(REF, 2, 2, 3, 9, 7);
        Tensor pos = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, b), 0.5f);
        int[][] otherShapes = {{1, 3, 1, 1}, {3, 1, 1}, {1}, {7}, {2, 1, 9, 1}, {}, {1, 1, 9, 7}, {2, 3, 1, 7}};
        for (BinaryOp op : BinaryOp.values()) {
            double tol = op == BinaryOp.DIV ? 1e-6 : 0;
            Tensor rhs = op == BinaryOp.DIV ? pos : b;
            same(REF.binary(op, a, rhs), cl().binary(op, a.to(cl()), rhs.to(cl())), tol, op + " same shape");
            same(REF.binaryScalar(op, a, 1.7f), cl().binaryScalar(op, a.to(cl()), 1.7f), tol, op + " scalar");
            for (int[] s : otherShapes) {
                Tensor o = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, rand(REF, 3, s)), 0.5f);
                same(REF.binary(op, a, o), cl().binary(op, a.to(cl()), o.to(cl())), tol, op + " broadcast " + Arrays.toString(s));
                same(REF.binary(op, o, a), cl().binary(op, o.to(cl()), a.to(cl())), tol, op + " broadcast on the left " + Arrays.toString(s));
            }
        }
    }

    @Test void reductionsAndBroadcast() {
        Tensor x = rand(REF, 4, 3, 5, 13, 9);
        for (int[] axes : new int[][] {{0, 1, 2, 3}, {0, 2, 3}, {2, 3}, {1}, {0}, {3}, {1, 3}, {0, 1}}) {
            same(REF.sum(x, axes), cl().sum(x.to(cl()), axes), TOL, "sum " + Arrays.toString(axes));
        }
        Tensor big = rand(REF, 5, 1, 256, 16, 16);   // long enough to be summed in chunks, then the chunks added
        same(REF.sum(big, new int[] {0, 1, 2, 3}), cl().sum(big.to(cl()), new int[] {0, 1, 2, 3}), TOL, "sum all (chunked)");
        same(REF.sum(big, new int[] {0, 2, 3}), cl().sum(big.to(cl()), new int[] {0, 2, 3}), TOL, "sum per channel");
        Tensor five = rand(REF, 6, 2, 3, 4, 5, 6);
        same(REF.sum(five, new int[] {1, 3}), cl().sum(five.to(cl()), new int[] {1, 3}), TOL, "sum rank 5");
        for (int[] from : new int[][] {{1, 5, 1, 1}, {5, 1, 1}, {1}, {1, 1, 13, 1}, {3, 1, 1, 9}}) {
            Tensor t = rand(REF, 6, from);
            same(REF.broadcastTo(t, x.shape()), cl().broadcastTo(t.to(cl()), x.shape()), 0, "broadcast " + Arrays.toString(from));
        }
    }

    @Test void concatSliceAndPadding() {
        Tensor a = rand(REF, 1, 2, 3, 5, 4), b = rand(REF, 2, 2, 2, 5, 4);
        for (int axis = 0; axis < 4; axis++) {
            Tensor bb = axis == 1 ? b : rand(REF, 2, axis == 0 ? 1 : 2, 3, axis == 2 ? 2 : 5, axis == 3 ? 3 : 4);
            same(REF.concat(List.of(a, bb), axis), cl().concat(List.of(a.to(cl()), bb.to(cl())), axis), 0, "concat axis " + axis);
        }
        same(REF.slice(a, 1, 1, 2), cl().slice(a.to(cl()), 1, 1, 2), 0, "slice");
        same(REF.slice(a, 3, 1, 3), cl().slice(a.to(cl()), 3, 1, 3), 0, "slice last axis");
        for (Padding.Mode mode : Padding.Mode.values()) {
            for (Padding p : new Padding[] {new Padding(3, 1, 2, 3), Padding.all(1), new Padding(0, 2, 0, 0)}) {
                Tensor y = REF.pad2d(a, p, mode);
                same(y, cl().pad2d(a.to(cl()), p, mode), 0, "pad " + mode + " " + p);
                Tensor dy = rand(REF, 3, y.shape());
                same(REF.pad2dBackward(dy, a.shape(), p, mode), cl().pad2dBackward(dy.to(cl()), a.shape(), p, mode), 1e-6, "pad backward " + mode + " " + p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void normalizeForwardAndBackward(boolean perInstance) {
        for (int[] shape : new int[][] {{2, 3, 7, 5}, {1, 16, 32, 32}, {3, 4, 1, 3}, {1, 2, 45, 47}}) {
            Tensor x = REF.binaryScalar(BinaryOp.ADD, rand(REF, 1, shape), 2.5f);
            NormResult r = REF.normalize(x, perInstance, 1e-5f);
            NormResult c = cl().normalize(x.to(cl()), perInstance, 1e-5f);
            String what = (perInstance ? "instance" : "batch") + " norm " + Arrays.toString(shape);
            same(r.xhat(), c.xhat(), TOL, what + " xhat");
            same(r.mean(), c.mean(), TOL, what + " mean");
            same(r.var(), c.var(), TOL, what + " var");
            same(r.invStd(), c.invStd(), TOL, what + " invStd");
            Tensor dy = rand(REF, 2, shape);
            same(REF.normalizeBackward(dy, r.xhat(), r.invStd(), perInstance),
                    cl().normalizeBackward(dy.to(cl()), c.xhat(), c.invStd(), perInstance), 1e-4, what + " backward");
        }
    }

    @Test void adamAndSgdUpdatesInPlace() {
        for (float wd : new float[] {0f, 0.01f}) {
            Tensor pr = rand(REF, 1, 1001), gr = rand(REF, 2, 1001), mr = rand(REF, 3, 1001), vr = REF.unary(UnaryOp.ABS, rand(REF, 4, 1001));
            Tensor pc = pr.to(cl()), gc = gr.to(cl()), mc = mr.to(cl()), vc = vr.to(cl());
            for (int t = 0; t < 3; t++) {
                REF.adamUpdate(pr, gr, mr, vr, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
                cl().adamUpdate(pc, gc, mc, vc, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
            }
            same(pr, pc, 1e-6, "adam param wd=" + wd);
            same(mr, mc, 1e-6, "adam m wd=" + wd);
            same(vr, vc, 1e-6, "adam v wd=" + wd);
        }
        for (boolean nesterov : new boolean[] {false, true}) {
            Tensor pr = rand(REF, 1, 777), gr = rand(REF, 2, 777), br = REF.full(new int[] {777}, 0f);
            Tensor pc = pr.to(cl()), gc = gr.to(cl()), bc = br.to(cl());
            for (int t = 0; t < 3; t++) {
                REF.sgdUpdate(pr, gr, br, 0.1f, 0.9f, 0f, 0.01f, nesterov, t == 0);
                cl().sgdUpdate(pc, gc, bc, 0.1f, 0.9f, 0f, 0.01f, nesterov, t == 0);
            }
            same(pr, pc, 1e-6, "sgd param nesterov=" + nesterov);
            same(br, bc, 1e-6, "sgd momentum nesterov=" + nesterov);
            Tensor p2 = rand(REF, 1, 777), p2c = p2.to(cl());
            REF.sgdUpdate(p2, gr, null, 0.1f, 0f, 0f, 0f, false, true);
            cl().sgdUpdate(p2c, gc, null, 0.1f, 0f, 0f, 0f, false, true);
            same(p2, p2c, 1e-6, "sgd without momentum");
        }
    }

    @Test void memoryOpsAndTransfers() {
        Tensor x = rand(REF, 1, 3, 4, 5);
        assertArrayEquals(x.toArray(), x.to(cl()).toArray(), "upload then download");
        same(REF.full(new int[] {2, 3}, 1.5f), cl().full(new int[] {2, 3}, 1.5f), 0, "full");
        assertArrayEquals(new float[6], cl().download(cl().allocate(6)), "allocate gives zeros");
        Tensor dst = cl().full(new int[] {3, 4, 5}, 0f);
        cl().copy(x.to(cl()), dst);
        assertArrayEquals(x.toArray(), dst.toArray(), "copy");
    }

    @Test void releasedAndForeignTensorsFailLoudly() {
        Tensor released;
        try (MemoryScope scope = MemoryScope.open()) {
            released = cl().full(new int[] {4}, 1f);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, released::toArray);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> cl().unary(UnaryOp.NEG, Tensor.of(REF, new float[] {1f}, 1)));
        assertTrue(f.getMessage().contains("reference"), f.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> cl().unary(UnaryOp.NEG, localTiled.full(new int[] {1}, 1f)));
        assertTrue(g.getMessage().contains("another OpenCL context"), g.getMessage());
    }
}
