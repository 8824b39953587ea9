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
 * A context and one in-order command queue on one device. In-order matters: a buffer handed back to the pool can be
 * given to the next kernel at once, because that kernel cannot start before the ones still reading the buffer end.
 * The queue records profiling timestamps, which {@code bench --profile} and the benchmarks read.
 */
final class OpenClContext implements AutoCloseable {
    final DeviceInfo device;
    final cl_context context;
    final cl_command_queue queue;
    private volatile boolean closed;

    @SuppressWarnings("deprecation")   // clCreateCommandQueue: the OpenCL 1.2 call; its 2.0 successor is optional
    OpenClContext(DeviceInfo device) {
        this.device = device;
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
            this.context = clCreateContext(props, 1, new cl_device_id[] {device.device()}, null, null, null);
            cl_command_queue q;
            try {
                q = clCreateCommandQueue(context, device.device(), CL_QUEUE_PROFILING_ENABLE, null);
            } catch (CLException e) {
                clReleaseContext(context);
                throw e;
            }
            this.queue = q;
        } catch (CLException e) {
            throw OpenClErrors.failed("context creation", device, e);
        }
    }

    /** Using a released queue would crash inside the driver: fail in Java instead. */
    void ensureOpen() {
        if (closed) throw new IllegalStateException("the opencl backend on " + device.name() + " was closed");
    }

    /** Blocks until every queued command has finished. */
    void finish() {
        ensureOpen();
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw OpenClErrors.failed("clFinish", device, e);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
