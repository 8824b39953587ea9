package org.cyclegan.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.BackendException;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the user sees when OpenCL fails on a device that exists: a kernel that does not build shows the compiler's log,
 * a tensor too large for the device says "device memory exhausted" with the size, and a closed backend refuses work in
 * Java instead of crashing inside the driver. (No loader / no platform: see train/OpenClDeviceSelectionTest.)
 */
class OpenClFailuresTest {
    static OpenClBackend cl;

    @BeforeAll
    static void open() {
        cl = new OpenClBackend(OpenClDevices.require());
    }

    @AfterAll
    static void close() {
        if (cl != null) cl.close();
    }

    @Test void aKernelThatDoesNotBuildShowsTheBuildLog() {
        try (OpenClContext ctx = new OpenClContext(cl.device()); Programs programs = new Programs(ctx)) {
            BackendException e = assertThrows(BackendException.class,
                    () -> programs.build("broken.cl", "kernel void k(global float* x) { x[0] = undeclared_name; }", Programs.BASE_OPTIONS));
            assertTrue(e.getMessage().contains("broken.cl failed to build on " + cl.device().name()), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_name"), "the compiler's log names the problem: " + e.getMessage());
        }
    }

    @Test void aBufferLargerThanTheDeviceAllowsIsDeviceMemoryExhausted() {
        try (OpenClContext ctx = new OpenClContext(cl.device()); BufferPool pool = new BufferPool(ctx)) {
            long bytes = cl.device().maxAllocBytes() + 4;
            BackendException e = assertThrows(BackendException.class, () -> pool.take(bytes));
            assertTrue(e.getMessage().startsWith("OpenCL device memory exhausted (" + String.format("%.1f MB requested", bytes / 1e6)), e.getMessage());
            assertTrue(e.getMessage().contains("--device cpu"), "says what to try: " + e.getMessage());
        }
    }

    @Test void aTensorLargerThanTheDeviceAllowsIsDeviceMemoryExhausted() {
        long floats = cl.device().maxAllocBytes() / 4 + 1;
        org.junit.jupiter.api.Assumptions.assumeTrue(floats <= Integer.MAX_VALUE, "this device allows buffers larger than any tensor");
        int n = (int) floats;
        try (MemoryScope scope = MemoryScope.open()) {
            BackendException e = assertThrows(BackendException.class, () -> cl.full(new int[] {n}, 0f));
            assertTrue(e.getMessage().contains("device memory exhausted"), e.getMessage());
            assertTrue(e.getMessage().contains(String.format("%.1f MB requested", 4.0 * n / 1e6)), e.getMessage());
        }
        assertTrue(cl.full(new int[] {4}, 1f).toArray()[3] == 1f, "the backend still works afterwards");
    }

    @Test void aClosedBackendRefusesWorkInsteadOfCrashing() {
        OpenClBackend b = new OpenClBackend(cl.device());
        Tensor t = b.full(new int[] {3}, 2f);
        b.close();
        b.close();   // idempotent
        assertThrows(IllegalStateException.class, t::toArray);
        assertThrows(IllegalStateException.class, () -> b.full(new int[] {3}, 1f));
        t.close();   // returning a buffer after close releases it
    }
}
