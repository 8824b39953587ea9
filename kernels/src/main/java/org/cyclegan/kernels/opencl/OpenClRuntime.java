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

    /**
     * The work-group size for the reduction kernels: the largest power of two up to 256 the device allows on GPUs (one
     * work-item per lane, a tree over local memory). On CPU devices a work-group runs as a loop on one core and every
     * barrier splits that loop, so a small group doing longer serial sums costs far less: 16.
     */
    int reductionWorkGroup() {
        int cap = device.type() == DeviceInfo.Type.CPU ? 16 : 256;
        int wg = 1;
        while (wg * 2 <= Math.min(cap, device.maxWorkGroupSize())) wg *= 2;
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
