package org.cyclegan.kernels.opencl;

import java.lang.ref.Cleaner;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.backend.Storage;
import org.jocl.cl_mem;

/**
 * A tensor's memory on an OpenCL device: one buffer from the backend's {@link BufferPool}.
 *
 * <p>It goes back to the pool when released — by the {@link MemoryScope} it joined when created, or by
 * {@code Tensor.close()} — or, for storages that belong to no scope (parameters, optimizer state, tensors kept past
 * their scope), when the garbage collector finds it unreachable: device memory is not Java heap, so nothing else would
 * free it. Whichever comes first wins; the buffer is returned exactly once.
 */
final class OpenClStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Returns the buffer; runs once, from release() or from the cleaner thread. Holds no reference to the storage. */
    private record Return(BufferPool pool, cl_mem mem, long bytes) implements Runnable {
        @Override
        public void run() {
            pool.give(mem, bytes);
        }
    }

    private final int size;
    private final OpenClBackend owner;
    private final Cleaner.Cleanable cleanable;
    private volatile cl_mem mem;

    OpenClStorage(OpenClBackend owner, BufferPool pool, int size) {
        this.owner = owner;
        this.size = size;
        long bytes = 4L * size;
        cl_mem m = pool.take(bytes);
        this.mem = m;
        this.cleanable = CLEANER.register(this, new Return(pool, m, Math.max(4, bytes)));
        MemoryScope.track(this);
    }

    /** The buffer; fails loudly once released. */
    cl_mem mem() {
        cl_mem m = mem;
        if (m == null) {
            throw new IllegalStateException("this tensor's device memory was released (its MemoryScope closed or it was closed); "
                    + "use MemoryScope.keep(tensor) for tensors that must outlive their scope");
        }
        return m;
    }

    OpenClBackend owner() {
        return owner;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void release() {
        if (mem == null) return;
        mem = null;
        cleanable.clean();   // returns the buffer now, and never again
    }

    @Override
    public boolean onDevice() {
        return true;
    }

    @Override
    public boolean isReleased() {
        return mem == null;
    }
}
