package org.cyclegan.kernels;

import java.util.List;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Named;

/**
 * The backend contract on the cpu backend, with 2 threads so the parallel paths run whatever the machine. Every array it
 * hands out starts as NaN, and its data-gradient bands hold at most 2,000 floats, so the banded col2im path runs on
 * the contract's small shapes. {@code .ci/run} runs this class again with 256-bit vectors.
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
}
