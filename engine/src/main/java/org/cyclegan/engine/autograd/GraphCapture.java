package org.cyclegan.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which module was running when each op recorded: the one thing about a graph that the graph itself does not keep,
 * noted while a forward runs for {@link GraphDot}. Containers say when a child runs ({@link #enter}/{@link #exit}
 * around the child's forward; {@code Sequential} does, and every layer of this project's networks runs as some
 * Sequential's child);
 * {@link Autograd#record} reports each node it attaches. The owner of a node is the innermost child running then.
 *
 * <p>Owners are plain objects (modules in practice) so that the autograd package needs nothing from {@code nn}.
 * Without an open capture every hook is one read of a volatile counter: nothing is kept, nothing allocated.
 */
public final class GraphCapture implements AutoCloseable {
    private static final ThreadLocal<GraphCapture> CURRENT = new ThreadLocal<>();
    private static volatile int open;   // captures open on any thread; zero keeps the hooks to one read

    private final Deque<Object> running = new ArrayDeque<>();
    private final List<Node> recorded = new ArrayList<>();
    private final Map<Node, Object> owners = new IdentityHashMap<>();

    private GraphCapture() {}

    /** Starts noting, on this thread, until {@link #close}; one capture at a time per thread. */
    public static GraphCapture start() {
        if (CURRENT.get() != null) throw new IllegalStateException("a graph capture is already open on this thread");
        GraphCapture c = new GraphCapture();
        CURRENT.set(c);
        synchronized (GraphCapture.class) {
            open++;
        }
        return c;
    }

    /** A container is about to run {@code child}'s forward. */
    public static void enter(Object child) {
        if (open == 0) return;
        GraphCapture c = CURRENT.get();
        if (c != null) c.running.push(child);
    }

    /** The forward announced by the last {@link #enter} has returned (or thrown). */
    public static void exit() {
        if (open == 0) return;
        GraphCapture c = CURRENT.get();
        if (c != null && !c.running.isEmpty()) c.running.pop();
    }

    static void recorded(Node node) {
        if (open == 0) return;
        GraphCapture c = CURRENT.get();
        if (c == null) return;
        c.recorded.add(node);
        if (!c.running.isEmpty()) c.owners.put(node, c.running.peek());
    }

    /** Every node recorded since {@link #start}, in the order the ops ran. */
    public List<Node> recorded() {
        return Collections.unmodifiableList(recorded);
    }

    /** The innermost child running when {@code node} recorded; null for a node recorded outside every child. */
    public Object ownerOf(Node node) {
        return owners.get(node);
    }

    @Override
    public void close() {
        if (CURRENT.get() != this) return;
        CURRENT.remove();
        synchronized (GraphCapture.class) {
            open--;
        }
    }
}
