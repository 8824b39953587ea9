package org.cyclegan.engine.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Checks an op's backward against central finite differences, as {@code torch.autograd.gradcheck} does.
 *
 * <p>The function's output y is reduced to a scalar L = Σ y·r with a fixed random r, so every output element
 * contributes with its own weight. For each input element x_j that requires grad, the numeric derivative
 * (L(x_j + ε) − L(x_j − ε)) / 2ε, accumulated in double, must match the analytic ∂L/∂x_j from backward() within
 * {@code atol + rtol·|numeric|}. The forward is float32, so ε and the tolerances must allow for its rounding;
 * callers state them.
 */
public final class GradCheck {
    private GradCheck() {}

    /** The worst disagreement found. */
    public record Report(double maxAbsError, double maxRatio, String worst, int checked) {
        /** True when every element was within tolerance (ratio = error / allowed ≤ 1). */
        public boolean passed() {
            return maxRatio <= 1.0;
        }
    }

    /**
     * Runs the check. {@code inputs} with requiresGrad are differentiated; the others are held constant.
     * {@code f} must be deterministic (seed any randomness inside it).
     */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        // Analytic gradients from one backward pass with seed r.
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) leaves.add(Tensor.of(t.backend(), t.toArray(), t.shape()).requiresGrad(t.requiresGrad()));
        Tensor y = f.apply(leaves);
        float[] r = new float[y.numel()];
        Random rng = new Random(1234);
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        y.backward(Tensor.of(y.backend(), r, y.shape()));

        double maxAbs = 0, maxRatio = 0;
        String worst = "none";
        int checked = 0;
        for (int k = 0; k < inputs.size(); k++) {
            if (!inputs.get(k).requiresGrad()) continue;
            Tensor leafGrad = leaves.get(k).grad();
            float[] analytic = leafGrad == null ? new float[inputs.get(k).numel()] : leafGrad.toArray();
            float[] base = inputs.get(k).toArray();
            for (int j = 0; j < base.length; j++) {
                double plus = perturbedLoss(f, inputs, k, base, j, (float) eps, r);
                double minus = perturbedLoss(f, inputs, k, base, j, (float) -eps, r);
                // Divide by the step actually taken in float32, not the nominal 2ε.
                double step = (double) (base[j] + (float) eps) - (double) (base[j] - (float) eps);
                double numeric = (plus - minus) / step;
                double err = Math.abs(numeric - analytic[j]);
                double ratio = err / (atol + rtol * Math.abs(numeric));
                checked++;
                maxAbs = Math.max(maxAbs, err);
                if (ratio > maxRatio) {
                    maxRatio = ratio;
                    worst = "input " + k + " " + Shape.str(inputs.get(k).shape()) + " element " + j
                            + ": analytic " + analytic[j] + ", numeric " + numeric;
                }
            }
        }
        return new Report(maxAbs, maxRatio, worst, checked);
    }

    private static double perturbedLoss(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, int k, float[] base,
                                        int j, float delta, float[] r) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (i == k) {
                float[] p = base.clone();
                p[j] += delta;
                xs.add(Tensor.of(t.backend(), p, t.shape()));
            } else {
                xs.add(t.detach());
            }
        }
        float[] y;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            y = f.apply(xs).toArray();
        }
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) y[i] * r[i];
        return l;
    }
}
