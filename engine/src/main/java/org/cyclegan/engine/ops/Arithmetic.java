package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;
import static org.cyclegan.engine.autograd.Autograd.wantsGradient;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.BinaryOp;

/**
 * The four arithmetic operations with NumPy broadcasting, and their scalar forms.
 *
 * <p>Broadcasting copies an input along some dimensions, so its gradient is the output gradient summed back over those
 * dimensions: that is all {@code sumTo} does in the backward functions below.
 *
 * <p>Every backward rule here is composed of differentiable ops (sumTo, neg, mul, div), so {@code Autograd.grad} with
 * createGraph records it and it is differentiated again (checked by the second-order gradient check). Each rule computes
 * only the input gradients the running pass wants ({@code Autograd.wantsGradient}).
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** y = a + b.   ∂y/∂a = 1, ∂y/∂b = 1. */
    public static Tensor add(Tensor a, Tensor b) {
        Tensor y = binary("add", BinaryOp.ADD, a, b);
        return record("add", y, saves(), g -> new Tensor[] {
                wantsGradient(a) ? g.sumTo(a.shape()) : null,
                wantsGradient(b) ? g.sumTo(b.shape()) : null}, a, b);
    }

    /** y = a − b.   ∂y/∂a = 1, ∂y/∂b = −1. */
    public static Tensor sub(Tensor a, Tensor b) {
        Tensor y = binary("sub", BinaryOp.SUB, a, b);
        return record("sub", y, saves(), g -> new Tensor[] {
                wantsGradient(a) ? g.sumTo(a.shape()) : null,
                wantsGradient(b) ? g.neg().sumTo(b.shape()) : null}, a, b);
    }

    /** y = a · b.   ∂y/∂a = b, ∂y/∂b = a. */
    public static Tensor mul(Tensor a, Tensor b) {
        Tensor y = binary("mul", BinaryOp.MUL, a, b);
        boolean needA = a.requiresGrad(), needB = b.requiresGrad();
        return record("mul", y, saves(needB ? a : null, needA ? b : null), g -> new Tensor[] {
                needA && wantsGradient(a) ? g.mul(b).sumTo(a.shape()) : null,
                needB && wantsGradient(b) ? g.mul(a).sumTo(b.shape()) : null}, a, b);
    }

    /** y = a / b.   ∂y/∂a = 1/b, ∂y/∂b = −a/b² = −y/b. */
    public static Tensor div(Tensor a, Tensor b) {
        Tensor y = binary("div", BinaryOp.DIV, a, b);
        boolean needB = b.requiresGrad();
        return record("div", y, saves(b, needB ? y : null), g -> new Tensor[] {
                wantsGradient(a) ? g.div(b).sumTo(a.shape()) : null,
                needB && wantsGradient(b) ? g.mul(y).div(b).neg().sumTo(b.shape()) : null}, a, b);
    }

    /** y = x + s.   ∂y/∂x = 1. */
    public static Tensor addScalar(Tensor x, float s) {
        Tensor y = x.backend().binaryScalar(BinaryOp.ADD, x, s);
        return record("add_scalar", y, saves(), g -> new Tensor[] {g}, x);
    }

    /** y = x · s.   ∂y/∂x = s. */
    public static Tensor mulScalar(Tensor x, float s) {
        Tensor y = x.backend().binaryScalar(BinaryOp.MUL, x, s);
        return record("mul_scalar", y, saves(), g -> new Tensor[] {g.mul(s)}, x);
    }

    private static Tensor binary(String op, BinaryOp kind, Tensor a, Tensor b) {
        Checks.sameBackend(op, a, b);
        Shape.broadcast(op, a.shape(), b.shape());   // throws with both shapes when they do not broadcast
        return a.backend().binary(kind, a, b);
    }
}
