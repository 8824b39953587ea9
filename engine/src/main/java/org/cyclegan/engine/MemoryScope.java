package org.cyclegan.engine;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntConsumer;
import org.cyclegan.engine.backend.Storage;

/**
 * Frees tensor memory by scope, not by hope (as DJL's NDManager). While a scope is open on a thread, every storage a
 * backend creates on that thread joins it; closing the scope releases them all back to their backend's pool. A training
 * iteration runs inside one scope, so its hundreds of megabytes of activations and gradients are reused by the next
 * iteration instead of being garbage-collected.
 *
 * <pre>
 *   try (MemoryScope scope = MemoryScope.open()) {
 *       Tensor loss = model.forward(x)...;
 *       loss.backward();
 *       optimizer.step();
 *       return loss.item();            // plain values may leave the scope
 *   }                                  // every tensor made inside is released here
 * </pre>
 * A tensor that must outlive the scope (an image kept in a history, say) is passed to {@link #keep}; it then belongs to
 * no scope at all, and is freed by {@code Tensor.close()} or the garbage collector. Tensors
 * created with no scope open (parameters, optimizer state) are never released by a scope. Using a released tensor
 * throws an {@link IllegalStateException}.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;
    /** Floats in every storage created on this thread while this scope was open, nested scopes included. */
    private long createdFloats;
    /** Told the size of each of those storages; null for an ordinary scope. */
    private final IntConsumer observer;

    private MemoryScope(MemoryScope parent, IntConsumer observer) {
        this.parent = parent;
        this.observer = observer;
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static MemoryScope open() {
        return observing(null);
    }

    /**
     * Opens a scope that also tells {@code observer} the size, in floats, of every storage created on this thread while
     * it is open, nested scopes included: for memory measurements that need each array's size, not only the total.
     */
    public static MemoryScope observing(IntConsumer observer) {
        MemoryScope s = new MemoryScope(CURRENT.get(), observer);
        CURRENT.set(s);
        return s;
    }

    /** Called by storages when they are created: joins the thread's current scope, if one is open. */
    public static void track(Storage storage) {
        MemoryScope s = CURRENT.get();
        if (s != null) s.owned.add(storage);
        for (MemoryScope c = s; c != null; c = c.parent) {
            c.createdFloats += storage.size();
            if (c.observer != null) c.observer.accept(storage.size());
        }
    }

    /**
     * Lets {@code t} outlive every open scope: no scope will release it. It is freed by {@code Tensor.close()} or, once
     * unreachable, by the garbage collector. Returns {@code t}.
     */
    public static Tensor keep(Tensor t) {
        Storage st = t.storage();
        for (MemoryScope c = CURRENT.get(); c != null; c = c.parent) c.owned.remove(st);
        return t;
    }

    /**
     * Hands a tensor kept earlier back to the current scope, so it is released when that scope closes (the tensor stays
     * usable until then). With no scope open it is left to the garbage collector.
     */
    public static void adopt(Tensor t) {
        MemoryScope s = CURRENT.get();
        if (s != null) s.owned.add(t.storage());
    }

    /**
     * Bytes (4 per float) of all the storages created on this thread while this scope was open, including those of
     * nested scopes and those taken out by {@link #keep}. Where nothing made inside is released before the scope closes
     * (a CycleGAN training step), this is the peak tensor memory of the work inside: a measurement for memory estimates.
     */
    public long createdBytes() {
        return 4 * createdFloats;
    }

    /** Number of storages this scope will release. */
    public int size() {
        return owned.size();
    }


    @Override
    public void close() {
        if (closed) return;
        if (CURRENT.get() != this) throw new IllegalStateException("memory scopes must be closed in the reverse order of opening, on the thread that opened them");
        closed = true;
        for (Storage s : owned) s.release();
        owned.clear();
        CURRENT.set(parent);
    }
}
