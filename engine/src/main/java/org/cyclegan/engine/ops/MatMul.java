package org.cyclegan.engine.ops;

import static org.cyclegan.engine.autograd.Autograd.record;
import static org.cyclegan.engine.autograd.Autograd.saves;
import static org.cyclegan.engine.autograd.Autograd.wantsGradient;

import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/** Matrix product of 2-D tensors. Its backward rules are products again, so they are differentiable. */
public final class MatMul {
    private MatMul() {}

    /** C = A·B with A [M, K], B [K, N].   ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /**
     * C = op(A)·op(B), op transposing when asked. The backward of each of the four cases is again a product with
     * transposes, derived from the untransposed rule by transposing both sides:
     * <pre>
     *   C = A B    : dA = G Bᵀ      dB = Aᵀ G
     *   C = A Bᵀ   : dA = G B       dB = Gᵀ A
     *   C = Aᵀ B   : dA = B Gᵀ      dB = A G
     *   C = Aᵀ Bᵀ  : dA = Bᵀ Gᵀ     dB = Gᵀ Aᵀ
     * </pre>
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        Checks.sameBackend("matmul", a, b);
        Checks.rank("matmul", "left operand", a, 2);
        Checks.rank("matmul", "right operand", b, 2);
        int ka = ta ? a.dim(0) : a.dim(1);
        int kb = tb ? b.dim(1) : b.dim(0);
        if (ka != kb) {
            throw Checks.error("matmul", "inner dimensions differ: " + Shape.str(a.shape()) + (ta ? "ᵀ" : "") + " · " + Shape.str(b.shape()) + (tb ? "ᵀ" : ""));
        }
        Tensor c = a.backend().matmul(a, b, ta, tb);
        return record("matmul", c, saves(a, b), g -> new Tensor[] {
                wantsGradient(a) ? gradientOfLeft(g, b, ta, tb) : null,
                wantsGradient(b) ? gradientOfRight(g, a, ta, tb) : null}, a, b);
    }

    private static Tensor gradientOfLeft(Tensor g, Tensor b, boolean ta, boolean tb) {
        if (!ta) return matmul(g, b, false, !tb);   // G Bᵀ, or G B
        return tb ? matmul(b, g, true, true) : matmul(b, g, false, true);   // Bᵀ Gᵀ, or B Gᵀ
    }

    private static Tensor gradientOfRight(Tensor g, Tensor a, boolean ta, boolean tb) {
        if (!tb) return matmul(a, g, !ta, false);   // Aᵀ G, or A G
        return ta ? matmul(g, a, true, true) : matmul(g, a, true, false);   // Gᵀ Aᵀ, or Gᵀ A
    }
}
