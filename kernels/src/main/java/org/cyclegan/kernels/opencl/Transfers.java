package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * Host ↔ device transfers and device-side fills and copies. Reads and writes block: a read has to (the caller wants
 * the values), and a blocking write lets the caller reuse its array at once. Both wait for the kernels queued before
 * them, which is why the training loop reads only the losses once per step.
 */
final class Transfers {
    private final OpenClDevice device;

    Transfers(OpenClDevice device) {
        this.device = device;
    }

    void write(cl_mem dst, float[] src) {
        if (src.length == 0) return;
        device.ensureOpen();
        cl_event e = device.launcher.eventIfProfiling();
        try {
            clEnqueueWriteBuffer(device.queue, dst, CL_TRUE, 0, 4L * src.length, Pointer.to(src), 0, null, e);
        } catch (CLException ex) {
            throw failure("upload", 4L * src.length, ex);
        }
        device.launcher.recordIfProfiling("upload", e);
    }

    float[] read(cl_mem src, int n) {
        float[] out = new float[n];
        if (n == 0) return out;
        device.ensureOpen();
        cl_event e = device.launcher.eventIfProfiling();
        try {
            clEnqueueReadBuffer(device.queue, src, CL_TRUE, 0, 4L * n, Pointer.to(out), 0, null, e);
        } catch (CLException ex) {
            throw failure("download", 4L * n, ex);
        }
        device.launcher.recordIfProfiling("download", e);
        return out;
    }

    void fill(cl_mem dst, int n, float value) {
        if (n == 0) return;
        device.ensureOpen();
        cl_event e = device.launcher.eventIfProfiling();
        try {
            clEnqueueFillBuffer(device.queue, dst, Pointer.to(new float[] {value}), 4, 0, 4L * n, 0, null, e);
        } catch (CLException ex) {
            throw failure("fill", 4L * n, ex);
        }
        device.launcher.recordIfProfiling("fill", e);
    }

    void copy(cl_mem src, cl_mem dst, int n) {
        if (n == 0) return;
        device.ensureOpen();
        cl_event e = device.launcher.eventIfProfiling();
        try {
            clEnqueueCopyBuffer(device.queue, src, dst, 0, 0, 4L * n, 0, null, e);
        } catch (CLException ex) {
            throw failure("copy", 4L * n, ex);
        }
        device.launcher.recordIfProfiling("copy", e);
    }

    private RuntimeException failure(String what, long bytes, CLException e) {
        if (OpenClErrors.isOutOfMemory(e)) {
            return OpenClErrors.memoryExhausted(device.info, -1, device.pool.stats().totalBytes(), String.format("during a %s of %.1f MB", what, bytes / 1e6), e);
        }
        return OpenClErrors.failed(what, device.info, e);
    }
}
