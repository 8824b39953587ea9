package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * Element-wise functions and their derivatives, one per line pair, like PyTorch's derivative table.
 * In each backward, {@code g} is the gradient arriving from the output and the result is g · f'(x).
 * Where f' is cheapest in terms of the output y, the backward uses y.
 *
 * <p>Every backward rule here is composed of differentiable ops, so {@code Autograd.grad} with createGraph records it
 * and it is differentiated again (checked by the second-order gradient check). abs, relu and
 * leaky relu multiply by {@link #sign} or {@link #step}, which record no graph: they are piecewise constant, so the
 * derivative they leave out is 0 (almost everywhere), the true one.
 */
public final class Elementwise {
    private Elementwise() {}

    /** f = −x,          f' = −1 */
    public static Tensor neg(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.NEG, x);
        return record("neg", y, saves(), g -> new Tensor[] {g.neg()}, x);
    }

    /** f = eˣ,          f' = eˣ = y */
    public static Tensor exp(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.EXP, x);
        return record("exp", y, saves(y), g -> new Tensor[] {g.mul(y)}, x);
    }

    /** f = ln x,        f' = 1/x */
    public static Tensor log(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.LOG, x);
        return record("log", y, saves(x), g -> new Tensor[] {g.div(x)}, x);
    }

    /** f = log(1 + x),  f' = 1/(1 + x) */
    public static Tensor log1p(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.LOG1P, x);
        return record("log1p", y, saves(x), g -> new Tensor[] {g.div(x.add(1f))}, x);
    }

    /** f = √x,          f' = 1/(2√x) = 1/(2y) */
    public static Tensor sqrt(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.SQRT, x);
        return record("sqrt", y, saves(y), g -> new Tensor[] {g.div(y.mul(2f))}, x);
    }

    /** f = |x|,         f' = sign(x)   (0 at 0, as PyTorch) */
    public static Tensor abs(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.ABS, x);
        return record("abs", y, saves(x), g -> new Tensor[] {g.mul(sign(x))}, x);
    }

    /** f = tanh x,      f' = 1 − tanh²x = 1 − y² */
    public static Tensor tanh(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.TANH, x);
        return record("tanh", y, saves(y), g -> new Tensor[] {g.mul(y.mul(y).rsub(1f))}, x);
    }

    /** f = 1/(1+e⁻ˣ),   f' = σ(x)(1 − σ(x)) = y(1 − y) */
    public static Tensor sigmoid(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.SIGMOID, x);
        return record("sigmoid", y, saves(y), g -> new Tensor[] {g.mul(y.mul(y.rsub(1f)))}, x);
    }

    /** f = max(x, 0),   f' = [x &gt; 0]   (0 at 0, as PyTorch) */
    public static Tensor relu(Tensor x) {
        Tensor y = x.backend().unary(UnaryOp.RELU, x);
        return record("relu", y, saves(x), g -> new Tensor[] {g.mul(step(x))}, x);
    }

    /** f = x if x &gt; 0 else s·x,   f' = [x &gt; 0] + s·[x ≤ 0] = s + (1 − s)·[x &gt; 0] */
    public static Tensor leakyRelu(Tensor x, float slope) {
        Tensor y = x.backend().leakyRelu(x, slope);
        return record("leaky_relu", y, saves(x), g -> new Tensor[] {g.mul(step(x).mul(1f - slope).add(slope))}, x);
    }

    /** sign(x) ∈ {−1, 0, 1}; piecewise constant, so it records no graph (its derivative is 0 almost everywhere). */
    public static Tensor sign(Tensor x) {
        return x.backend().unary(UnaryOp.SIGN, x);
    }

    /** [x &gt; 0] as 1 or 0; piecewise constant, records no graph. */
    public static Tensor step(Tensor x) {
        return x.backend().unary(UnaryOp.STEP, x);
    }
}
