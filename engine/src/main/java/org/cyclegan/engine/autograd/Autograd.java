package org.cyclegan.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Reverse-mode automatic differentiation, define-by-run.
 *
 * <p>Forward: every op computes its output and calls {@link #record}; if any input needs a gradient (and grad mode is
 * on) the output remembers a {@link Node} with the inputs and the op's backward function. The graph is therefore
 * exactly the computation that ran.
 *
 * <p>Backward: {@link #backward} sorts the graph so that each tensor comes after everything it was computed from, then
 * walks it in reverse. Each node receives the sum of the gradients of all its uses, applies the chain rule through its
 * backward function and passes the results on to its inputs. Leaves that require grad accumulate into
 * {@code Tensor.grad()}, as PyTorch's {@code .grad} does.
 *
 * <p>Backward functions run with grad mode off, so the gradients they return carry no graph: there are no
 * higher-order gradients. Run with grad mode on, a backward rule would record one only where it is composed of
 * differentiable ops; where it calls a backend kernel directly, the kernel is opaque to autodiff. Rule by rule (each op
 * says the same beside its backward):
 * <ul>
 *   <li>composed of differentiable ops: add, sub, mul, div and their scalar forms; neg, exp, log, log1p, sqrt, tanh,
 *       sigmoid, and abs, relu and leaky relu (which multiply by sign(x) or [x &gt; 0]: piecewise constant, so the
 *       graph they leave out has derivative 0); sum, mean, broadcastTo, sumTo; reshape, concat, slice; matmul; the
 *       input and bias gradients of conv2d and conv_transpose2d (each is the other op, and a sum); the norms' affine
 *       part and batch norm in evaluation; dropout; the mse, l1 and bce-with-logits losses;</li>
 *   <li>an opaque kernel: the weight gradient of conv2d and conv_transpose2d ({@code Backend.conv2dBackwardWeight});
 *       the normalization of instance norm and of batch norm in training ({@code Backend.normalizeBackward});
 *       reflection and zero padding ({@code Backend.pad2dBackward});</li>
 *   <li>recompute, whose backward is a nested {@link #backward} pass: its rules run with grad mode off whatever f is
 *       made of.</li>
 * </ul>
 */
public final class Autograd {
    private Autograd() {}

    /** The tensors an op's backward reads, for {@link #record}: {@code saves(x, w)}; {@code saves()} for none. */
    public static Tensor[] saves(Tensor... tensors) {
        return tensors;
    }

    /**
     * Attaches the graph node to {@code out} when grad mode is on and some input requires grad; returns {@code out}.
     * {@code saved} must list every tensor the backward reads (other than the gradient it is given): their memory is held
     * for the backward, and a tensor left out is freed when its maker is done with it, so a backward that reads it fails
     * loudly. Metadata (shapes, whether an input requires grad) needs no saving.
     */
    public static Tensor record(String op, Tensor out, Tensor[] saved, Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.attachGradFn(new Node(op, inputs.clone(), saved.clone(), backward));
                return out;
            }
        }
        return out;
    }

    /** {@link #backward(Tensor, Tensor, boolean)} that frees the graph as it goes. */
    public static void backward(Tensor root, Tensor seed) {
        backward(root, seed, false);
    }

    /**
     * Back-propagates {@code seed} (the gradient of some scalar with respect to {@code root}) through the graph.
     * Backward functions run with grad mode off, so they build no graph of their own (which of them could build one
     * is listed in the class comment).
     *
     * <p>Memory (see {@link MemoryScope}): each backward function runs in a scope of its own, so its temporaries are freed
     * as soon as it returns; each gradient is held until it has been passed on; and each node lets go of its saved
     * tensors once its backward has run, unless {@code retainGraph} keeps the graph for another backward.
     */
    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        backward(root, seed, retainGraph, new Tensor[0]);
    }

    /**
     * As {@link #backward(Tensor, Tensor, boolean)}, and returns the gradients that reach {@code wanted} instead of
     * accumulating them there (null for one no gradient reached); they stop there. The caller owns one hold on each
     * returned gradient ({@link MemoryScope#release} it when done). Used by {@code Recompute}, whose backward needs the
     * gradient of the input it recomputed from.
     */
    public static Tensor[] backward(Tensor root, Tensor seed, boolean retainGraph, Tensor... wanted) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)");
        }
        if (!Arrays.equals(root.shape(), seed.shape())) {
            throw new IllegalArgumentException("backward: seed gradient shape " + Shape.str(seed.shape()) + " differs from tensor shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();   // each entry holds its gradient's memory
        grads.put(root, MemoryScope.retain(seed));
        Tensor[] returned = new Tensor[wanted.length];
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                int w = indexOf(wanted, t);
                if (w >= 0) {
                    returned[w] = g;   // the map's hold passes to the caller
                    continue;
                }
                Node node = t.gradFn();
                if (node == null) {
                    t.accumulateGrad(g);
                    MemoryScope.release(g);
                    continue;
                }
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
                        grads.put(in, heldSum(previous, gi));
                        MemoryScope.release(gi);
                    }
                }
            }
        }
        return returned;
    }

    /**
     * {@code previous + g}, held in place of {@code previous}, whose hold is given back: how a gradient that arrives in
     * parts (a pending one here, a leaf's {@code grad}) grows without keeping its earlier parts.
     */
    public static Tensor heldSum(Tensor previous, Tensor g) {
        Tensor sum = MemoryScope.retain(previous.add(g));
        MemoryScope.done(sum);
        MemoryScope.release(previous);
        return sum;
    }

    private static int indexOf(Tensor[] ts, Tensor t) {
        for (int i = 0; i < ts.length; i++) if (ts[i] == t) return i;
        return -1;
    }

    private static boolean needsGradient(Tensor input, Tensor grad) {
        return input != null && input.requiresGrad() && grad != null;
    }

    /** Every tensor reachable from {@code root} through gradFn links, inputs before the tensors computed from them. */
    static List<Tensor> topologicalOrder(Tensor root) {
        // Iterative depth-first search: a ResNet generator's graph is deep enough to overflow a recursive one.
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();   // {tensor, next input index}
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn() == null ? new Tensor[0] : t.gradFn().inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.add(in)) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
