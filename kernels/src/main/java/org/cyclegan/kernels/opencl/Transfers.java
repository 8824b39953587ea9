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
    private final OpenClRuntime rt;

    Transfers(OpenClRuntime rt) {
        this.rt = rt;
    }

    void write(cl_mem dst, float[] src) {
        if (src.length == 0) return;
        rt.cl.ensureOpen();
        cl_event e = rt.launcher.eventIfProfiling();
        try {
            clEnqueueWriteBuffer(rt.cl.queue, dst, CL_TRUE, 0, 4L * src.length, Pointer.to(src), 0, null, e);
        } catch (CLException ex) {
            throw failure("upload", 4L * src.length, ex);
        }
        rt.launcher.recordIfProfiling("upload", e);
    }

    float[] read(cl_mem src, int n) {
        float[] out = new float[n];
        if (n == 0) return out;
        rt.cl.ensureOpen();
        cl_event e = rt.launcher.eventIfProfiling();
        try {
            clEnqueueReadBuffer(rt.cl.queue, src, CL_TRUE, 0, 4L * n, Pointer.to(out), 0, null, e);
        } catch (CLException ex) {
            throw failure("download", 4L * n, ex);
        }
        rt.launcher.recordIfProfiling("download", e);
        return out;
    }

    void fill(cl_mem dst, int n, float value) {
        if (n == 0) return;
        rt.cl.ensureOpen();
        cl_event e = rt.launcher.eventIfProfiling();
        try {
            clEnqueueFillBuffer(rt.cl.queue, dst, Pointer.to(new float[] {value}), 4, 0, 4L * n, 0, null, e);
        } catch (CLException ex) {
            throw failure("fill", 4L * n, ex);
        }
        rt.launcher.recordIfProfiling("fill", e);
    }

    void copy(cl_mem src, cl_mem dst, int n) {
        if (n == 0) return;
        rt.cl.ensureOpen();
        cl_event e = rt.launcher.eventIfProfiling();
        try {
            clEnqueueCopyBuffer(rt.cl.queue, src, dst, 0, 0, 4L * n, 0, null, e);
        } catch (CLException ex) {
            throw failure("copy", 4L * n, ex);
        }
        rt.launcher.recordIfProfiling("copy", e);
    }

    private RuntimeException failure(String what, long bytes, CLException e) {
        if (OpenClErrors.isOutOfMemory(e)) {
            return OpenClErrors.memoryExhausted(rt.device, -1, rt.pool.stats().totalBytes(), String.format("during a %s of %.1f MB", what, bytes / 1e6), e);
        }
        return OpenClErrors.failed(what, rt.device, e);
    }
}
