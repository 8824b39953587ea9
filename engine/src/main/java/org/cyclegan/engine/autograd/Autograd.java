package org.cyclegan.engine.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.cyclegan.engine.MemoryScope;
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
 * <p>Higher-order gradients: {@link #backward} runs the backward functions with grad mode off, so the gradients they
 * return carry no graph and each rule costs what its kernels cost. {@link #grad} with {@code createGraph} runs them with
 * grad mode on instead: every op a rule calls records itself, so the gradient is a tensor computed by the graph like any
 * other, and a loss of it (WGAN-GP's gradient penalty) can be back-propagated again, down to the parameters. Every rule
 * is differentiable that way (each op says how beside its backward; {@code GradCheck.checkSecondOrder} checks them):
 * <ul>
 *   <li>composed of differentiable ops: add, sub, mul, div and their scalar forms; neg, exp, log, log1p, sqrt, tanh,
 *       sigmoid, and abs, relu and leaky relu (which multiply by sign(x) or [x &gt; 0]: piecewise constant, so the
 *       graph they leave out has derivative 0, the true one); sum, mean, norm, broadcastTo, sumTo; reshape, concat,
 *       slice; matmul; the input and bias gradients of conv2d and conv_transpose2d (each is the other op, and a sum);
 *       the norms' affine part and batch norm in evaluation; dropout; the mse, l1, bce-with-logits losses and the
 *       gradient penalty;</li>
 *   <li>a kernel inside an op of its own, whose backward is again made of ops: the weight gradient of conv2d and
 *       conv_transpose2d ({@code Convolution.weightGradient}: bilinear, its backward is the two convolutions); the
 *       gradient of reflection and zero padding ({@code Pad2d.padGradient}: linear, its backward is the pad);</li>
 *   <li>a kernel in a plain backward and its formula in ops when the backward records itself: the normalization of
 *       instance norm and of batch norm in training ({@code Backend.normalizeBackward});</li>
 *   <li>recompute, whose backward is a nested pass: inside a {@link #grad} pass a nested {@link #gradUpTo} through f
 *       recomputed from x, differentiable where f's ops are (and then keeping f's activations).</li>
 * </ul>
 * A plain backward runs no composed form: no extra kernels and no extra saved tensors on the default path.
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
                Node node = new Node(op, inputs.clone(), saved.clone(), backward);
                out.attachGradFn(node);
                GraphCapture.recorded(node);
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
     * Backward functions run with grad mode off, so they build no graph of their own ({@link #grad} with createGraph
     * is the pass that does).
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
        return new BackwardPass(root, seed, retainGraph, false, null, wanted, Set.of()).run();
    }

    /**
     * {@code torch.autograd.grad(outputs=output, inputs=inputs, grad_outputs=seed, create_graph=createGraph,
     * retain_graph=createGraph)}: the gradients of {@code output} (seeded by {@code seed}, same shape) with respect to
     * each of {@code inputs}, without accumulating into any leaf's grad. With {@code createGraph} the backward pass
     * itself is recorded (the returned gradients require grad when they depend on something that does, and a later
     * backward through them reaches the leaves, e.g. a discriminator's parameters), and the forward graph is retained.
     * The caller owns one hold on each returned gradient ({@link MemoryScope#release} when done), as with
     * {@link #backward(Tensor, Tensor, boolean, Tensor...)}. A null entry: no gradient reached that input.
     *
     * <p>Only the part of the graph that leads to {@code inputs} is walked, and backward rules compute only the input
     * gradients that lead there ({@link #wantsGradient}): the gradient penalty's pass to the image never computes the
     * discriminator's weight gradients. An input may lie behind another: the gradient passes on through it.
     *
     * <p>Memory as for {@link #backward(Tensor, Tensor, boolean)}; in addition, a node recorded by a rule holds what it
     * saved past the rule's own scope, until the backward through the returned gradients frees it. The retained forward
     * graph is freed node by node by that backward too; the nodes it does not reach keep their saved tensors until
     * {@link #releaseGraph} lets go of them (or, failing that, until the outermost scope closes and the garbage collector
     * takes them). One exception: a {@code Recompute} block met by a createGraph pass builds its recomputed graph beside
     * the one behind {@code output}, so {@code releaseGraph(output)} does not reach its unreached nodes; they wait for
     * the scope (no network on a discriminator's path recomputes).
     */
    public static Tensor[] grad(Tensor output, Tensor seed, boolean createGraph, Tensor... inputs) {
        return gradPass(output, seed, createGraph, inputs, Set.of());
    }

    /**
     * As {@link #grad}, but the walk stops at {@code inputs}: what lies behind them is not visited, and an input's
     * gradient does not include paths through another input. For a block differentiated on its own inside a larger
     * pass ({@code Recompute}), whose input's own graph is the larger pass's business.
     */
    public static Tensor[] gradUpTo(Tensor output, Tensor seed, boolean createGraph, Tensor... inputs) {
        Set<Tensor> stops = Collections.newSetFromMap(new IdentityHashMap<>());
        stops.addAll(Arrays.asList(inputs));
        return gradPass(output, seed, createGraph, inputs, stops);
    }

    /** True while a backward function runs inside a {@link #grad} pass, which accumulates into no leaf. */
    public static boolean inGradPass() {
        return BackwardPass.NEEDED.get() != null;
    }

    private static Tensor[] gradPass(Tensor output, Tensor seed, boolean createGraph, Tensor[] inputs, Set<Tensor> stops) {
        for (Tensor in : inputs) {
            if (in == null) throw new IllegalArgumentException("grad: an input is null");
        }
        return new BackwardPass(output, seed, createGraph, createGraph, BackwardPass.neededFor(output, inputs, stops), inputs, stops).run();
    }

    /**
     * For a backward function: whether the pass running it wants the gradient of {@code input}. Plain backward wants
     * every input that requires grad; {@link #grad} only those that lead to its inputs. A rule checks this before
     * computing an input gradient whose cost or saved tensors matter (a weight gradient, a product).
     */
    public static boolean wantsGradient(Tensor input) {
        if (input == null || !input.requiresGrad()) return false;
        Set<Tensor> needed = BackwardPass.NEEDED.get();
        return needed == null || needed.contains(input);
    }

    /**
     * Lets go of the saved tensors of every node in the graph behind {@code root} that no backward has freed yet: for a
     * graph retained by {@link #grad} with {@code createGraph}, once the backward through the recorded gradients has run,
     * so that the forward nodes it did not reach (those after the last op the gradient depends on through its saved
     * values) do not hold their activations until the scope closes. The graph cannot be back-propagated afterwards.
     */
    public static void releaseGraph(Tensor root) {
        if (!root.requiresGrad()) return;
        for (Tensor t : topologicalOrder(root)) {
            Node node = t.gradFn();
            if (node != null && !node.isFreed()) node.free();
        }
    }

    private static final Tensor[] NO_TENSORS = new Tensor[0];

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

    /** Every tensor reachable from {@code root} through gradFn links, inputs before the tensors computed from them. */
    static List<Tensor> topologicalOrder(Tensor root) {
        return topologicalOrder(root, Set.of());
    }

    /** As {@link #topologicalOrder(Tensor)}, not going behind the tensors of {@code stops}. */
    static List<Tensor> topologicalOrder(Tensor root, Set<Tensor> stops) {
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
            Tensor[] inputs = t.gradFn() == null || stops.contains(t) ? NO_TENSORS : t.gradFn().inputs();
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
