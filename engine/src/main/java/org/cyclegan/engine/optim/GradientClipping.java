package org.cyclegan.engine.optim;

import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;

/**
 * {@code torch.nn.utils.clip_grad_norm_} with the L2 norm: the parameters' gradients are seen as one vector, and when
 * its length exceeds {@code maxNorm} every gradient is scaled by {@code maxNorm / (norm + 1e-6)}, so the direction of
 * the update is kept and only its size bounded.
 * <pre>
 *   norm = sqrt(Σ_p Σ_i g_p,i²)          g_p ← g_p · min(1, maxNorm / (norm + 1e-6))
 * </pre>
 */
public final class GradientClipping {
    /** PyTorch's guard against dividing by a zero norm, which also leaves the clipped norm just under maxNorm. */
    static final double EPS = 1e-6;

    private GradientClipping() {}

    /**
     * The global L2 norm of the gradients of {@code params} (parameters without one count as zero). The squares are
     * summed on the gradients' backend and read once: one device-to-host read per call, not one per parameter.
     */
    public static double norm(List<Tensor> params) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor total = null;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor squares = g.mul(g);
                Tensor sum = squares.sum();
                MemoryScope.done(squares);   // a gradient-sized temporary: freed now, not at the step's end
                if (total == null) {
                    total = sum;
                } else {
                    Tensor next = total.add(sum);
                    MemoryScope.done(total);
                    MemoryScope.done(sum);
                    total = next;
                }
            }
            if (total == null) return 0;
            double sumOfSquares = total.item();
            MemoryScope.done(total);
            return Math.sqrt(sumOfSquares);
        }
    }

    /**
     * Scales the gradients of {@code params} so that their global L2 norm is at most {@code maxNorm}; returns the norm
     * they had before. A norm that is not finite is left alone (and returned), so the caller sees it.
     */
    public static double clip(List<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clip_grad_norm: the maximum norm must be > 0, got " + maxNorm);
        double norm = norm(params);
        double coefficient = maxNorm / (norm + EPS);
        if (coefficient < 1 && Double.isFinite(norm)) {
            for (Tensor p : params) p.scaleGrad((float) coefficient);
        }
        return norm;
    }
}
