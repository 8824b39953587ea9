package org.cyclegan.engine.backend.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.reference.ReferenceBackend;

/**
 * Runs kernel problems on a backend and on {@link ReferenceBackend} and compares the results, family by family. A
 * problem fails when its result has another shape, lives on another backend, holds a NaN,
 * differs by more than its tolerance, or when the kernel throws; the failure says which and by how much.
 */
public final class KernelCheck {
    private static final ReferenceBackend REF = new ReferenceBackend();

    private KernelCheck() {}

    /** What one family's problems showed: how many ran, the largest error and the bound (its problems share one), and each failure. */
    public record FamilyResult(String family, int problems, double largestError, double bound, List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /** Each family of {@code problems} on {@code backend}, in the order the families first appear. */
    public static List<FamilyResult> run(Backend backend, List<KernelProblem> problems) {
        Map<String, List<KernelProblem>> families = new LinkedHashMap<>();
        for (KernelProblem p : problems) families.computeIfAbsent(p.family(), k -> new ArrayList<>()).add(p);
        List<FamilyResult> results = new ArrayList<>();
        for (Map.Entry<String, List<KernelProblem>> e : families.entrySet()) {
            double largest = 0, bound = 0;
            List<String> failures = new ArrayList<>();
            for (KernelProblem p : e.getValue()) {
                bound = Math.max(bound, p.tolerance());
                try {
                    double err = error(p, backend);
                    if (!Double.isNaN(largest) && !(err <= largest)) largest = err;   // NaN, once seen, stays
                    if (!(err <= p.tolerance())) failures.add(String.format("%s: relative error %.3e exceeds %.1e", p.name(), err, p.tolerance()));
                } catch (RuntimeException ex) {
                    failures.add(p.name() + ": " + ex);
                }
            }
            results.add(new FamilyResult(e.getKey(), e.getValue().size(), largest, bound, failures));
        }
        return results;
    }

    /**
     * The relative error of the backend's result for {@code p}; every tensor it makes is freed before it returns.
     *
     * @throws IllegalStateException when the result has the wrong shape or lives on another backend
     */
    public static double error(KernelProblem p, Backend backend) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor expected = p.compute().apply(REF);
            Tensor actual = p.compute().apply(backend);
            if (!Arrays.equals(expected.shape(), actual.shape())) {
                throw new IllegalStateException("shape " + Shape.str(actual.shape()) + ", expected " + Shape.str(expected.shape()));
            }
            if (!actual.backend().name().equals(backend.name())) {
                throw new IllegalStateException("result on the " + actual.backend().name() + " backend, not on " + backend.name());
            }
            return relativeError(expected.toArray(), actual.toArray());
        }
    }

    /** max|actual − expected| / max|expected| (the max norm; max|actual − expected| when expected is all zero), NaN if actual holds one. */
    public static double relativeError(float[] expected, float[] actual) {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            if (Double.isNaN(actual[i])) return Double.NaN;
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }
}
