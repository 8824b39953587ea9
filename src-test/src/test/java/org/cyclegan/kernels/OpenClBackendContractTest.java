package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.kernels.opencl.DeviceInfo;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.kernels.opencl.OpenClBackend.Tiling;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on the opencl backend, on whatever OpenCL device is present (PoCL in CI); skipped without one
 * unless {@code REQUIRE_OPENCL=1} (see {@link OpenClDevices}).
 *
 * <p>The matrix-product kernels run with each kind of tiling: register blocking (what CPU devices get), and
 * local-memory tiles (what GPUs get) sized for this device and for a small one (64 work-items, 8 KB of local memory).
 * So the GPU code path is checked on PoCL even where no GPU exists. The test backends also use tiny lowering bands, so
 * the small shapes run the multi-band paths of the CPU-device convolutions.
 */
class OpenClBackendContractTest extends BackendContractTest {
    @Override
    List<Named<Backend>> open() {
        DeviceInfo d = OpenClDevices.require();
        return List.of(Named.of("register tiling", OpenClBackend.forTesting(d, Tiling.REGISTER)),
                Named.of("local-memory tiling", OpenClBackend.forTesting(d, Tiling.LOCAL_MEMORY)),
                Named.of("local-memory tiling for a small device", OpenClBackend.forTesting(d, Tiling.LOCAL_MEMORY_SMALL_DEVICE)));
    }

    /** 2e-6: OpenCL's exp, log, tanh are allowed a few ulp where Java rounds the exact value. */
    @Override
    double transcendentalTolerance() {
        return 2e-6;
    }

    /** 1e-6: OpenCL C's single-precision division need not be correctly rounded. */
    @Override
    double divisionTolerance() {
        return 1e-6;
    }

    /** Host tensors and tensors of another OpenCL backend (another context) are refused, not read as garbage. */
    @Test void tensorsOfAnotherBackendOrContextFailLoudly() {
        Backend cl = backend();
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> cl.unary(UnaryOp.NEG, Tensor.of(REF, new float[] {1f}, 1)));
        assertTrue(f.getMessage().contains("reference"), f.getMessage());
        Backend other = variants().skip(1).findFirst().orElseThrow().getPayload();
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> cl.unary(UnaryOp.NEG, other.full(new int[] {1}, 1f)));
        assertTrue(g.getMessage().contains("another OpenCL context"), g.getMessage());
    }
}
