package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradMode;

/**
 * Gradient checkpointing (as {@code torch.utils.checkpoint}): y = f(x) computed without keeping f's intermediates, which
 * its backward recomputes from x. Memory for time: a block's activations are held only while its backward runs, at
 * the cost of a second forward of the block.
 *
 * <pre>
 *   forward:  y = f(x) under noGrad             saves x only
 *   backward: x' = x detached, y' = f(x') with the graph on, then backward from y' with g:
 *             f's parameters accumulate their gradients as usual; the gradient reaching x' is ∂L/∂x.
 * </pre>
 * f must compute the same function both times: no dropout masks drawn, no running statistics updated.
 *
 * <p>The backward is a nested backward pass ({@code Autograd.backward}), whose rules run with grad mode off. Inside an
 * {@code Autograd.grad} pass it is instead a nested {@code Autograd.gradUpTo} through f recomputed from x, which
 * accumulates into no parameter; when that pass records itself (createGraph) the gradient is differentiable again
 * exactly where f's ops are, and the recomputed activations are kept for the backward through it.
 */
public final class Recompute {
    private Recompute() {}

    /** f(x), recomputed in backward; {@code parameters} are f's, so the graph knows it depends on them. */
    public static Tensor apply(String name, UnaryOperator<Tensor> f, Tensor x, List<Tensor> parameters) {
        if (!GradMode.isEnabled()) return f.apply(x);
        Tensor y;
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            y = f.apply(x);
        }
        Tensor[] inputs = new Tensor[parameters.size() + 1];
        inputs[0] = x;
        for (int i = 0; i < parameters.size(); i++) inputs[i + 1] = parameters.get(i);
        boolean needX = x.requiresGrad();
        return record("recompute(" + name + ")", y, saves(x), g -> {
            if (Autograd.inGradPass()) return gradientsThrough(f, x, inputs, g);
            Tensor xr = x.detach().requiresGrad(true);
            Tensor yr;
            try (GradMode.Scope grad = GradMode.enableGrad()) {
                yr = f.apply(xr);
            }
            Tensor dx = Autograd.backward(yr, g, false, xr)[0];   // the parameters' gradients accumulate on the way
            Tensor[] grads = new Tensor[inputs.length];   // the parameters' entries stay null: already accumulated
            if (dx == null) return grads;
            if (needX) grads[0] = MemoryScope.asMade(dx);
            else MemoryScope.release(dx);
            return grads;
        }, inputs);
    }

    /**
     * The backward inside an {@code Autograd.grad} pass, which accumulates into no leaf: f is recomputed from x and its
     * parameters themselves with the graph on, and the gradients of the inputs the pass wants are taken through that
     * graph and returned. In a pass that records itself (grad mode on: createGraph) they are recorded too, so they can
     * be differentiated again, and the recomputed graph is kept for that later backward: there recompute saves no memory.
     */
    private static Tensor[] gradientsThrough(UnaryOperator<Tensor> f, Tensor x, Tensor[] inputs, Tensor g) {
        boolean createGraph = GradMode.isEnabled();
        Tensor yr;
        try (GradMode.Scope grad = GradMode.enableGrad()) {
            yr = f.apply(x);
        }
        List<Tensor> wanted = new ArrayList<>();
        for (Tensor in : inputs) if (Autograd.wantsGradient(in)) wanted.add(in);
        Tensor[] grads = new Tensor[inputs.length];
        if (wanted.isEmpty() || !yr.requiresGrad()) return grads;
        Tensor[] got = Autograd.gradUpTo(yr, g, createGraph, wanted.toArray(new Tensor[0]));
        for (int i = 0, w = 0; i < inputs.length; i++) {
            if (w < wanted.size() && wanted.get(w) == inputs[i]) {
                Tensor gi = got[w++];
                if (gi != null) grads[i] = MemoryScope.asMade(gi);
            }
        }
        return grads;
    }
}
