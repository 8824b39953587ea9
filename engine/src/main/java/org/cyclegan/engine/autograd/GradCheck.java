package org.cyclegan.engine.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/**
 * Checks an op's backward against central finite differences, as {@code torch.autograd.gradcheck} does, and the
 * backward of its backward, as {@code torch.autograd.gradgradcheck} does.
 *
 * <p>First order ({@link #check}): the function's output y is reduced to a scalar L = Σ y·r with a fixed random r, so
 * every output element contributes with its own weight. For each input element x_j that requires grad, the numeric
 * derivative (L(x_j + ε) − L(x_j − ε)) / 2ε, accumulated in double, must match the analytic ∂L/∂x_j from backward()
 * within {@code atol + rtol·|numeric|}. The forward is float32, so ε and the tolerances must allow for its rounding
 * ({@link #EPS}, {@link #ATOL}, {@link #RTOL}: what {@link OpCatalog}'s cases are checked with). This is not PyTorch's
 * double-precision gradcheck: the engine computes in float32 only, so the differences are of float32 losses, taken and
 * divided in double.
 *
 * <p>Second order ({@link #checkSecondOrder}): with a random seed v for y, the first-order gradients
 * g_k = grad(y, v) with respect to each input are reduced to L₂ = Σ_k ⟨g_k, r_k⟩ with fixed random r_k. Its analytic
 * gradient, with respect to each input and to v, comes from {@code Autograd.grad} with createGraph and a backward
 * through the recorded gradients; its numeric one from central differences of L₂, each L₂ computed with
 * {@code Autograd.grad} without createGraph (a first-order pass that records nothing). So every second derivative the rules record is checked against their own first derivatives.
 */
public final class GradCheck {
    /**
     * The step of the central differences. With ε = 1e-2 the float32 rounding of L = Σ y·r contributes about 1e-5 and
     * the O(ε²) truncation about 1e-4 relative, so a wrong derivative (off by a factor, a sign, a missing term) fails
     * by orders of magnitude. Inputs of ops with kinks (relu, abs, …) must stay at least 0.05 away from the kink, so no
     * finite difference straddles it ({@link GradCheckInputs#awayFromZero}).
     *
     * <p>At second order the differences are of float32 first-order gradients, whose rounding (about 1e-6 of their
     * size) divided by 2ε stays near 1e-4; the O(ε²) truncation error grows with the third derivative, which is why the
     * normalizations (whose derivatives grow as 1/σ) are checked on inputs with a spread of about 1.
     */
    public static final double EPS = 1e-2;
    /** An element passes when |analytic − numeric| ≤ {@code ATOL + RTOL·|numeric|}; see {@link #EPS} for why. */
    public static final double ATOL = 1e-3;
    /** See {@link #ATOL}. */
    public static final double RTOL = 1e-2;

    private GradCheck() {}

    /** The worst disagreement found. */
    public record Report(double maxAbsError, double maxRatio, Worst worst, int checked) {
        /** True when every element was within tolerance (ratio = error / allowed ≤ 1). */
        public boolean passed() {
            return maxRatio <= 1.0;
        }
    }

    /**
     * The element with the largest error/allowed ratio: element {@code element} (flat, row-major) of input
     * {@code input} (its position in the inputs; at second order the seed comes after the last), of shape {@code shape}.
     */
    public record Worst(int input, String shape, int element, double analytic, double numeric) {
        static final Worst NONE = new Worst(-1, "", -1, 0, 0);

        @Override public String toString() {
            return input < 0 ? "none" : "input " + input + " " + shape + " element " + element + ": analytic " + (float) analytic + ", numeric " + numeric;
        }
    }

    /** {@link #check} with {@link #EPS}, {@link #ATOL} and {@link #RTOL}. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, EPS, ATOL, RTOL);
    }

    /** {@link #checkSecondOrder} with {@link #EPS}, {@link #ATOL} and {@link #RTOL}. */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return checkSecondOrder(f, inputs, EPS, ATOL, RTOL);
    }

    /**
     * Runs the first-order check. {@code inputs} with requiresGrad are differentiated; the others are held constant.
     * {@code f} must be deterministic (seed any randomness inside it).
     */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        // Analytic gradients from one backward pass with seed r.
        List<Tensor> leaves = leavesLike(inputs);
        Tensor y = f.apply(leaves);
        Random rng = new Random(1234);
        float[] r = gaussian(rng, y.numel());
        y.backward(Tensor.of(y.backend(), r, y.shape()));
        float[][] analytic = new float[inputs.size()][];
        for (int k = 0; k < inputs.size(); k++) analytic[k] = gradOrZeros(leaves.get(k));
        return compare(inputs, analytic, xs -> {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                return dot(f.apply(xs), r);
            }
        }, eps, atol, rtol);
    }

    /**
     * Runs the second-order check: the gradient of L₂ = Σ_k ⟨grad(f, x_k; seed v), r_k⟩ with respect to every input
     * that requires grad and to the seed v, against finite differences of L₂. {@code f} as for {@link #check}. The
     * report names the seed as the input after the last of {@code inputs}.
     */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        Random rng = new Random(1234);
        int[] yShape;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            yShape = f.apply(leavesLike(inputs)).shape();
        }
        Tensor backendOf = inputs.get(0);
        List<Tensor> withSeed = new ArrayList<>(inputs);
        withSeed.add(Tensor.of(backendOf.backend(), gaussian(rng, Shape.numel(yShape)), yShape).requiresGrad(true));
        List<float[]> r = new ArrayList<>();
        for (Tensor t : inputs) r.add(t.requiresGrad() ? gaussian(rng, t.numel()) : null);

        List<Tensor> leaves = leavesLike(withSeed);
        Tensor l2 = null;   // Σ_k ⟨g_k, r_k⟩ as a tensor of the graph
        Tensor[] g = firstOrderGradients(f, leaves, r, true);
        for (int k = 0, d = 0; k < inputs.size(); k++) {
            if (r.get(k) == null) continue;
            Tensor gk = g[d++];
            if (gk == null) continue;
            Tensor term = gk.mul(Tensor.of(gk.backend(), r.get(k), gk.shape())).sum();
            l2 = l2 == null ? term : l2.add(term);
        }
        if (l2 != null && l2.requiresGrad()) l2.backward();
        float[][] analytic = new float[withSeed.size()][];
        for (int k = 0; k < withSeed.size(); k++) analytic[k] = gradOrZeros(leaves.get(k));
        return compare(withSeed, analytic, xs -> {
            Tensor[] gx = firstOrderGradients(f, xs, r, false);
            double l = 0;
            for (int k = 0, d = 0; k < inputs.size(); k++) {
                if (r.get(k) == null) continue;
                Tensor gk = gx[d++];
                if (gk != null) l += dot(gk, r.get(k));
            }
            return l;
        }, eps, atol, rtol);
    }

    /**
     * grad(f(x), v) with respect to each input that has an r_k, v the last of {@code xs} (nulls where no gradient
     * reaches one, all null when f's output does not require grad).
     */
    private static Tensor[] firstOrderGradients(Function<List<Tensor>, Tensor> f, List<Tensor> xs, List<float[]> r, boolean createGraph) {
        List<Tensor> x = xs.subList(0, xs.size() - 1);
        List<Tensor> differentiated = new ArrayList<>();
        for (int k = 0; k < x.size(); k++) if (r.get(k) != null) differentiated.add(x.get(k));
        Tensor y = f.apply(x);
        if (!y.requiresGrad()) return new Tensor[differentiated.size()];
        return Autograd.grad(y, xs.get(xs.size() - 1), createGraph, differentiated.toArray(new Tensor[0]));
    }

    /**
     * The largest disagreement between {@code analytic} and central differences of {@code loss} over every element of
     * every input that requires grad.
     */
    private static Report compare(List<Tensor> inputs, float[][] analytic, ToDoubleFunction<List<Tensor>> loss,
                                  double eps, double atol, double rtol) {
        double maxAbs = 0, maxRatio = 0;
        Worst worst = Worst.NONE;
        int checked = 0;
        for (int k = 0; k < inputs.size(); k++) {
            if (!inputs.get(k).requiresGrad()) continue;
            float[] base = inputs.get(k).toArray();
            for (int j = 0; j < base.length; j++) {
                double plus = loss.applyAsDouble(perturbed(inputs, k, base, j, (float) eps));
                double minus = loss.applyAsDouble(perturbed(inputs, k, base, j, (float) -eps));
                // Divide by the step actually taken in float32, not the nominal 2ε.
                double step = (double) (base[j] + (float) eps) - (double) (base[j] - (float) eps);
                double numeric = (plus - minus) / step;
                double err = Math.abs(numeric - analytic[k][j]);
                double ratio = err / (atol + rtol * Math.abs(numeric));
                if (Double.isNaN(ratio)) ratio = Double.POSITIVE_INFINITY;   // a NaN on either side is a failure, not a pass
                checked++;
                maxAbs = Math.max(maxAbs, err);
                if (ratio > maxRatio || worst == Worst.NONE) {
                    maxRatio = ratio;
                    worst = new Worst(k, Shape.str(inputs.get(k).shape()), j, analytic[k][j], numeric);
                }
            }
        }
        return new Report(maxAbs, maxRatio, worst, checked);
    }

    /** The inputs with element j of input k moved by {@code delta}: fresh leaves, requiring grad where the inputs do. */
    private static List<Tensor> perturbed(List<Tensor> inputs, int k, float[] base, int j, float delta) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (i == k) {
                float[] p = base.clone();
                p[j] += delta;
                xs.add(Tensor.of(t.backend(), p, t.shape()).requiresGrad(t.requiresGrad()));
            } else {
                xs.add(t.detach().requiresGrad(t.requiresGrad()));
            }
        }
        return xs;
    }

    /** Copies of the inputs as fresh leaves, so the check's backward accumulates into none of the caller's tensors. */
    private static List<Tensor> leavesLike(List<Tensor> inputs) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) leaves.add(Tensor.of(t.backend(), t.toArray(), t.shape()).requiresGrad(t.requiresGrad()));
        return leaves;
    }

    private static float[] gradOrZeros(Tensor leaf) {
        return leaf.grad() == null ? new float[leaf.numel()] : leaf.grad().toArray();
    }

    private static float[] gaussian(Random rng, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) rng.nextGaussian();
        return r;
    }

    private static double dot(Tensor y, float[] r) {
        float[] v = y.toArray();
        double l = 0;
        for (int i = 0; i < v.length; i++) l += (double) v[i] * r[i];
        return l;
    }
}
