package org.cyclegan.kernels.opencl;

import org.jocl.cl_kernel;

/**
 * What every kernel family shares on one device: the context and queue, the program cache, the buffer pool and the
 * launcher. Closing it releases them in dependency order.
 */
final class OpenClRuntime implements AutoCloseable {
    final DeviceInfo device;
    final OpenClContext cl;
    final Programs programs;
    final BufferPool pool;
    final Launcher launcher;
    private boolean closed;

    OpenClRuntime(DeviceInfo device) {
        this.device = device;
        this.cl = new OpenClContext(device);
        this.programs = new Programs(cl);
        this.pool = new BufferPool(cl);
        this.launcher = new Launcher(cl, pool);
    }

    cl_kernel kernel(String source, String defines, String name) {
        return programs.kernel(source, defines, name);
    }

    /** The work-group size for the reduction kernels: the largest power of two up to 256 the device allows. */
    int reductionWorkGroup() {
        int wg = 1;
        while (wg * 2 <= Math.min(256, device.maxWorkGroupSize())) wg *= 2;
        return wg;
    }

    /** Idempotent: a second close does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            cl.finish();
        } finally {
            programs.close();
            pool.close();
            cl.close();
        }
    }
}
