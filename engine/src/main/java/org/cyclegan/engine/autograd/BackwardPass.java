package org.cyclegan.engine.autograd;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * One backward pass ({@link Autograd#backward}, {@link Autograd#grad}): the gradient of {@code root}, seeded, sent back
 * through the graph in reverse topological order. Plain backward walks every tensor that requires grad and accumulates
 * into the leaves; a grad pass walks only the tensors that lead to its inputs and returns their gradients. With
 * createGraph the backward functions run with grad mode on, so the ops they call record the gradient's own graph.
 *
 * <p>Memory, either way: each backward function runs in a memory scope of its own, closed when it returns. Its
 * temporaries are freed then, except what a node recorded inside it saved (the node holds it, so it moves to the
 * enclosing scope) and the input gradients it returns (held until passed on). A saved tensor is freed when the node
 * holding it is, by the backward that goes through that node or by {@link Autograd#releaseGraph}.
 */
final class BackwardPass {
    /**
     * The tensors the running pass wants gradients for ({@link Autograd#wantsGradient}): for a grad pass, those from which
     * one of its inputs can be reached; null during a plain backward, which wants every tensor that requires grad.
     */
    static final ThreadLocal<Set<Tensor>> NEEDED = new ThreadLocal<>();

    /** The tensors of the graph behind {@code root} from which one of {@code inputs} can be reached, inputs included. */
    static Set<Tensor> neededFor(Tensor root, Tensor[] inputs, Set<Tensor> stops) {
        Set<Tensor> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(Arrays.asList(inputs));
        Set<Tensor> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        if (!root.requiresGrad()) return needed;
        for (Tensor t : Autograd.topologicalOrder(root, stops)) {   // inputs first, so each tensor's inputs are decided before it
            boolean leads = wanted.contains(t);
            Node node = stops.contains(t) ? null : t.gradFn();
            if (!leads && node != null) {
                for (Tensor in : node.inputs()) leads |= in != null && needed.contains(in);
            }
            if (leads) needed.add(t);
        }
        return needed;
    }

    private final Tensor root, seed;
    private final boolean retainGraph, createGraph;
    /** Null for plain backward (every tensor that requires grad); for a grad pass, the tensors that lead to its inputs. */
    private final Set<Tensor> needed;
    private final Tensor[] wanted;
    /** Tensors the walk does not go behind. */
    private final Set<Tensor> stops;

    BackwardPass(Tensor root, Tensor seed, boolean retainGraph, boolean createGraph, Set<Tensor> needed, Tensor[] wanted, Set<Tensor> stops) {
        this.root = root;
        this.seed = seed;
        this.retainGraph = retainGraph;
        this.createGraph = createGraph;
        this.needed = needed;
        this.wanted = wanted;
        this.stops = stops;
    }

    Tensor[] run() {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)");
        }
        if (!Arrays.equals(root.shape(), seed.shape())) {
            throw new IllegalArgumentException("backward: seed gradient shape " + Shape.str(seed.shape()) + " differs from tensor shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = Autograd.topologicalOrder(root, stops);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();   // each entry holds its gradient's memory
        grads.put(root, MemoryScope.retain(seed));
        Tensor[] returned = new Tensor[wanted.length];
        Set<Tensor> outerNeeded = NEEDED.get();
        NEEDED.set(needed);
        // Recording the backward is what createGraph means: each rule's ops then build the graph of the gradient.
        try (GradMode.Scope mode = createGraph ? GradMode.enableGrad() : GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                if (handOver(t, g, returned)) continue;
                Node node = t.gradFn();
                if (node == null) {
                    t.accumulateGrad(g);
                    MemoryScope.release(g);
                    continue;
                }
                sendBack(node, g, grads);
            }
        } finally {
            NEEDED.set(outerNeeded);
        }
        return returned;
    }

    /**
     * Gives {@code g} to the caller where {@code t} is one of the wanted tensors; true when it stops there (plain
     * backward's wanted tensors, and grad's inputs that lead to no other input).
     */
    private boolean handOver(Tensor t, Tensor g, Tensor[] returned) {
        boolean found = false;
        for (int w = 0; w < wanted.length; w++) {
            if (wanted[w] != t) continue;
            returned[w] = found ? MemoryScope.retain(g) : g;   // the map's hold passes to the caller
            found = true;
        }
        if (!found) return false;
        if (needed == null || stops.contains(t) || !leadsFurther(t)) return true;
        MemoryScope.retain(g);   // the caller has one hold; the pass keeps one to send g on
        return false;
    }

    private boolean leadsFurther(Tensor t) {
        Node node = t.gradFn();
        if (node == null) return false;
        for (Tensor in : node.inputs()) if (in != null && needed.contains(in)) return true;
        return false;
    }

    /** Applies the chain rule through {@code node} and adds the results to its inputs' pending gradients. */
    private void sendBack(Node node, Tensor g, Map<Tensor, Tensor> grads) {
        Tensor[] inputs = node.inputs();
        Tensor[] inputGrads;
        try (MemoryScope temporaries = MemoryScope.open()) {
            inputGrads = node.apply(g);
            for (int k = 0; k < inputs.length; k++) {
                if (needsGradient(inputs[k], inputGrads[k])) MemoryScope.retain(inputGrads[k]);   // outlives the temporaries
                else inputGrads[k] = null;
            }
        }
        if (!retainGraph) node.free();
        MemoryScope.release(g);   // passed on
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k], gi = inputGrads[k];
            if (gi == null) continue;
            if (!Arrays.equals(in.shape(), gi.shape())) {
                throw new IllegalStateException("backward of " + node.op() + " returned gradient of shape " + Shape.str(gi.shape())
                        + " for input " + k + " of shape " + Shape.str(in.shape()));
            }
            Tensor previous = grads.get(in);
            if (previous == null) {
                grads.put(in, gi);
            } else {   // a tensor used more than once: its gradient is the sum over its uses
                grads.put(in, Autograd.heldSum(previous, gi));
                MemoryScope.release(gi);
            }
        }
    }

    private boolean needsGradient(Tensor input, Tensor grad) {
        return input != null && input.requiresGrad() && grad != null && (needed == null || needed.contains(input));
    }
}
