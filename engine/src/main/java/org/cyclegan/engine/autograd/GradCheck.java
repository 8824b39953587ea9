package org.cyclegan.engine.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.backend.Float64Access;
import org.cyclegan.engine.reference.Float64ReferenceBackend;

/**
 * Checks an op's backward against central finite differences, as {@code torch.autograd.gradcheck} does, and the
 * backward of its backward, as {@code torch.autograd.gradgradcheck} does, in double precision as PyTorch's do.
 *
 * <p>First order ({@link #check}): the function's output y is reduced to a scalar L = Σ y·r with a fixed random r, so
 * every output element contributes with its own weight. For each input element x_j that requires grad, the numeric
 * derivative (L(x_j + ε) − L(x_j − ε)) / 2ε must match the analytic ∂L/∂x_j from backward() within
 * {@code atol + rtol·|numeric|}.
 *
 * <p>Where it runs: {@link #check(Function, List)} and {@link #checkSecondOrder(Function, List)} run f on a
 * {@link Float64ReferenceBackend}: the inputs are copied there (when they live elsewhere), and it is the default backend
 * while the check runs, so the constants f makes ({@code Tensor.zeros}, …) are float64 tensors too. The inputs are set,
 * L and the differences are computed, and the analytic gradients are read, all in double, with PyTorch's tolerances
 * ({@link #EPS}, {@link #ATOL}, {@link #RTOL}: what {@link OpCatalog}'s cases are checked with). The overloads that take
 * ε and the tolerances run on the inputs' own backend, in its precision: in double on one that implements
 * {@link Float64Access}, in float32 on any other (how a fast backend is checked, with float32's looser tolerances).
 *
 * <p>Second order ({@link #checkSecondOrder}): with a random seed v for y, the first-order gradients
 * g_k = grad(y, v) with respect to each input are reduced to L₂ = Σ_k ⟨g_k, r_k⟩ with fixed random r_k. Its analytic
 * gradient, with respect to each input and to v, comes from {@code Autograd.grad} with createGraph and a backward
 * through the recorded gradients; its numeric one from central differences of L₂, each L₂ computed with
 * {@code Autograd.grad} without createGraph (a first-order pass that records nothing). So every second derivative the rules record is checked against their own first derivatives.
 */
public final class GradCheck {
    /**
     * The step of the central differences in double, PyTorch's. The rounding of L (about 1e-16 of it) divided by 2ε
     * stays near 1e-10 and the O(ε²) truncation near 1e-12, so the tolerances below are all margin: a derivative off by
     * more than 0.1 % fails, a wrong one (off by a factor, a sign, a missing term) by orders of magnitude. Inputs of ops
     * with kinks (relu, abs, …) stay at least 0.05 away from the kink ({@link GradCheckInputs#awayFromZero}), so no
     * difference straddles it. At second order the differences are of first-order gradients computed in double, with
     * the same margins.
     *
     * <p>In float32 (the overloads that take ε, on a float32 backend) this ε would drown in rounding: there ε = 1e-2,
     * atol 1e-3 and rtol 1e-2 are what this project's float32 checks use, the rounding of L contributing about 1e-5 and
     * the truncation about 1e-4 relative.
     */
    public static final double EPS = 1e-6;
    /** An element passes when |analytic − numeric| ≤ {@code ATOL + RTOL·|numeric|}; PyTorch's gradcheck defaults. */
    public static final double ATOL = 1e-5;
    /** See {@link #ATOL}. */
    public static final double RTOL = 1e-3;

    private GradCheck() {}

    /** The worst disagreement found, and whether the check ran in float64. */
    public record Report(double maxAbsError, double maxRatio, Worst worst, int checked, boolean float64) {
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
            return input < 0 ? "none" : "input " + input + " " + shape + " element " + element + ": analytic " + analytic + ", numeric " + numeric;
        }
    }

    /** The first-order check in double, on a float64 reference backend, with {@link #EPS}, {@link #ATOL} and {@link #RTOL}. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return inFloat64(inputs, xs -> check(f, xs, EPS, ATOL, RTOL));
    }

    /** The second-order check in double, on a float64 reference backend, with {@link #EPS}, {@link #ATOL} and {@link #RTOL}. */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return inFloat64(inputs, xs -> checkSecondOrder(f, xs, EPS, ATOL, RTOL));
    }

    /**
     * Runs {@code check} on copies of the inputs on a float64 backend (theirs, when they are on one already), with that
     * backend as the default meanwhile.
     */
    private static Report inFloat64(List<Tensor> inputs, Function<List<Tensor>, Report> check) {
        Backend own = inputs.get(0).backend();
        Backend f64 = own instanceof Float64Access ? own : new Float64ReferenceBackend();
        Backend previous = Backends.getDefault();
        Backends.setDefault(f64);
        try {
            List<Tensor> xs = new ArrayList<>();
            for (Tensor t : inputs) xs.add(t.backend() == f64 ? t : tensor(f64, values(t), t.shape()).requiresGrad(t.requiresGrad()));
            return check.apply(xs);
        } finally {
            Backends.setDefault(previous);
        }
    }

    /**
     * Runs the first-order check on the inputs' backend, in its precision. {@code inputs} with requiresGrad are
     * differentiated; the others are held constant. {@code f} must be deterministic (seed any randomness inside it).
     */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        // Analytic gradients from one backward pass with seed r.
        List<Tensor> leaves = leavesLike(inputs);
        Tensor y = f.apply(leaves);
        Random rng = new Random(1234);
        double[] r = gaussian(rng, y.numel());
        y.backward(tensor(y.backend(), r, y.shape()));
        double[][] analytic = new double[inputs.size()][];
        for (int k = 0; k < inputs.size(); k++) analytic[k] = gradOrZeros(leaves.get(k));
        return compare(inputs, analytic, xs -> {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                return dot(f.apply(xs), r);
            }
        }, eps, atol, rtol);
    }

    /**
     * Runs the second-order check on the inputs' backend, in its precision: the gradient of
     * L₂ = Σ_k ⟨grad(f, x_k; seed v), r_k⟩ with respect to every input that requires grad and to the seed v, against
     * finite differences of L₂. {@code f} as for {@link #check}. The report names the seed as the input after the last
     * of {@code inputs}.
     */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol, double rtol) {
        Random rng = new Random(1234);
        int[] yShape;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            yShape = f.apply(leavesLike(inputs)).shape();
        }
        Backend backend = inputs.get(0).backend();
        List<Tensor> withSeed = new ArrayList<>(inputs);
        withSeed.add(tensor(backend, gaussian(rng, Shape.numel(yShape)), yShape).requiresGrad(true));
        List<double[]> r = new ArrayList<>();
        for (Tensor t : inputs) r.add(t.requiresGrad() ? gaussian(rng, t.numel()) : null);

        List<Tensor> leaves = leavesLike(withSeed);
        Tensor l2 = null;   // Σ_k ⟨g_k, r_k⟩ as a tensor of the graph
        Tensor[] g = firstOrderGradients(f, leaves, r, true);
        for (int k = 0, d = 0; k < inputs.size(); k++) {
            if (r.get(k) == null) continue;
            Tensor gk = g[d++];
            if (gk == null) continue;
            Tensor term = gk.mul(tensor(gk.backend(), r.get(k), gk.shape())).sum();
            l2 = l2 == null ? term : l2.add(term);
        }
        if (l2 != null && l2.requiresGrad()) l2.backward();
        double[][] analytic = new double[withSeed.size()][];
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
    private static Tensor[] firstOrderGradients(Function<List<Tensor>, Tensor> f, List<Tensor> xs, List<double[]> r, boolean createGraph) {
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
    private static Report compare(List<Tensor> inputs, double[][] analytic, ToDoubleFunction<List<Tensor>> loss,
                                  double eps, double atol, double rtol) {
        double maxAbs = 0, maxRatio = 0;
        Worst worst = Worst.NONE;
        int checked = 0;
        Backend backend = inputs.get(0).backend();
        for (int k = 0; k < inputs.size(); k++) {
            if (!inputs.get(k).requiresGrad()) continue;
            double[] base = values(inputs.get(k));
            for (int j = 0; j < base.length; j++) {
                double up = stored(backend, base[j] + eps), down = stored(backend, base[j] - eps);
                double plus = loss.applyAsDouble(perturbed(inputs, k, base, j, up));
                double minus = loss.applyAsDouble(perturbed(inputs, k, base, j, down));
                // Divide by the step actually taken (in float32, x ± ε rounds), not the nominal 2ε.
                double numeric = (plus - minus) / (up - down);
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
        return new Report(maxAbs, maxRatio, worst, checked, backend instanceof Float64Access);
    }

    /** The inputs with element j of input k set to {@code value}: fresh leaves, requiring grad where the inputs do. */
    private static List<Tensor> perturbed(List<Tensor> inputs, int k, double[] base, int j, double value) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (i == k) {
                double[] p = base.clone();
                p[j] = value;
                xs.add(tensor(t.backend(), p, t.shape()).requiresGrad(t.requiresGrad()));
            } else {
                xs.add(t.detach().requiresGrad(t.requiresGrad()));
            }
        }
        return xs;
    }

    /** Copies of the inputs as fresh leaves, so the check's backward accumulates into none of the caller's tensors. */
    private static List<Tensor> leavesLike(List<Tensor> inputs) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) leaves.add(tensor(t.backend(), values(t), t.shape()).requiresGrad(t.requiresGrad()));
        return leaves;
    }

    // ---- values in the backend's precision ------------------------------------------------------------------------

    /** The tensor's values: every bit of them on a float64 backend, float32 values widened on any other. */
    private static double[] values(Tensor t) {
        if (t.backend() instanceof Float64Access d) return d.downloadDouble(t.storage());
        float[] f = t.toArray();
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) v[i] = f[i];
        return v;
    }

    /** A tensor of {@code values} on {@code backend}: exactly them on a float64 backend, rounded to float on any other. */
    private static Tensor tensor(Backend backend, double[] values, int[] shape) {
        if (backend instanceof Float64Access d) return Tensor.wrap(backend, d.uploadDouble(values), shape);
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return Tensor.of(backend, f, shape);
    }

    /** What {@code backend} stores for {@code value}. */
    private static double stored(Backend backend, double value) {
        return backend instanceof Float64Access ? value : (float) value;
    }

    private static double[] gradOrZeros(Tensor leaf) {
        return leaf.grad() == null ? new double[leaf.numel()] : values(leaf.grad());
    }

    /** Standard normal weights, float32 values so that every backend holds them exactly. */
    private static double[] gaussian(Random rng, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = (float) rng.nextGaussian();
        return r;
    }

    private static double dot(Tensor y, double[] r) {
        double[] v = values(y);
        double l = 0;
        for (int i = 0; i < v.length; i++) l += v[i] * r[i];
        return l;
    }
}
