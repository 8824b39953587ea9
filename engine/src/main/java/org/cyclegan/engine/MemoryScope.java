package org.cyclegan.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.backend.Storage;

/**
 * Frees tensor memory by scope and by use, not by hope (as DJL's NDManager, and as CPython's reference counts free
 * PyTorch's tensors). While a scope is open on a thread, every storage a backend creates on that thread joins it.
 *
 * <h2>The rule</h2>
 * A storage made inside a scope is freed — handed back to its backend's pool at once — when nobody needs it any more.
 * Its users are:
 * <ol>
 *   <li><b>the code that made it</b>, until that code says it is {@linkplain #done done} with it, or until the scope
 *       closes (the code inside a scope is finished when it closes);</li>
 *   <li><b>holders</b>, each counted by {@link #retain} and given back by {@link #release}: a graph node that saved the
 *       tensor for its backward (until that backward has run), the autograd engine for a gradient not yet passed on, a
 *       parameter for its accumulated gradient.</li>
 * </ol>
 * When the last user lets go, the memory is freed then and there. Closing a scope ends the first kind of use for
 * everything made inside; what is still held moves to the enclosing scope (from an outermost scope: to no scope, left
 * to the garbage collector as a tensor made outside any scope — a graph that was never back-propagated, a parameter
 * gradient that was never zeroed).
 *
 * <p>Who says {@code done}: a module for the intermediates it passes from one layer to the next ({@code Sequential},
 * the residual block), and the autograd engine for the temporaries of each backward function. So in training each
 * intermediate activation lives exactly as long as the backward that needs it, each gradient until it has been passed
 * on; under {@code noGrad} nothing is saved and inference holds only the activations the next layer needs.
 *
 * <pre>
 *   try (MemoryScope scope = MemoryScope.open()) {
 *       Tensor loss = model.forward(x)...;   // saved activations are held by the graph
 *       loss.backward();                     // ...and freed node by node as backward passes them
 *       optimizer.step();
 *       return loss.item();                  // plain values may leave the scope
 *   }                                        // everything still here is released
 * </pre>
 *
 * <p>The engine cannot see Java references, so what the caller reads after backward must be something it made or
 * holds itself: a network's output, a loss, an image for a pool (outputs are never marked done by the module that
 * returns them). Reading freed memory is never silent: the storage refuses with an {@link IllegalStateException}.
 *
 * <p>A tensor that must outlive every scope (an image kept in a history) is passed to {@link #keep}; it then belongs to
 * no scope and is freed by {@code Tensor.close()} or the garbage collector. Tensors created with no scope open
 * (parameters, optimizer state) are never freed by scopes and ignore {@code done}, {@code retain} and {@code release}.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    /** The users of one storage, as counted by the rule above. */
    private static final class Users {
        boolean maker = true;   // the code that made it may still read it
        int holders;            // retain() calls not yet matched by release()
    }

    private final MemoryScope parent;
    private final Map<Storage, Users> owned = new IdentityHashMap<>();
    private boolean closed;
    /** Floats in every storage created on this thread while this scope was open, nested scopes included. */
    private long createdFloats;
    /** Floats owned by this scope and the scopes open inside it, now and at most, host and device apart. */
    private long liveHost, liveDevice, peakHost, peakDevice;
    /** Told of each storage made and freed in this scope and those inside it; null for an ordinary scope. */
    private final Observer observer;

    /** Listens to a scope's memory: for measurements that need each array's size, not only the totals. */
    public interface Observer {
        /** A storage of {@code floats} floats was made in the scope (or a scope inside it). */
        void created(int floats);

        /** A storage of {@code floats} floats left the scope's memory: freed, or kept past it. */
        default void freed(int floats) {}
    }

    private MemoryScope(MemoryScope parent, Observer observer) {
        this.parent = parent;
        this.observer = observer;
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static MemoryScope open() {
        return observing(null);
    }

    /**
     * Opens a scope that also tells {@code observer} the size, in floats, of every storage created on this thread while
     * it is open, nested scopes included, and of every one that leaves its memory.
     */
    public static MemoryScope observing(Observer observer) {
        MemoryScope s = new MemoryScope(CURRENT.get(), observer);
        CURRENT.set(s);
        return s;
    }

    /** The innermost scope open on this thread, or null. */
    public static MemoryScope current() {
        return CURRENT.get();
    }

    /** Called by storages when they are created: joins the thread's current scope, if one is open. */
    public static void track(Storage storage) {
        MemoryScope s = CURRENT.get();
        if (s != null) s.owned.put(storage, new Users());
        for (MemoryScope c = s; c != null; c = c.parent) c.createdFloats += storage.size();
        account(s, storage, storage.size());
    }

    // ---- the users of a storage ------------------------------------------------------------------------------------

    /** The code that made {@code t} will not read it again: frees it now unless a holder still needs it. */
    public static void done(Tensor t) {
        Storage st = t.storage();
        MemoryScope owner = ownerOf(st);
        if (owner == null) return;
        owner.owned.get(st).maker = false;
        owner.freeIfUnused(st);
    }

    /**
     * {@link #done} for an intermediate a module has passed on, unless it shares memory with one of {@code stillUsed}
     * (the module's input or output: a layer such as Identity returns its input itself, a reshape returns a view).
     */
    public static void passedOn(Tensor intermediate, Tensor... stillUsed) {
        Storage st = intermediate.storage();
        for (Tensor t : stillUsed) if (t.storage() == st) return;
        done(intermediate);
    }

    /** Adds a holder of {@code t}'s memory (a graph node that saved it, a pending gradient); returns {@code t}. */
    public static Tensor retain(Tensor t) {
        Storage st = t.storage();
        MemoryScope owner = ownerOf(st);
        if (owner != null) owner.owned.get(st).holders++;
        return t;
    }

    /**
     * Turns one hold on {@code t} into a use by the code running now, as if it had just made {@code t}: for a function
     * that returns a tensor it holds, so that its caller takes the tensor over as it would a new result (and a scope
     * closing around that code frees it unless the caller retained it).
     */
    public static Tensor asMade(Tensor t) {
        Storage st = t.storage();
        MemoryScope owner = ownerOf(st);
        if (owner == null) return t;
        Users u = owner.owned.get(st);
        if (u.holders == 0) throw new IllegalStateException("MemoryScope.asMade without a hold on the tensor (" + st.size() + " floats)");
        u.holders--;
        u.maker = true;   // ended when its owning scope closes (for Recompute: the backward's temporaries scope)
        return t;
    }

    /** Gives back one hold taken by {@link #retain}: frees the memory when that was its last user. */
    public static void release(Tensor t) {
        Storage st = t.storage();
        MemoryScope owner = ownerOf(st);
        if (owner == null) return;
        Users u = owner.owned.get(st);
        if (u.holders == 0) throw new IllegalStateException("MemoryScope.release without a matching retain (tensor of " + st.size() + " floats)");
        u.holders--;
        owner.freeIfUnused(st);
    }

    /** The scope on this thread's chain that owns {@code st}, or null (made with no scope open, kept, or on another thread). */
    private static MemoryScope ownerOf(Storage st) {
        for (MemoryScope c = CURRENT.get(); c != null; c = c.parent) {
            if (c.owned.containsKey(st)) return c;
        }
        return null;
    }

    private void freeIfUnused(Storage st) {
        Users u = owned.get(st);
        if (u.maker || u.holders > 0) return;
        owned.remove(st);
        free(st);
    }

    /** Releases {@code st} to its backend and takes it off the live counts of this scope and those around it. */
    private void free(Storage st) {
        st.release();
        account(this, st, -st.size());
    }

    /** Adds {@code floats} (negative: takes them off) to the live counts of {@code from} and every scope around it. */
    private static void account(MemoryScope from, Storage st, int floats) {
        for (MemoryScope c = from; c != null; c = c.parent) {
            c.addLive(st, floats);
            if (c.observer != null) {
                if (floats > 0) c.observer.created(floats);
                else c.observer.freed(-floats);
            }
        }
    }

    private void addLive(Storage st, long floats) {
        if (st.onDevice()) {
            liveDevice += floats;
            peakDevice = Math.max(peakDevice, liveDevice);
        } else {
            liveHost += floats;
            peakHost = Math.max(peakHost, liveHost);
        }
    }

    // ---- outliving a scope ----------------------------------------------------------------------------------------

    /**
     * Lets {@code t} outlive every open scope: no scope will release it. It is freed by {@code Tensor.close()} or, once
     * unreachable, by the garbage collector. Returns {@code t}.
     */
    public static Tensor keep(Tensor t) {
        Storage st = t.storage();
        for (MemoryScope c = CURRENT.get(); c != null; c = c.parent) {
            if (c.owned.remove(st) != null) account(c, st, -st.size());
        }
        return t;
    }

    /**
     * Hands a tensor kept earlier back to the current scope, so it is released when that scope closes (the tensor stays
     * usable until then). With no scope open it is left to the garbage collector.
     */
    public static void adopt(Tensor t) {
        MemoryScope s = CURRENT.get();
        if (s == null || s.owned.containsKey(t.storage())) return;
        s.owned.put(t.storage(), new Users());
        account(s, t.storage(), t.storage().size());
    }

    // ---- measurements ---------------------------------------------------------------------------------------------

    /**
     * Bytes (4 per float) of all the storages created on this thread while this scope was open, including those of
     * nested scopes, those freed since and those taken out by {@link #keep}.
     */
    public long createdBytes() {
        return 4 * createdFloats;
    }

    /** Bytes of host memory owned by this scope and the scopes open inside it now. */
    public long liveBytes() {
        return 4 * liveHost;
    }

    /** The most host memory this scope and its nested scopes owned at once: the peak tensor memory of the work inside. */
    public long peakLiveBytes() {
        return 4 * peakHost;
    }

    /** The same for device memory (backends whose storages are on a device, e.g. opencl). */
    public long peakLiveDeviceBytes() {
        return 4 * peakDevice;
    }

    /** Bytes of device memory owned by this scope and the scopes open inside it now. */
    public long liveDeviceBytes() {
        return 4 * liveDevice;
    }

    /** Number of storages this scope owns now. */
    public int size() {
        return owned.size();
    }

    /**
     * Ends the use of everything made inside by the code of this scope: what nobody holds is released, what a holder
     * still needs moves to the enclosing scope (or, from an outermost scope, to none).
     */
    @Override
    public void close() {
        if (closed) return;
        if (CURRENT.get() != this) throw new IllegalStateException("memory scopes must be closed in the reverse order of opening, on the thread that opened them");
        closed = true;
        CURRENT.set(parent);
        List<Storage> freed = new ArrayList<>();
        for (Map.Entry<Storage, Users> e : owned.entrySet()) {
            Users u = e.getValue();
            if (u.holders == 0) {
                freed.add(e.getKey());
            } else if (parent != null) {
                u.maker = false;
                parent.owned.put(e.getKey(), u);   // the parent's live count already includes it
            }
            // else: held, and no scope to move to: it now belongs to no scope, as a tensor made outside one
        }
        owned.clear();
        for (Storage st : freed) {
            st.release();
            account(parent, st, -st.size());
        }
    }
}
