package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
import org.cyclegan.testing.Close;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Backend} contract: every kernel of a backend against {@link ReferenceBackend}, the plain-loop oracle, on
 * random inputs: odd sizes, strides 1 and 2, padding, 1×1, 3×3, 4×4 and 7×7 kernels, channel counts that are not
 * multiples of any tile, batches of 1 and 2, GEMM edges and all transposes, broadcasting on either side, every axis.
 * A backend gets the whole suite from a subclass that opens it ({@link #open}) and states its two tolerances that
 * may differ; the backends open in test mode, with every output buffer poisoned with NaN, so an element a kernel leaves
 * unwritten shows up as an error.
 *
 * <p>{@link #open} may return several variants of the backend, which differ in how they multiply matrices (the
 * OpenCL backend's tilings): the matrix-product and convolution cases run on every variant, the others on the first.
 *
 * <p>Tolerances (relative error of the whole tensor in the max norm): 1e-5 for kernels that sum in a different order
 * than the reference's double loops (GEMM, convolution, reductions, normalization statistics), 1e-4 for the
 * normalization backward (a difference of nearly equal terms), 1e-6 for the padding backward (reflected borders add
 * 2–3 values in float) and the optimizer steps, 0 for everything that is a single exact operation or a copy; the
 * transcendental element-wise functions and division as each backend states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendContractTest {
    static final double TOL = 1e-5;
    static final ReferenceBackend REF = new ReferenceBackend();

    /**
     * Opens the backend under test, in test mode; several variants when it has them, each named for the test report.
     * Skips (with a JUnit assumption) where the backend cannot run.
     */
    abstract List<Named<Backend>> open();

    /** Tolerance for exp, log, log1p, sqrt, tanh, sigmoid and the other non-exact unary functions, against Java's Math. */
    abstract double transcendentalTolerance();

    /** Tolerance for element-wise division (by a tensor or a scalar). */
    abstract double divisionTolerance();

    private List<Named<Backend>> variants = List.of();
    /** Largest relative error seen per kernel family, printed at the end. */
    private final Map<String, Double> worst = new TreeMap<>();

    @BeforeAll
    final void openBackends() {
        variants = open();
    }

    @AfterAll
    final void closeBackends() {
        for (Named<Backend> v : variants) v.getPayload().close();
        String name = variants.isEmpty() ? "" : backend().name();
        worst.forEach((k, v) -> System.out.printf("%s parity: largest relative error %-28s %.2e%n", name, k, v));
    }

    /** The variants the matrix-product and convolution cases run on. */
    final Stream<Named<Backend>> variants() {
        return variants.stream();
    }

    /** The backend for the cases that do not depend on the variant. */
    final Backend backend() {
        return variants.get(0).getPayload();
    }

    static Tensor rand(Backend b, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(b, v, shape);
    }

    final double same(Tensor ref, Tensor actual, double tol, String what) {
        assertArrayEquals(ref.shape(), actual.shape(), what + ": shape");
        String name = backend().name();
        assertEquals(name, actual.backend().name(), what + ": result must live on the " + name + " backend");
        double err = Close.assertRelative(ref, actual, tol, what);
        String family = what.replaceAll(" \\[.*?\\]| [0-9x]+x[0-9x]+| ta=.*| wd=.*| nesterov=.*| k[34]| batch [0-9]| axis [0-9]| Padding.*| on the left", "")
                .replaceAll("(broadcast|sum) .*", "$1");
        synchronized (worst) {
            worst.merge(family, err, Math::max);
        }
        return err;
    }

    /** {n, cin, h, w, cout, k, stride, pad}: CycleGAN's shapes in miniature plus awkward ones. */
    static final int[][] CONVS = {
            {1, 3, 13, 11, 5, 7, 1, 0},    // 7×7 stem after reflection pad
            {2, 4, 9, 8, 6, 3, 2, 1},      // down-sampling, odd input, batch of 2
            {1, 8, 10, 10, 7, 3, 1, 1},    // residual-block conv with zero padding
            {2, 5, 6, 7, 3, 1, 1, 0},      // 1×1: pointwise, no lowering needed
            {1, 3, 16, 16, 8, 4, 2, 1},    // PatchGAN 4×4 stride 2
            {1, 9, 7, 7, 1, 4, 1, 1},      // PatchGAN last layer: one output channel
            {2, 9, 7, 7, 1, 4, 1, 1},      // the same with a batch of 2
            {1, 16, 12, 9, 13, 3, 1, 0},   // channels not multiples of any micro-tile or tile
            {1, 2, 5, 5, 3, 1, 2, 0},      // 1×1 stride 2: needs lowering; half the input rows get no gradient (a phase with no taps)
            {1, 33, 34, 30, 40, 3, 2, 1},  // several GEMM blocks or tiles along M and N, K longer than a block
            {2, 6, 24, 40, 3, 7, 1, 0},    // generator's last layer in miniature: few outputs, no padding (cpu: DirectConv), long K for the weight gradient (split)
            {1, 4, 20, 19, 1, 3, 1, 0},    // few outputs: one output channel, row not a multiple of the vector
            {1, 20, 12, 12, 70, 3, 1, 1},  // M above a 64-row tile
            {2, 5, 11, 9, 17, 4, 2, 1},    // 4×4 stride 2 on odd sizes, 17 outputs (just past a thin tile)
    };

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void conv2d_forwardBackwardDataBackwardWeight(Backend be) {
        for (int[] c : CONVS) {
            ConvSpec s = ConvSpec.of(c[6], c[7]);
            int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], c[5], c[5]};
            String what = "conv " + Arrays.toString(c);
            Tensor xr = rand(REF, 1, xs), wr = rand(REF, 2, ws), br = rand(REF, 3, c[4]);
            Tensor x = xr.to(be), w = wr.to(be);
            same(REF.conv2d(xr, wr, br, s), be.conv2d(x, w, br.to(be), s), TOL, what + " forward");
            same(REF.conv2d(xr, wr, null, s), be.conv2d(x, w, null, s), TOL, what + " forward without bias");
            Tensor dy = rand(REF, 4, REF.conv2d(xr, wr, null, s).shape());
            same(REF.conv2dBackwardData(dy, wr, xs, s), be.conv2dBackwardData(dy.to(be), w, xs, s), TOL, what + " backward data");
            same(REF.conv2dBackwardWeight(xr, dy, ws, s), be.conv2dBackwardWeight(x, dy.to(be), ws, s), TOL, what + " backward weight");
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void convTranspose2d_throughTheSameKernels(Backend be) {
        // conv_transpose2d k3 s2 p1 op1 (the generator's up-sampling) is conv2dBackwardData with the output shape;
        // U-Net's k4 s2 p1 likewise.
        for (int batch : new int[] {1, 2}) {
            for (int k : new int[] {3, 4}) {
                ConvSpec s = ConvSpec.of(2, 1);
                Tensor x = rand(REF, 5, batch, 6, 5, 7);
                Tensor w = rand(REF, 6, 6, 4, k, k);
                int[] out = {batch, 4, 10, 14};
                String what = "conv transpose k" + k + " batch " + batch;
                same(REF.conv2dBackwardData(x, w, out, s), be.conv2dBackwardData(x.to(be), w.to(be), out, s), TOL, what);
                Tensor g = rand(REF, 7, out);
                same(REF.conv2dBackwardWeight(g, x, w.shape(), s), be.conv2dBackwardWeight(g.to(be), x.to(be), w.shape(), s), TOL, what + " weight gradient");
            }
        }
    }

    final Stream<Arguments> matmulCases() {
        return variants().flatMap(b -> Stream.of(1, 5, 6, 7, 17, 31, 33, 64, 100).map(n -> Arguments.of(b, n)));
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("matmulCases")
    void matmul_allTransposes(Backend be, int n) {
        int m = n + 3, k = 2 * n + 1;
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rand(REF, 1, k, m) : rand(REF, 1, m, k);
                Tensor b = tb ? rand(REF, 2, n, k) : rand(REF, 2, k, n);
                same(REF.matmul(a, b, ta, tb), be.matmul(a.to(be), b.to(be), ta, tb), TOL, "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb);
            }
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void matmul_largerThanOneBlockOrTileInEveryDimension(Backend be) {
        // 131×230×211 passes the OpenCL tiles; 301×530×611 the cpu GEMM's packed blocks (KC = 256 deep, NC panels wide).
        for (int[] mkn : new int[][] {{131, 230, 211}, {301, 530, 611}}) {
            Tensor a = rand(REF, 1, mkn[0], mkn[1]), b = rand(REF, 2, mkn[1], mkn[2]);
            same(REF.matmul(a, b, false, false), be.matmul(a.to(be), b.to(be), false, false), TOL, "matmul " + mkn[0] + "x" + mkn[1] + "x" + mkn[2]);
        }
    }

    @Test void unaryOps() {
        Backend be = backend();
        Tensor x = rand(REF, 9, 3, 5, 7, 11);   // 1155 elements: not a multiple of any vector width
        Tensor pos = REF.unary(UnaryOp.ABS, x);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P ? pos : x;
            same(REF.unary(op, in), be.unary(op, in.to(be)), isExact(op) ? 0 : transcendentalTolerance(), op.name());
        }
        same(REF.leakyRelu(x, 0.2f), be.leakyRelu(x.to(be), 0.2f), 0, "leaky relu");
        Tensor big = rand(REF, 10, 1, 64, 40, 41);   // big enough to be split across threads
        same(REF.unary(UnaryOp.TANH, big), be.unary(UnaryOp.TANH, big.to(be)), transcendentalTolerance(), "tanh (parallel)");
        same(REF.unary(UnaryOp.RELU, big), be.unary(UnaryOp.RELU, big.to(be)), 0, "relu (parallel)");
    }

    private static boolean isExact(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, SIGN, STEP -> true;
            default -> false;
        };
    }

    @Test void nanPassesThroughReluSignAndMaxAsInJava() {
        Backend be = backend();
        Tensor x = Tensor.of(REF, new float[] {Float.NaN, -1f, 0f, 2f}, 4);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.SIGN, UnaryOp.STEP, UnaryOp.ABS}) {
            assertArrayEquals(REF.unary(op, x).toArray(), be.unary(op, x.to(be)).toArray(), op.name());
        }
        Tensor y = Tensor.of(REF, new float[] {1f, Float.NaN, -3f, 2f}, 4);
        assertArrayEquals(REF.binary(BinaryOp.MAX, x, y).toArray(), be.binary(BinaryOp.MAX, x.to(be), y.to(be)).toArray(), "max");
    }

    @Test void binaryOps_sameShape_scalar_perChannel_general() {
        Backend be = backend();
        Tensor a = rand(REF, 1, 2, 3, 9, 7), b = rand(REF, 2, 2, 3, 9, 7);
        Tensor pos = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, b), 0.5f);
        int[][] otherShapes = {{1, 3, 1, 1}, {3, 1, 1}, {1}, {7}, {2, 1, 9, 1}, {}, {1, 1, 9, 7}, {2, 3, 1, 7}};
        for (BinaryOp op : BinaryOp.values()) {
            double tol = op == BinaryOp.DIV ? divisionTolerance() : 0;
            Tensor rhs = op == BinaryOp.DIV ? pos : b;
            same(REF.binary(op, a, rhs), be.binary(op, a.to(be), rhs.to(be)), tol, op + " same shape");
            same(REF.binaryScalar(op, a, 1.7f), be.binaryScalar(op, a.to(be), 1.7f), tol, op + " scalar");
            for (int[] s : otherShapes) {
                Tensor o = REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, rand(REF, 3, s)), 0.5f);
                same(REF.binary(op, a, o), be.binary(op, a.to(be), o.to(be)), tol, op + " broadcast " + Arrays.toString(s));
                same(REF.binary(op, o, a), be.binary(op, o.to(be), a.to(be)), tol, op + " broadcast on the left " + Arrays.toString(s));
            }
        }
    }

    @Test void reductionsAndBroadcast() {
        Backend be = backend();
        Tensor x = rand(REF, 4, 3, 5, 13, 9);
        for (int[] axes : new int[][] {{0, 1, 2, 3}, {0, 2, 3}, {2, 3}, {1}, {0}, {3}, {1, 3}, {0, 1}}) {
            same(REF.sum(x, axes), be.sum(x.to(be), axes), TOL, "sum " + Arrays.toString(axes));
        }
        Tensor big = rand(REF, 5, 1, 256, 16, 16);   // long enough to be summed in parallel chunks, then the chunks added
        same(REF.sum(big, new int[] {0, 1, 2, 3}), be.sum(big.to(be), new int[] {0, 1, 2, 3}), TOL, "sum all (parallel chunks)");
        same(REF.sum(big, new int[] {0, 2, 3}), be.sum(big.to(be), new int[] {0, 2, 3}), TOL, "sum per channel");
        Tensor five = rand(REF, 6, 2, 3, 4, 5, 6);
        same(REF.sum(five, new int[] {1, 3}), be.sum(five.to(be), new int[] {1, 3}), TOL, "sum rank 5");
        for (int[] from : new int[][] {{1, 5, 1, 1}, {5, 1, 1}, {1}, {1, 1, 13, 1}, {3, 1, 1, 9}}) {
            Tensor t = rand(REF, 6, from);
            same(REF.broadcastTo(t, x.shape()), be.broadcastTo(t.to(be), x.shape()), 0, "broadcast " + Arrays.toString(from));
        }
    }

    @Test void concatSliceAndPadding() {
        Backend be = backend();
        Tensor a = rand(REF, 1, 2, 3, 5, 4), b = rand(REF, 2, 2, 2, 5, 4);
        for (int axis = 0; axis < 4; axis++) {
            Tensor bb = axis == 1 ? b : rand(REF, 2, axis == 0 ? 1 : 2, 3, axis == 2 ? 2 : 5, axis == 3 ? 3 : 4);
            same(REF.concat(List.of(a, bb), axis), be.concat(List.of(a.to(be), bb.to(be)), axis), 0, "concat axis " + axis);
        }
        same(REF.slice(a, 1, 1, 2), be.slice(a.to(be), 1, 1, 2), 0, "slice");
        same(REF.slice(a, 3, 1, 3), be.slice(a.to(be), 3, 1, 3), 0, "slice last axis");
        for (Padding.Mode mode : Padding.Mode.values()) {
            for (Padding p : new Padding[] {new Padding(3, 1, 2, 3), Padding.all(1), new Padding(0, 2, 0, 0)}) {
                Tensor y = REF.pad2d(a, p, mode);
                same(y, be.pad2d(a.to(be), p, mode), 0, "pad " + mode + " " + p);
                Tensor dy = rand(REF, 3, y.shape());
                // Reflected borders add 2-3 values: float order differs from the reference's double sum, so 1e-6, not 0.
                same(REF.pad2dBackward(dy, a.shape(), p, mode), be.pad2dBackward(dy.to(be), a.shape(), p, mode), 1e-6, "pad backward " + mode + " " + p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void normalizeForwardAndBackward(boolean perInstance) {
        Backend be = backend();
        for (int[] shape : new int[][] {{2, 3, 7, 5}, {1, 16, 32, 32}, {3, 4, 1, 3}, {1, 2, 45, 47}}) {
            Tensor x = REF.binaryScalar(BinaryOp.ADD, rand(REF, 1, shape), 2.5f);
            NormResult r = REF.normalize(x, perInstance, 1e-5f);
            NormResult c = be.normalize(x.to(be), perInstance, 1e-5f);
            String what = (perInstance ? "instance" : "batch") + " norm " + Arrays.toString(shape);
            same(r.xhat(), c.xhat(), TOL, what + " xhat");
            same(r.mean(), c.mean(), TOL, what + " mean");
            same(r.var(), c.var(), TOL, what + " var");
            same(r.invStd(), c.invStd(), TOL, what + " invStd");
            Tensor dy = rand(REF, 2, shape);
            same(REF.normalizeBackward(dy, r.xhat(), r.invStd(), perInstance),
                    be.normalizeBackward(dy.to(be), c.xhat(), c.invStd(), perInstance), 1e-4, what + " backward");
        }
    }

    @Test void adamAndSgdUpdatesInPlace() {
        Backend be = backend();
        for (float wd : new float[] {0f, 0.01f}) {
            Tensor pr = rand(REF, 1, 1001), gr = rand(REF, 2, 1001), mr = rand(REF, 3, 1001), vr = REF.unary(UnaryOp.ABS, rand(REF, 4, 1001));
            Tensor pc = pr.to(be), gc = gr.to(be), mc = mr.to(be), vc = vr.to(be);
            for (int t = 0; t < 3; t++) {
                REF.adamUpdate(pr, gr, mr, vr, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
                be.adamUpdate(pc, gc, mc, vc, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
            }
            same(pr, pc, 1e-6, "adam param wd=" + wd);
            same(mr, mc, 1e-6, "adam m wd=" + wd);
            same(vr, vc, 1e-6, "adam v wd=" + wd);
        }
        for (boolean nesterov : new boolean[] {false, true}) {
            Tensor pr = rand(REF, 1, 777), gr = rand(REF, 2, 777), br = REF.full(new int[] {777}, 0f);
            Tensor pc = pr.to(be), gc = gr.to(be), bc = br.to(be);
            for (int t = 0; t < 3; t++) {
                REF.sgdUpdate(pr, gr, br, 0.1f, 0.9f, 0f, 0.01f, nesterov, t == 0);
                be.sgdUpdate(pc, gc, bc, 0.1f, 0.9f, 0f, 0.01f, nesterov, t == 0);
            }
            same(pr, pc, 1e-6, "sgd param nesterov=" + nesterov);
            same(br, bc, 1e-6, "sgd momentum nesterov=" + nesterov);
            Tensor p2 = rand(REF, 1, 777), p2c = p2.to(be);
            REF.sgdUpdate(p2, gr, null, 0.1f, 0f, 0f, 0f, false, true);
            be.sgdUpdate(p2c, gc, null, 0.1f, 0f, 0f, 0f, false, true);
            same(p2, p2c, 1e-6, "sgd without momentum");
        }
    }

    @Test void memoryOpsAndTransfers() {
        Backend be = backend();
        Tensor x = rand(REF, 1, 3, 4, 5);
        assertArrayEquals(x.toArray(), x.to(be).toArray(), "upload then download");
        same(REF.full(new int[] {2, 3}, 1.5f), be.full(new int[] {2, 3}, 1.5f), 0, "full");
        assertArrayEquals(new float[6], be.download(be.allocate(6)), "allocate gives zeros");
        Tensor dst = be.full(new int[] {3, 4, 5}, 0f);
        be.copy(x.to(be), dst);
        assertArrayEquals(x.toArray(), dst.toArray(), "copy");
    }

    @Test void releasedTensorsFailLoudly() {
        Tensor released;
        try (MemoryScope scope = MemoryScope.open()) {
            released = backend().full(new int[] {4}, 1f);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, released::toArray);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }
}
