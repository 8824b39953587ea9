package org.cyclegan.kernels;

import static org.cyclegan.engine.backend.check.KernelProblem.rand;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.check.ContractProblems;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend contract on the cpu backend, with 2 threads so the parallel paths run whatever the machine. Every array it
 * hands out starts as NaN, and its data-gradient bands hold at most 2,000 floats, so the banded col2im path runs on
 * the contract's small shapes. {@code .ci/run} runs this class again with 256-bit vectors.
 *
 * <p>The backend under test makes the default Winograd choice (by shape); the stride-1 3×3 problems also run with
 * Winograd F(2×2, 3×3) and F(4×4, 3×3) forced on, and with it off, within their stated bounds.
 */
class CpuBackendContractTest extends BackendContractTest {
    @Override
    List<Named<Backend>> open() {
        return List.of(Named.of("cpu", CpuBackend.forTesting(2, 2_000)));
    }

    /** 0: the cpu backend computes these functions with the same scalar Java code as the reference (sqrt: both correctly rounded). */
    @Override
    double transcendentalTolerance() {
        return 0;
    }

    /** 0: a vector division is the same single rounded operation as the reference's. */
    @Override
    double divisionTolerance() {
        return 0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f2", "f4", "off", "auto"})
    void conv3x3_withWinogradForcedOnOrOff(String winograd) {
        double tolerance = winograd.equals("f4") ? ContractProblems.WINOGRAD_4X4 : ContractProblems.SUMMED;
        try (CpuBackend be = CpuBackend.forTesting(2, 2_000, winograd)) {
            check(be, problems().conv3x3(winograd, tolerance));
        }
    }

    /**
     * The forced choices do take different paths: the three round differently, so their results, all within bounds of
     * the reference, are not bit for bit the same (they would be if a choice were ignored).
     */
    @Test void winogradF2AndF4AndTheGemmPathGiveDifferentlyRoundedResults() {
        ConvSpec s = ConvSpec.of(1, 1);
        int[] xs = {2, 24, 11, 13}, ws = {20, 24, 3, 3}, ys = {2, 20, 11, 13};
        List<float[]> forward = new ArrayList<>(), data = new ArrayList<>();
        for (String winograd : new String[] {"off", "f2", "f4"}) {
            try (CpuBackend be = CpuBackend.forTesting(2, 2_000, winograd)) {
                forward.add(be.conv2d(rand(be, 1, xs), rand(be, 2, ws), null, s).toArray());
                data.add(be.conv2dBackwardData(rand(be, 3, ys), rand(be, 2, ws), xs, s).toArray());
            }
        }
        for (List<float[]> results : List.of(forward, data)) {
            assertFalse(Arrays.equals(results.get(0), results.get(1)), "f2 gave the GEMM path's result bit for bit");
            assertFalse(Arrays.equals(results.get(0), results.get(2)), "f4 gave the GEMM path's result bit for bit");
            assertFalse(Arrays.equals(results.get(1), results.get(2)), "f4 gave f2's result bit for bit");
        }
    }

    /**
     * The default choice runs a layer with a 32×32 output as F(4×4) in all three passes (one tile per layer): bit for
     * bit what forcing f4 gives, and not what f2 gives. Both are held to their bounds by the contract's problems.
     */
    @Test void autoRunsALayerWithA32By32OutputAsF4InAllThreePasses() {
        ConvSpec s = ConvSpec.of(1, 0);
        int[] xs = {1, 16, 34, 34}, ws = {16, 16, 3, 3}, ys = {1, 16, 32, 32};
        List<List<float[]>> byChoice = new ArrayList<>();
        for (String winograd : new String[] {"auto", "f4", "f2"}) {
            try (CpuBackend be = CpuBackend.forTesting(2, 1 << 22, winograd)) {
                byChoice.add(List.of(be.conv2d(rand(be, 1, xs), rand(be, 2, ws), null, s).toArray(),
                        be.conv2dBackwardData(rand(be, 3, ys), rand(be, 2, ws), xs, s).toArray(),
                        be.conv2dBackwardWeight(rand(be, 1, xs), rand(be, 3, ys), ws, s).toArray()));
            }
        }
        String[] pass = {"forward", "data gradient", "weight gradient"};
        for (int i = 0; i < 3; i++) {
            assertTrue(Arrays.equals(byChoice.get(0).get(i), byChoice.get(1).get(i)), pass[i] + ": auto is not f4 bit for bit");
            assertFalse(Arrays.equals(byChoice.get(0).get(i), byChoice.get(2).get(i)), pass[i] + ": auto gave f2's result bit for bit");
        }
    }

    @Test void winogradChoiceOtherThanAutoOffF2F4IsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuBackend.forTesting(1, 2_000, "f3"));
        assertTrue(e.getMessage().contains("cyclegan.cpu.winograd") && e.getMessage().contains("'f3'"), e.getMessage());
    }
}
