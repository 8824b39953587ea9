package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.cl_mem;

/**
 * Device buffers kept by exact size for reuse. A training iteration asks for the same sizes every time, so after the
 * first one almost nothing is allocated on the device: released storages (by their {@code MemoryScope}, or by the
 * garbage collector for storages that belonged to none) come back here and go out again.
 *
 * <p>It also counts what lives on the device (buffers handed out and not yet returned; buffers kept free), which is
 * what the memory-growth test reads, and it turns allocation failures into one clear "device memory exhausted"
 * message. Drivers often allocate lazily, so the pool also checks its own total against the device's global memory
 * before asking. Thread-safe: the garbage collector's cleaner thread returns buffers too.
 */
final class BufferPool implements AutoCloseable {
    /** What is on the device now. */
    record Stats(int liveBuffers, long liveBytes, int freeBuffers, long freeBytes, long buffersCreated) {
        long totalBytes() {
            return liveBytes + freeBytes;
        }
    }

    private final OpenClDevice device;
    private final long maxFreeBytes;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private int liveBuffers, freeBuffers;
    private long liveBytes, freeBytes, created;
    private boolean closed;

    BufferPool(OpenClDevice device) {
        this.device = device;
        this.maxFreeBytes = device.info.globalMemBytes() / 2;
    }

    /** A buffer of at least {@code bytes} (exactly, rounded up to 4), reused when one is free; contents undefined. */
    synchronized cl_mem take(long bytes) {
        if (closed) throw new IllegalStateException("the opencl backend was closed");
        bytes = Math.max(4, (bytes + 3) & ~3L);
        ArrayDeque<cl_mem> q = free.get(bytes);
        cl_mem m = q == null ? null : q.poll();
        if (m != null) {
            freeBuffers--;
            freeBytes -= bytes;
        } else {
            m = create(bytes);
        }
        liveBuffers++;
        liveBytes += bytes;
        return m;
    }

    private cl_mem create(long bytes) {
        DeviceInfo d = device.info;
        if (bytes > d.maxAllocBytes()) {
            throw OpenClErrors.memoryExhausted(d, bytes, liveBytes + freeBytes,
                    String.format("one tensor needs more than the device's largest buffer, %.1f MB", d.maxAllocBytes() / 1e6), null);
        }
        if (liveBytes + freeBytes + bytes > d.globalMemBytes()) trim();
        if (liveBytes + bytes > d.globalMemBytes()) throw OpenClErrors.memoryExhausted(d, bytes, liveBytes, "", null);
        try {
            return allocate(bytes);
        } catch (CLException e) {
            if (!OpenClErrors.isOutOfMemory(e)) throw OpenClErrors.failed("buffer allocation", d, e);
            trim();   // free buffers of other sizes may be what the device is missing
            try {
                return allocate(bytes);
            } catch (CLException again) {
                if (!OpenClErrors.isOutOfMemory(again)) throw OpenClErrors.failed("buffer allocation", d, again);
                throw OpenClErrors.memoryExhausted(d, bytes, liveBytes, "", again);
            }
        }
    }

    private cl_mem allocate(long bytes) {
        cl_mem m = clCreateBuffer(device.context, CL_MEM_READ_WRITE, bytes, null, null);
        created++;
        return m;
    }

    /** Takes a buffer back. After {@link #close} (storages may outlive their backend) it is released instead. */
    synchronized void give(cl_mem m, long bytes) {
        liveBuffers--;
        liveBytes -= bytes;
        if (closed || freeBytes + bytes > maxFreeBytes) {
            clReleaseMemObject(m);
            return;
        }
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(m);
        freeBuffers++;
        freeBytes += bytes;
    }

    /** Releases every free buffer. */
    synchronized void trim() {
        for (ArrayDeque<cl_mem> q : free.values()) for (cl_mem m : q) clReleaseMemObject(m);
        free.clear();
        freeBuffers = 0;
        freeBytes = 0;
    }

    synchronized Stats stats() {
        return new Stats(liveBuffers, liveBytes, freeBuffers, freeBytes, created);
    }

    /** Releases the free buffers; buffers still held by tensors are released when those are. */
    @Override
    public synchronized void close() {
        trim();
        closed = true;
    }
}
