package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_OUT_OF_HOST_MEMORY;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;

import org.cyclegan.engine.backend.BackendException;
import org.jocl.CLException;

/** The messages the user sees when OpenCL fails: what happened, on which device, and what to try. */
final class OpenClErrors {
    private OpenClErrors() {}

    /** True for the status codes a driver uses when it runs out of memory for buffers or kernel launches. */
    static boolean isOutOfMemory(CLException e) {
        int s = e.getStatus();
        return s == CL_MEM_OBJECT_ALLOCATION_FAILURE || s == CL_OUT_OF_RESOURCES || s == CL_OUT_OF_HOST_MEMORY;
    }

    /** {@code requestedBytes} < 0 when the failing command was not an allocation (a kernel the driver could not place). */
    static BackendException memoryExhausted(DeviceInfo device, long requestedBytes, long inUseBytes, String detail, Throwable cause) {
        String msg = String.format("OpenCL device memory exhausted (%s%.1f MB in use by this program, %.1f MB on %s)%s; "
                        + "try a smaller --crop_size or --batch_size, or --device cpu",
                requestedBytes >= 0 ? String.format("%.1f MB requested, ", requestedBytes / 1e6) : "", inUseBytes / 1e6,
                device.globalMemBytes() / 1e6, device.name(), detail.isEmpty() ? "" : ": " + detail);
        return cause == null ? new BackendException(msg) : new BackendException(msg, cause);
    }

    static BackendException buildFailed(DeviceInfo device, String source, String options, String log, Throwable cause) {
        return new BackendException("OpenCL program " + source + " failed to build on " + device.name() + " (options: " + options + ")."
                + " Build log:\n" + (log.isBlank() ? "(empty)" : log.strip()), cause);
    }

    /** Any other failure of an OpenCL call, named with the kernel or operation it came from. */
    static BackendException failed(String what, DeviceInfo device, CLException e) {
        return new BackendException("OpenCL " + what + " failed on " + device.name() + ": " + e.getMessage(), e);
    }
}
