package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.cyclegan.engine.backend.check.KernelProblem.rand;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.engine.backend.check.ContractProblems;
import org.cyclegan.engine.backend.check.KernelProblem;
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
 * the random problems of {@link ContractProblems} (which the {@code devices --check} self-check runs too): odd sizes,
 * strides 1 and 2, padding, 1×1, 3×3, 4×4 and 7×7 kernels, channel counts that are not multiples of any tile, batches
 * of 1 and 2, GEMM edges and all transposes, broadcasting on either side, every axis. A backend gets the whole suite
 * from a subclass that opens it ({@link #open}) and states its two tolerances that may differ; the backends open in
 * test mode, with every output buffer poisoned with NaN, so an element a kernel leaves unwritten shows up as an error.
 *
 * <p>{@link #open} may return several variants of the backend, which differ in how they multiply matrices (the
 * OpenCL backend's tilings): the matrix-product and convolution cases run on every variant, the others on the first.
 *
 * <p>Tolerances (relative error of the whole tensor in the max norm) are {@link ContractProblems}'s: 1e-5 for kernels
 * that sum in a different order than the reference's double loops (GEMM, convolution, reductions, normalization
 * statistics), 1e-4 for the normalization backward (a difference of nearly equal terms), 1e-6 for the padding backward
 * (reflected borders add 2–3 values in float) and the optimizer steps, 0 for everything that is a single exact
 * operation or a copy; the transcendental element-wise functions and division as each backend states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendContractTest {
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

    /** The contract's problems with this backend's tolerances for transcendental functions and division. */
    final ContractProblems problems() {
        return new ContractProblems(new ContractProblems.MathTolerances(transcendentalTolerance(), divisionTolerance()));
    }

    /** Each problem on {@code be} against the reference, within its tolerance. */
    final void check(Backend be, List<KernelProblem> problems) {
        for (KernelProblem p : problems) same(p.compute().apply(REF), p.compute().apply(be), p.tolerance(), p.family(), p.name());
    }

    final double same(Tensor ref, Tensor actual, double tol, String family, String what) {
        assertArrayEquals(ref.shape(), actual.shape(), what + ": shape");
        String name = backend().name();
        assertEquals(name, actual.backend().name(), what + ": result must live on the " + name + " backend");
        double err = Close.assertRelative(ref, actual, tol, what);
        synchronized (worst) {
            worst.merge(family, err, Math::max);
        }
        return err;
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void conv2d_forwardBackwardDataBackwardWeight(Backend be) {
        check(be, problems().conv2d());
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void convTranspose2d_throughTheSameKernels(Backend be) {
        check(be, problems().convTranspose2d());
    }

    final Stream<Arguments> matmulCases() {
        return variants().flatMap(b -> Arrays.stream(ContractProblems.MATMUL_SIZES).mapToObj(n -> Arguments.of(b, n)));
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("matmulCases")
    void matmul_allTransposes(Backend be, int n) {
        check(be, problems().matmulAllTransposes(n));
    }

    @ParameterizedTest(autoCloseArguments = false)   // the backends are shared and closed once, after all tests
    @MethodSource("variants")
    void matmul_largerThanOneBlockOrTileInEveryDimension(Backend be) {
        check(be, problems().matmulLargerThanOneBlock());
    }

    @Test void unaryOps() {
        check(backend(), problems().unary());
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
        check(backend(), problems().binary());
    }

    @Test void reductionsAndBroadcast() {
        check(backend(), problems().reductionsAndBroadcast());
    }

    @Test void concatSliceAndPadding() {
        check(backend(), problems().concatSliceAndPadding());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void normalizeForwardAndBackward(boolean perInstance) {
        check(backend(), problems().normalize(perInstance));
    }

    @Test void adamAndSgdUpdatesInPlace() {
        check(backend(), problems().optimizers());
    }

    @Test void memoryOpsAndTransfers() {
        Backend be = backend();
        Tensor x = rand(REF, 1, 3, 4, 5);
        assertArrayEquals(x.toArray(), x.to(be).toArray(), "upload then download");
        same(REF.full(new int[] {2, 3}, 1.5f), be.full(new int[] {2, 3}, 1.5f), 0, "full", "full");
        assertArrayEquals(new float[6], be.download(be.allocate(6)), "allocate gives zeros");
        Tensor dst = be.full(new int[] {3, 4, 5}, 0f);
        be.copy(x.to(be), dst);
        assertArrayEquals(x.toArray(), dst.toArray(), "copy");
        check(be, problems().memory());
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
