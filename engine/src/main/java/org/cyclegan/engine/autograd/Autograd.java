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
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Attaches the graph node to {@code out} when grad mode is on and some input requires grad; returns {@code out}.
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.attachGradFn(new Node(op, inputs.clone(), backward));
                return out;
            }
        }
        return out;
    }

    /**
     * Back-propagates {@code seed} (the gradient of some scalar with respect to {@code root}) through the graph.
     * Backward functions run with grad mode off, so they build no graph of their own. (Higher-order gradients would
     * run them with grad mode on; every backward is written in differentiable ops to keep that door open.)
     */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)");
        }
        if (!Arrays.equals(root.shape(), seed.shape())) {
            throw new IllegalArgumentException("backward: seed gradient shape " + Shape.str(seed.shape()) + " differs from tensor shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.gradFn();
                if (node == null) {
                    t.accumulateGrad(g);
                    continue;
                }
                Tensor[] inputGrads = node.backward().apply(g);
                Tensor[] inputs = node.inputs();
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad() || inputGrads[k] == null) continue;
                    if (!Arrays.equals(in.shape(), inputGrads[k].shape())) {
                        throw new IllegalStateException("backward of " + node.op() + " returned gradient of shape " + Shape.str(inputGrads[k].shape())
                                + " for input " + k + " of shape " + Shape.str(in.shape()));
                    }
                    grads.merge(in, inputGrads[k], Tensor::add);
                }
            }
        }
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
