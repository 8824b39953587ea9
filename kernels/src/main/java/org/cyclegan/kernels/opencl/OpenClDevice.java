package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;

import org.jocl.CLException;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/**
 * The device the backend runs on, opened: a context and one in-order command queue on it, and what every kernel family
 * shares there — the built {@link Programs}, the {@link BufferPool} and the {@link KernelLauncher}. {@link DeviceInfo}
 * says what the device is; this class is the device in use, from opening to {@link #close}.
 *
 * <p>In-order matters: a buffer handed back to the pool can be given to the next kernel at once, because that kernel
 * cannot start before the ones still reading the buffer end. The queue records profiling timestamps, which
 * {@code bench --profile} and the benchmarks read. Opening creates the context and the queue only: programs are built
 * when a kernel family asks for them.
 */
final class OpenClDevice implements AutoCloseable {
    final DeviceInfo info;
    final cl_context context;
    final cl_command_queue queue;
    final Programs programs;
    final BufferPool pool;
    final KernelLauncher launcher;
    private volatile boolean closed;

    @SuppressWarnings("deprecation")   // clCreateCommandQueue: the OpenCL 1.2 call; its 2.0 successor is optional
    OpenClDevice(DeviceInfo info) {
        this.info = info;
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, info.platform());
            this.context = clCreateContext(props, 1, new cl_device_id[] {info.device()}, null, null, null);
            cl_command_queue q;
            try {
                q = clCreateCommandQueue(context, info.device(), CL_QUEUE_PROFILING_ENABLE, null);
            } catch (CLException e) {
                clReleaseContext(context);
                throw e;
            }
            this.queue = q;
        } catch (CLException e) {
            throw OpenClErrors.failed("context creation", info, e);
        }
        // Each keeps this device to reach its context and queue later; none calls back while being built.
        this.programs = new Programs(this);
        this.pool = new BufferPool(this);
        this.launcher = new KernelLauncher(this);
    }

    /** Using a released queue would crash inside the driver: fail in Java instead. */
    void ensureOpen() {
        if (closed) throw new IllegalStateException("the opencl backend on " + info.name() + " was closed");
    }

    /** Blocks until every queued command has finished. */
    void finish() {
        ensureOpen();
        waitForQueue();
    }

    private void waitForQueue() {
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw OpenClErrors.failed("clFinish", info, e);
        }
    }

    /**
     * Waits for queued commands, then releases kernels and programs, the free buffers, the queue and the context, in
     * that order (each depends on the next). Idempotent: a second close does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            waitForQueue();
        } finally {
            closed = true;
            programs.close();
            pool.close();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }
}
