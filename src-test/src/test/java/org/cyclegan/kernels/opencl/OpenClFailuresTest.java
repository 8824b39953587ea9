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
 * What the user sees when OpenCL fails on a device that exists: a kernel that does not build shows the compiler's log
 * (its line numbers those of the failing file, though every program is built after the common helpers), a tensor too
 * large for the device says "device memory exhausted" with the size, and a closed backend refuses work in Java instead
 * of crashing inside the driver. (No loader / no platform: see train/cli/OpenClDeviceSelectionTest.)
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
        try (OpenClDevice device = new OpenClDevice(cl.device())) {
            BackendException e = assertThrows(BackendException.class,
                    () -> device.programs.build("broken.cl", "kernel void k(global float* x) { x[0] = undeclared_name; }", Programs.BASE_OPTIONS));
            assertTrue(e.getMessage().contains("broken.cl failed to build on " + cl.device().name()), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_name"), "the compiler's log names the problem: " + e.getMessage());
        }
    }

    /** Every program is the common helpers followed by its source: the log still counts lines in the failing file. */
    @Test void aBuildLogCountsLinesInTheFailingSourceNotInTheCommonHelpers() {
        try (OpenClDevice device = new OpenClDevice(cl.device())) {
            String text = device.programs.withCommon("broken.cl", "kernel void k(global float* x) {\n    x[0] = undeclared_name;\n}\n");
            BackendException e = assertThrows(BackendException.class, () -> device.programs.build("broken.cl", text, Programs.BASE_OPTIONS));
            assertTrue(e.getMessage().contains("broken.cl:2:"), "the log points at line 2 of broken.cl: " + e.getMessage());
        }
    }

    @Test void aBufferLargerThanTheDeviceAllowsIsDeviceMemoryExhausted() {
        try (OpenClDevice device = new OpenClDevice(cl.device())) {
            long bytes = cl.device().maxAllocBytes() + 4;
            BackendException e = assertThrows(BackendException.class, () -> device.pool.take(bytes));
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
