package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clSetKernelArg;
import static org.jocl.CL.clWaitForEvents;

import org.cyclegan.engine.backend.KernelProfile;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Puts kernels on the device's queue: sets a kernel's arguments and queues it. Arguments are given in the kernel's
 * order as {@link cl_mem} (null for an unused buffer), {@link Integer}, {@link Float}, or {@code int[]} of 4 or 16 for
 * {@code int4} / {@code int16}.
 *
 * <p>Arguments are state of the {@link cl_kernel} object, and each kernel family keeps one object per kernel for the
 * backend's life, which any Java thread may launch: setting the arguments and queueing happen as one step under the
 * kernel object's lock, so two threads launching the same kernel cannot mix their arguments. (The queue itself is
 * thread-safe, as every OpenCL call but {@code clSetKernelArg} on a shared kernel is.)
 *
 * <p>Kernels run asynchronously; the host waits only when it reads a result. While a {@link KernelProfile} is set,
 * every launch is timed by the device's own profiling timestamps (start to end of the kernel, not of the queueing)
 * and waited for, which serializes the queue: profile one iteration, not a timed run. {@link Transfers} times its
 * commands through the same profile.
 */
final class KernelLauncher {
    private final OpenClDevice device;
    private volatile KernelProfile profile;

    KernelLauncher(OpenClDevice device) {
        this.device = device;
    }

    void setProfile(KernelProfile profile) {
        this.profile = profile;
    }

    boolean profiling() {
        return profile != null;
    }

    /**
     * Queues {@code kernel} over {@code global} work-items in work-groups of {@code local} (null: the driver chooses).
     * {@code name} and {@code flops} go to the profile.
     */
    void run(String name, double flops, cl_kernel kernel, long[] global, long[] local, Object... args) {
        for (long g : global) if (g == 0) return;   // nothing to compute; a zero size is an error in OpenCL
        device.ensureOpen();
        KernelProfile p = profile;
        cl_event event = p == null ? null : new cl_event();
        try {
            enqueue(kernel, global, local, event, args);
        } catch (CLException e) {
            if (!OpenClErrors.isOutOfMemory(e)) throw OpenClErrors.failed("kernel " + name, device.info, e);
            // Drivers that allocate lazily run out here rather than at clCreateBuffer: give back the free buffers, retry once.
            device.pool.trim();
            try {
                enqueue(kernel, global, local, event, args);
            } catch (CLException again) {
                if (OpenClErrors.isOutOfMemory(again)) {
                    throw OpenClErrors.memoryExhausted(device.info, -1, device.pool.stats().totalBytes(), "while queueing kernel " + name, again);
                }
                throw OpenClErrors.failed("kernel " + name, device.info, again);
            }
        }
        if (p != null) record(p, name == null ? "opencl" : name, flops, event);
    }

    private void enqueue(cl_kernel kernel, long[] global, long[] local, cl_event event, Object[] args) {
        synchronized (kernel) {   // arguments are state of the kernel object: set and queue as one step
            for (int i = 0; i < args.length; i++) setArg(kernel, i, args[i]);
            clEnqueueNDRangeKernel(device.queue, kernel, global.length, null, global, local, 0, null, event);
        }
    }

    /** Waits for a profiled command and adds its device time to the profile. */
    void record(KernelProfile p, String name, double flops, cl_event event) {
        try {
            clWaitForEvents(1, new cl_event[] {event});
            long[] start = new long[1], end = new long[1];
            clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
            clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
            p.add(name, end[0] - start[0], flops);
        } catch (CLException e) {
            if (OpenClErrors.isOutOfMemory(e)) {
                throw OpenClErrors.memoryExhausted(device.info, -1, device.pool.stats().totalBytes(), "while running kernel " + name, e);
            }
            throw OpenClErrors.failed("kernel " + name, device.info, e);
        } finally {
            clReleaseEvent(event);
        }
    }

    /** A new event to pass to a transfer command while profiling, or null. */
    cl_event eventIfProfiling() {
        return profile == null ? null : new cl_event();
    }

    /** Records a transfer command's event (see {@link #eventIfProfiling}). */
    void recordIfProfiling(String name, cl_event event) {
        KernelProfile p = profile;
        if (p != null && event != null) record(p, name, 0, event);
    }

    private static void setArg(cl_kernel k, int i, Object a) {
        if (a == null) {
            clSetKernelArg(k, i, Sizeof.cl_mem, null);
        } else if (a instanceof cl_mem m) {
            clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m));
        } else if (a instanceof Integer v) {
            clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
        } else if (a instanceof Float v) {
            clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
        } else if (a instanceof int[] v && (v.length == 4 || v.length == 16)) {
            clSetKernelArg(k, i, (long) Sizeof.cl_int * v.length, Pointer.to(v));
        } else {
            throw new IllegalArgumentException("kernel argument " + i + ": unsupported " + a.getClass().getSimpleName());
        }
    }
}
