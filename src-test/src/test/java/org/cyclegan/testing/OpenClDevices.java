package org.cyclegan.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cyclegan.kernels.opencl.DeviceInfo;
import org.cyclegan.kernels.opencl.OpenClPlatforms;

/**
 * The OpenCL device the tests run on. Without any platform the OpenCL tests are skipped — unless the environment sets
 * {@code REQUIRE_OPENCL=1} (CI does, after installing PoCL), in which case they fail, so a skip can never hide a
 * broken backend.
 */
public final class OpenClDevices {
    private OpenClDevices() {}

    public static boolean required() {
        return "1".equals(System.getenv("REQUIRE_OPENCL"));
    }

    /** The device the backend would use by default (first GPU, else first device); skips or fails when there is none. */
    public static DeviceInfo require() {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        if (!p.ok()) {
            if (required()) fail("REQUIRE_OPENCL=1 but OpenCL is unavailable: " + p.failure());
            assumeTrue(false, "OpenCL unavailable, skipping: " + p.failure());
        }
        for (DeviceInfo d : p.devices()) if (d.isGpuLike()) return d;
        return p.devices().get(0);
    }
}
