package org.cyclegan.engine.backend.check;

import static org.cyclegan.engine.backend.check.KernelProblem.rand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.reference.ReferenceBackend;

/**
 * The {@link Backend} contract as a list of problems: every kernel on random inputs of odd sizes, strides 1 and 2,
 * zero and reflection padding, 1×1, 3×3, 4×4 and 7×7 kernels, transposed-convolution shapes, channel counts that are not multiples of any
 * tile, batches of 1 and 2, GEMM edges and all transposes, broadcasting on either side, every axis. The contract test
 * suite and the {@code devices --check} self-check both run these problems against {@link ReferenceBackend}, so a
 * device is checked on the same shapes as the backends are tested on.
 *
 * <p>Tolerances (relative error of the whole tensor in the max norm): {@link #SUMMED} for kernels that sum in a
 * different order than the reference's double loops (GEMM, convolution, reductions, normalization statistics),
 * {@link #NORM_BACKWARD} for the normalization backward (a difference of nearly equal terms), {@link #FEW_TERMS} for
 * the padding backward (reflected borders add 2–3 values in float) and the optimizer steps, 0 for everything that is a
 * single exact operation or a copy; the transcendental element-wise functions and division as the backend's
 * {@link MathTolerances} say.
 *
 * <p>The groups are the contract test's cases; {@link #tilingDependent} are those that depend on how a backend
 * multiplies matrices (its tilings), which the test runs on every variant of a backend.
 */
public final class ContractProblems {
    public static final double SUMMED = 1e-5, NORM_BACKWARD = 1e-4, FEW_TERMS = 1e-6;
    private static final ReferenceBackend REF = new ReferenceBackend();

    /**
     * How far a backend's transcendental functions (exp, log, log1p, sqrt, tanh, sigmoid) and divisions may be from
     * Java's correctly rounded ones.
     */
    public record MathTolerances(double transcendental, double division) {
        /** The same scalar Java code as the reference (the cpu backend): exact. */
        public static final MathTolerances JAVA = new MathTolerances(0, 0);
        /**
         * A device math library, as OpenCL C's: exp, log, tanh are allowed a few ulp where Java rounds the exact value,
         * and single-precision division need not be correctly rounded.
         */
        public static final MathTolerances DEVICE = new MathTolerances(2e-6, 1e-6);
    }

    /** {n, cin, h, w, cout, k, stride, pad}: CycleGAN's shapes in miniature plus awkward ones. */
    public static final int[][] CONVS = {
            {1, 3, 13, 11, 5, 7, 1, 0},    // 7×7 stem after reflection pad
            {2, 4, 9, 8, 6, 3, 2, 1},      // down-sampling, odd input, batch of 2
            {1, 8, 10, 10, 7, 3, 1, 1},    // residual-block conv with zero padding
            {2, 5, 6, 7, 3, 1, 1, 0},      // 1×1: pointwise, no lowering needed
            {1, 3, 16, 16, 8, 4, 2, 1},    // PatchGAN 4×4 stride 2
            {1, 9, 7, 7, 1, 4, 1, 1},      // PatchGAN last layer: one output channel
            {2, 9, 7, 7, 1, 4, 1, 1},      // the same with a batch of 2
            {1, 5, 20, 21, 4, 3, 1, 1},    // four outputs, padded, rows a vector and a bit wide (cpu: DirectConv on a padded copy)
            {2, 3, 9, 30, 2, 5, 1, 2},     // two outputs, padding 2, a batch of 2
            {1, 16, 12, 9, 13, 3, 1, 0},   // channels not multiples of any micro-tile or tile
            {1, 2, 5, 5, 3, 1, 2, 0},      // 1×1 stride 2: needs lowering; half the input rows get no gradient (a phase with no taps)
            {1, 33, 34, 30, 40, 3, 2, 1},  // several GEMM blocks or tiles along M and N, K longer than a block
            {2, 6, 24, 40, 3, 7, 1, 0},    // generator's last layer in miniature: few outputs, no padding (cpu: DirectConv), long K for the weight gradient (split)
            {1, 4, 20, 19, 1, 3, 1, 0},    // few outputs: one output channel, row not a multiple of the vector
            {1, 20, 12, 12, 70, 3, 1, 1},  // M above a 64-row tile
            {2, 5, 11, 9, 17, 4, 2, 1},    // 4×4 stride 2 on odd sizes, 17 outputs (just past a thin tile)
            {1, 3, 9, 70, 5, 3, 2, 1},     // stride 2, 35 outputs a row: several vectors of them between the zero margins
            {2, 4, 8, 75, 6, 4, 2, 1},     // 4×4 stride 2, 37 outputs a row, a batch of 2
    };

    /**
     * {n, cin, h, w, cout, pad}: stride-1 3×3 convolutions, the shapes a Winograd kernel gets wrong first: odd and
     * unequal heights and widths, outputs that whole 2×2 or 4×4 tiles do not cover, batches of 2, channel counts that
     * are not multiples of any vector width, padding 0, 1 and 2, and more tiles than one band of a blocked kernel.
     */
    public static final int[][] CONVS_3X3 = {
            {2, 17, 11, 9, 19, 0},    // 9×7 output: neither tile size divides it; batch of 2
            {1, 20, 13, 16, 33, 1},   // 13×16 output, H ≠ W, zero padding
            {2, 9, 7, 10, 5, 1},      // few channels, batch of 2
            {1, 35, 18, 14, 24, 0},   // 16×12 output: tiles of 4 fit, one vector and a bit of input channels
            {1, 3, 5, 6, 2, 2},       // padding 2 (the data gradient is then unpadded), a 7×8 output
            {2, 16, 37, 35, 16, 1},   // 37×35: hundreds of tiles per image
            {1, 300, 6, 7, 20, 1},    // 300 input channels: longer than one packed GEMM block (256)
    };

    /**
     * {n, cin, h, w, cout, k, stride, padH, padW}: convolutions with reflection padding, which the generators' layers
     * are (a reflection pad fused into the convolution after it): the 7×7 stem and output layers in miniature, the
     * residual blocks' 3×3, a reflection as wide as it may be (the image's size minus one), unequal paddings, a stride.
     */
    public static final int[][] CONVS_REFLECT = {
            {1, 3, 13, 11, 5, 7, 1, 3, 3},    // 7×7 stem, reflection 3
            {2, 6, 24, 40, 3, 7, 1, 3, 3},    // the output layer: few outputs (cpu: DirectConv on a reflected copy), a batch of 2
            {1, 8, 10, 10, 7, 3, 1, 1, 1},    // residual-block conv
            {2, 17, 9, 7, 19, 3, 1, 1, 1},    // odd sizes, channels past a vector, a batch of 2
            {1, 4, 3, 4, 5, 3, 1, 2, 3},      // reflections of size − 1: the whole image mirrored
            {1, 5, 6, 9, 4, 3, 1, 1, 2},      // unequal paddings
            {1, 3, 9, 70, 5, 3, 2, 1, 1},     // stride 2, 35 outputs a row
            {1, 9, 7, 7, 1, 4, 1, 1, 1},      // one output channel, 4×4
    };

    /**
     * Relative error (max norm) allowed to a Winograd F(4×4, 3×3) convolution: its transforms hold 4, 5, 8 and 1/6,
     * 1/12, 1/24, and it loses about one decimal digit against {@link #SUMMED}. F(2×2, 3×3) is held to SUMMED.
     */
    public static final double WINOGRAD_4X4 = 1e-4;

    /** The n of the matrix products m×k×n = (n + 3)×(2n + 1)×n: edges of every tile and vector width. */
    public static final int[] MATMUL_SIZES = {1, 5, 6, 7, 17, 31, 33, 64, 100};

    private final MathTolerances math;

    public ContractProblems(MathTolerances math) {
        this.math = math;
    }

    /** Every problem: what the self-check runs. */
    public List<KernelProblem> all() {
        List<KernelProblem> all = new ArrayList<>(tilingDependent());
        all.addAll(unary());
        all.addAll(binary());
        all.addAll(reductionsAndBroadcast());
        all.addAll(concatSliceAndPadding());
        all.addAll(normalize(true));
        all.addAll(normalize(false));
        all.addAll(optimizers());
        all.addAll(memory());
        return all;
    }

    /** The matrix products and convolutions. */
    public List<KernelProblem> tilingDependent() {
        List<KernelProblem> all = new ArrayList<>(conv2d());
        all.addAll(convTranspose2d());
        for (int n : MATMUL_SIZES) all.addAll(matmulAllTransposes(n));
        all.addAll(matmulLargerThanOneBlock());
        return all;
    }

    /** Forward with and without bias, and both backward kernels, on each of {@link #CONVS}. */
    public List<KernelProblem> conv2d() {
        List<KernelProblem> out = new ArrayList<>();
        for (int[] c : CONVS) {
            ConvSpec s = ConvSpec.of(c[6], c[7]);
            int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], c[5], c[5]};
            int[] ys = {c[0], c[4], s.outH(c[2], c[5]), s.outW(c[3], c[5])};
            String what = "conv " + Arrays.toString(c);
            out.add(new KernelProblem("conv2d", what + " forward", SUMMED, b -> b.conv2d(rand(b, 1, xs), rand(b, 2, ws), rand(b, 3, c[4]), s)));
            out.add(new KernelProblem("conv2d", what + " forward without bias", SUMMED, b -> b.conv2d(rand(b, 1, xs), rand(b, 2, ws), null, s)));
            out.add(new KernelProblem("conv2dBackwardData", what + " backward data", SUMMED, b -> b.conv2dBackwardData(rand(b, 4, ys), rand(b, 2, ws), xs, s)));
            out.add(new KernelProblem("conv2dBackwardWeight", what + " backward weight", SUMMED, b -> b.conv2dBackwardWeight(rand(b, 1, xs), rand(b, 4, ys), ws, s)));
        }
        for (int[] c : CONVS_REFLECT) out.addAll(reflected(c, "", SUMMED));
        return out;
    }

    /** Forward with bias and both gradients of the reflection-padded convolution {@code c} (of {@link #CONVS_REFLECT}'s form). */
    private static List<KernelProblem> reflected(int[] c, String variant, double tolerance) {
        ConvSpec s = new ConvSpec(c[6], c[6], c[7], c[8], Padding.Mode.REFLECT);
        int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], c[5], c[5]};
        int[] ys = {c[0], c[4], s.outH(c[2], c[5]), s.outW(c[3], c[5])};
        String what = "conv reflect " + Arrays.toString(c);
        return List.of(
                new KernelProblem("conv2d reflect" + variant, what + " forward", tolerance, b -> b.conv2d(rand(b, 1, xs), rand(b, 2, ws), rand(b, 3, c[4]), s)),
                new KernelProblem("conv2dBackwardData reflect" + variant, what + " backward data", tolerance, b -> b.conv2dBackwardData(rand(b, 4, ys), rand(b, 2, ws), xs, s)),
                new KernelProblem("conv2dBackwardWeight reflect" + variant, what + " backward weight", tolerance,
                        b -> b.conv2dBackwardWeight(rand(b, 1, xs), rand(b, 4, ys), ws, s)));
    }

    /**
     * Forward with and without bias and both gradients of each of {@link #CONVS_3X3}, within {@code tolerance}: for a
     * backend that runs them as Winograd convolutions.
     * {@code variant} names the way the backend computes them, in the families ("conv2d 3x3 f4").
     */
    public List<KernelProblem> conv3x3(String variant, double tolerance) {
        List<KernelProblem> out = new ArrayList<>();
        for (int[] c : CONVS_3X3) {
            ConvSpec s = ConvSpec.of(1, c[5]);
            int[] xs = {c[0], c[1], c[2], c[3]}, ws = {c[4], c[1], 3, 3};
            int[] ys = {c[0], c[4], s.outH(c[2], 3), s.outW(c[3], 3)};
            String what = "conv 3x3 " + Arrays.toString(c);
            out.add(new KernelProblem("conv2d 3x3 " + variant, what + " forward", tolerance, b -> b.conv2d(rand(b, 1, xs), rand(b, 2, ws), rand(b, 3, c[4]), s)));
            out.add(new KernelProblem("conv2d 3x3 " + variant, what + " forward without bias", tolerance, b -> b.conv2d(rand(b, 1, xs), rand(b, 2, ws), null, s)));
            out.add(new KernelProblem("conv2dBackwardData 3x3 " + variant, what + " backward data", tolerance, b -> b.conv2dBackwardData(rand(b, 4, ys), rand(b, 2, ws), xs, s)));
            out.add(new KernelProblem("conv2dBackwardWeight 3x3 " + variant, what + " backward weight", tolerance,
                    b -> b.conv2dBackwardWeight(rand(b, 1, xs), rand(b, 4, ys), ws, s)));
            if (c[5] > 0 && c[5] < Math.min(c[2], c[3])) {
                out.addAll(reflected(new int[] {c[0], c[1], c[2], c[3], c[4], 3, 1, c[5], c[5]}, " 3x3 " + variant, tolerance));
            }
        }
        return out;
    }

    /**
     * conv_transpose2d k3 s2 p1 op1 (the generator's up-sampling) is conv2dBackwardData with the output shape; U-Net's
     * k4 s2 p1 likewise; its weight gradient is conv2dBackwardWeight with the roles of input and gradient swapped.
     */
    public List<KernelProblem> convTranspose2d() {
        List<KernelProblem> out = new ArrayList<>();
        ConvSpec s = ConvSpec.of(2, 1);
        for (int batch : new int[] {1, 2}) {
            for (int k : new int[] {3, 4}) {
                int[] xs = {batch, 6, 5, 7}, ws = {6, 4, k, k}, os = {batch, 4, 10, 14};
                String what = "conv transpose k" + k + " batch " + batch;
                out.add(new KernelProblem("conv2dBackwardData (transposed conv)", what, SUMMED, b -> b.conv2dBackwardData(rand(b, 5, xs), rand(b, 6, ws), os, s)));
                out.add(new KernelProblem("conv2dBackwardWeight (transposed conv)", what + " weight gradient", SUMMED,
                        b -> b.conv2dBackwardWeight(rand(b, 7, os), rand(b, 5, xs), ws, s)));
            }
        }
        return out;
    }

    /** (n + 3)×(2n + 1)×n with every combination of transposes. */
    public List<KernelProblem> matmulAllTransposes(int n) {
        int m = n + 3, k = 2 * n + 1;
        List<KernelProblem> out = new ArrayList<>();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int[] as = ta ? new int[] {k, m} : new int[] {m, k}, bs = tb ? new int[] {n, k} : new int[] {k, n};
                out.add(new KernelProblem("matmul", "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb, SUMMED,
                        b -> b.matmul(rand(b, 1, as), rand(b, 2, bs), ta, tb)));
            }
        }
        return out;
    }

    /**
     * 131×230×211 passes the OpenCL tiles; 301×530×611 the cpu GEMM's packed blocks (KC = 256 deep, NC panels wide);
     * 20×20000×33 and the weight gradient of a 7×7 convolution from 3 channels on 100×100 (16 × 147 over 8,836
     * positions, as a first layer's) have few rows and columns over a long k, which the cpu GEMM splits over k.
     */
    public List<KernelProblem> matmulLargerThanOneBlock() {
        List<KernelProblem> out = new ArrayList<>();
        for (int[] mkn : new int[][] {{131, 230, 211}, {301, 530, 611}, {20, 20000, 33}}) {
            out.add(new KernelProblem("matmul", "matmul " + mkn[0] + "x" + mkn[1] + "x" + mkn[2], SUMMED,
                    b -> b.matmul(rand(b, 1, mkn[0], mkn[1]), rand(b, 2, mkn[1], mkn[2]), false, false)));
        }
        ConvSpec s = ConvSpec.of(1, 0);
        out.add(new KernelProblem("conv2dBackwardWeight", "conv 7x7 3->16 on 100x100 backward weight (long k)", SUMMED,
                b -> b.conv2dBackwardWeight(rand(b, 1, 1, 3, 100, 100), rand(b, 4, 1, 16, 94, 94), new int[] {16, 3, 7, 7}, s)));
        return out;
    }

    /** Every unary function on 1155 elements (not a multiple of any vector width), leaky relu, and a tensor big enough to be split across threads. */
    public List<KernelProblem> unary() {
        List<KernelProblem> out = new ArrayList<>();
        int[] shape = {3, 5, 7, 11};
        Function<Backend, Tensor> x = b -> rand(b, 9, shape);
        Function<Backend, Tensor> pos = b -> REF.unary(UnaryOp.ABS, rand(REF, 9, shape)).to(b);
        for (UnaryOp op : UnaryOp.values()) {
            Function<Backend, Tensor> in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.LOG1P ? pos : x;
            out.add(new KernelProblem(unaryFamily(op), op.name(), isExact(op) ? 0 : math.transcendental(), b -> b.unary(op, in.apply(b))));
        }
        out.add(new KernelProblem("leakyRelu", "leaky relu", 0, b -> b.leakyRelu(x.apply(b), 0.2f)));
        int[] big = {1, 64, 40, 41};
        out.add(new KernelProblem(unaryFamily(UnaryOp.TANH), "tanh (parallel)", math.transcendental(), b -> b.unary(UnaryOp.TANH, rand(b, 10, big))));
        out.add(new KernelProblem(unaryFamily(UnaryOp.RELU), "relu (parallel)", 0, b -> b.unary(UnaryOp.RELU, rand(b, 10, big))));
        return out;
    }

    private static String unaryFamily(UnaryOp op) {
        return "unary " + op.name().toLowerCase(Locale.ROOT);
    }

    private static boolean isExact(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, SIGN, STEP -> true;
            default -> false;
        };
    }

    /** Every binary function: same shapes, a scalar, and broadcasting per channel and in general, on either side. */
    public List<KernelProblem> binary() {
        List<KernelProblem> out = new ArrayList<>();
        int[] shape = {2, 3, 9, 7};
        int[][] otherShapes = {{1, 3, 1, 1}, {3, 1, 1}, {1}, {7}, {2, 1, 9, 1}, {}, {1, 1, 9, 7}, {2, 3, 1, 7}};
        Function<Backend, Tensor> a = b -> rand(b, 1, shape);
        for (BinaryOp op : BinaryOp.values()) {
            double tol = op == BinaryOp.DIV ? math.division() : 0;
            // Divisors stay away from 0: |x| + 0.5.
            Function<Backend, Tensor> rhs = op == BinaryOp.DIV ? b -> awayFromZero(rand(REF, 2, shape)).to(b) : b -> rand(b, 2, shape);
            String family = "binary " + op.name().toLowerCase(Locale.ROOT);
            out.add(new KernelProblem(family, op + " same shape", tol, b -> b.binary(op, a.apply(b), rhs.apply(b))));
            out.add(new KernelProblem("binaryScalar " + op.name().toLowerCase(Locale.ROOT), op + " scalar", tol, b -> b.binaryScalar(op, a.apply(b), 1.7f)));
            for (int[] s : otherShapes) {
                Function<Backend, Tensor> o = b -> awayFromZero(rand(REF, 3, s)).to(b);
                out.add(new KernelProblem(family, op + " broadcast " + Arrays.toString(s), tol, b -> b.binary(op, a.apply(b), o.apply(b))));
                out.add(new KernelProblem(family, op + " broadcast on the left " + Arrays.toString(s), tol, b -> b.binary(op, o.apply(b), a.apply(b))));
            }
        }
        return out;
    }

    private static Tensor awayFromZero(Tensor t) {
        return REF.binaryScalar(BinaryOp.ADD, REF.unary(UnaryOp.ABS, t), 0.5f);
    }

    /** Sums over every kind of axis set, in parallel chunks, at rank 5; broadcasting back along size-1 dimensions. */
    public List<KernelProblem> reductionsAndBroadcast() {
        List<KernelProblem> out = new ArrayList<>();
        int[] shape = {3, 5, 13, 9};
        for (int[] axes : new int[][] {{0, 1, 2, 3}, {0, 2, 3}, {2, 3}, {1}, {0}, {3}, {1, 3}, {0, 1}}) {
            out.add(new KernelProblem("sum", "sum " + Arrays.toString(axes), SUMMED, b -> b.sum(rand(b, 4, shape), axes)));
        }
        int[] big = {1, 256, 16, 16};   // long enough to be summed in parallel chunks, then the chunks added
        out.add(new KernelProblem("sum", "sum all (parallel chunks)", SUMMED, b -> b.sum(rand(b, 5, big), new int[] {0, 1, 2, 3})));
        out.add(new KernelProblem("sum", "sum per channel", SUMMED, b -> b.sum(rand(b, 5, big), new int[] {0, 2, 3})));
        out.add(new KernelProblem("sum", "sum rank 5", SUMMED, b -> b.sum(rand(b, 6, 2, 3, 4, 5, 6), new int[] {1, 3})));
        for (int[] from : new int[][] {{1, 5, 1, 1}, {5, 1, 1}, {1}, {1, 1, 13, 1}, {3, 1, 1, 9}}) {
            out.add(new KernelProblem("broadcastTo", "broadcast " + Arrays.toString(from), 0, b -> b.broadcastTo(rand(b, 6, from), shape)));
        }
        return out;
    }

    /** Concatenation along every axis, slices, and both paddings with their backward on uneven borders. */
    public List<KernelProblem> concatSliceAndPadding() {
        List<KernelProblem> out = new ArrayList<>();
        int[] as = {2, 3, 5, 4};
        for (int axis = 0; axis < 4; axis++) {
            int ax = axis;
            int[] bs = axis == 1 ? new int[] {2, 2, 5, 4} : new int[] {axis == 0 ? 1 : 2, 3, axis == 2 ? 2 : 5, axis == 3 ? 3 : 4};
            out.add(new KernelProblem("concat", "concat axis " + axis, 0, b -> b.concat(List.of(rand(b, 1, as), rand(b, 2, bs)), ax)));
        }
        out.add(new KernelProblem("slice", "slice", 0, b -> b.slice(rand(b, 1, as), 1, 1, 2)));
        out.add(new KernelProblem("slice", "slice last axis", 0, b -> b.slice(rand(b, 1, as), 3, 1, 3)));
        for (Padding.Mode mode : Padding.Mode.values()) {
            String m = mode.name().toLowerCase(Locale.ROOT);
            for (Padding p : new Padding[] {new Padding(3, 1, 2, 3), Padding.all(1), new Padding(0, 2, 0, 0)}) {
                int[] ys = {as[0], as[1], as[2] + p.top() + p.bottom(), as[3] + p.left() + p.right()};
                out.add(new KernelProblem("pad2d " + m, "pad " + mode + " " + p, 0, b -> b.pad2d(rand(b, 1, as), p, mode)));
                out.add(new KernelProblem("pad2dBackward " + m, "pad backward " + mode + " " + p, FEW_TERMS, b -> b.pad2dBackward(rand(b, 3, ys), as, p, mode)));
            }
        }
        return out;
    }

    /** Instance or batch normalization: its four results and its backward, on small, wide, flat and odd planes. */
    public List<KernelProblem> normalize(boolean perInstance) {
        List<KernelProblem> out = new ArrayList<>();
        String kind = perInstance ? "instance" : "batch";
        for (int[] shape : new int[][] {{2, 3, 7, 5}, {1, 16, 32, 32}, {3, 4, 1, 3}, {1, 2, 45, 47}}) {
            Function<Backend, NormResult> forward = b -> b.normalize(REF.binaryScalar(BinaryOp.ADD, rand(REF, 1, shape), 2.5f).to(b), perInstance, 1e-5f);
            String what = kind + " norm " + Arrays.toString(shape);
            String family = "normalize " + kind;
            out.add(new KernelProblem(family, what + " xhat", SUMMED, b -> forward.apply(b).xhat()));
            out.add(new KernelProblem(family, what + " mean", SUMMED, b -> forward.apply(b).mean()));
            out.add(new KernelProblem(family, what + " var", SUMMED, b -> forward.apply(b).var()));
            out.add(new KernelProblem(family, what + " invStd", SUMMED, b -> forward.apply(b).invStd()));
            out.add(new KernelProblem("normalizeBackward " + kind, what + " backward", NORM_BACKWARD, b -> {
                NormResult r = forward.apply(b);   // each backend's own statistics, as in training
                return b.normalizeBackward(rand(b, 2, shape), r.xhat(), r.invStd(), perInstance);
            }));
        }
        return out;
    }

    /** Three Adam steps with and without weight decay; three SGD steps with momentum, plain and Nesterov; one without momentum. */
    public List<KernelProblem> optimizers() {
        List<KernelProblem> out = new ArrayList<>();
        String[] adamStates = {"param", "m", "v"};
        for (float wd : new float[] {0f, 0.01f}) {
            for (int i = 0; i < adamStates.length; i++) {
                int state = i;
                out.add(new KernelProblem("adamUpdate", "adam " + adamStates[i] + " wd=" + wd, FEW_TERMS, b -> adam(b, wd)[state]));
            }
        }
        for (boolean nesterov : new boolean[] {false, true}) {
            out.add(new KernelProblem("sgdUpdate", "sgd param nesterov=" + nesterov, FEW_TERMS, b -> sgd(b, nesterov)[0]));
            out.add(new KernelProblem("sgdUpdate", "sgd momentum nesterov=" + nesterov, FEW_TERMS, b -> sgd(b, nesterov)[1]));
        }
        out.add(new KernelProblem("sgdUpdate", "sgd without momentum", FEW_TERMS, b -> {
            Tensor p = rand(b, 1, 777);
            b.sgdUpdate(p, rand(b, 2, 777), null, 0.1f, 0f, 0f, 0f, false, true);
            return p;
        }));
        return out;
    }

    /** Parameter, first and second moment after three Adam steps. */
    private static Tensor[] adam(Backend b, float wd) {
        Tensor p = rand(b, 1, 1001), g = rand(b, 2, 1001), m = rand(b, 3, 1001), v = REF.unary(UnaryOp.ABS, rand(REF, 4, 1001)).to(b);
        for (int t = 0; t < 3; t++) b.adamUpdate(p, g, m, v, 0.5f, 0.999f, 1e-8f, wd, 2e-4f, 0.0316f);
        return new Tensor[] {p, m, v};
    }

    /** Parameter and momentum buffer after three SGD steps with momentum 0.9 and weight decay. */
    private static Tensor[] sgd(Backend b, boolean nesterov) {
        Tensor p = rand(b, 1, 777), g = rand(b, 2, 777), buf = b.full(new int[] {777}, 0f);
        for (int t = 0; t < 3; t++) b.sgdUpdate(p, g, buf, 0.1f, 0.9f, 0f, 0.01f, nesterov, t == 0);
        return new Tensor[] {p, buf};
    }

    /** Upload and download, full, allocate (zeros) and copy. */
    public List<KernelProblem> memory() {
        return List.of(
                new KernelProblem("upload, download", "upload then download", 0, b -> rand(b, 1, 3, 4, 5)),
                new KernelProblem("full", "full", 0, b -> b.full(new int[] {2, 3}, 1.5f)),
                new KernelProblem("allocate", "allocate gives zeros", 0, b -> Tensor.wrap(b, b.allocate(6), 6)),
                new KernelProblem("copy", "copy", 0, b -> {
                    Tensor dst = b.full(new int[] {3, 4, 5}, 0f);
                    b.copy(rand(b, 1, 3, 4, 5), dst);
                    return dst;
                }));
    }
}
