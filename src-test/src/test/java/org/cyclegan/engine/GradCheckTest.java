package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.autograd.GradCheckInputs;
import org.cyclegan.engine.autograd.OpCatalog;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A finite-difference gradient check for every op, in double precision (on the float64 reference backend, as
 * {@code torch.autograd.gradcheck} on float64 tensors): one test per first-order case of {@link OpCatalog}, with
 * {@link GradCheck}'s tolerances (argued at {@link GradCheck#EPS}).
 */
class GradCheckTest {
    final GradCheckInputs in = new GradCheckInputs(42);

    @TestFactory Stream<DynamicTest> everyOp() {
        return OpCatalog.firstOrder().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradCheck.Report r = c.check();
            assertTrue(r.checked() > 0, c.name() + ": nothing was checked");
            assertTrue(r.float64(), c.name() + ": checked in float64");
            assertTrue(r.passed(), c.name() + ": gradient mismatch, worst at " + r.worst() + " (error/allowed = " + r.maxRatio() + ")");
        }));
    }

    @Test void everyCaseIsOfItsListsOrderAndNamedOnceInIt() {
        for (int order = 1; order <= 2; order++) {
            List<OpCatalog.Case> cases = order == 1 ? OpCatalog.firstOrder() : OpCatalog.secondOrder();
            assertEquals(cases.size(), cases.stream().map(OpCatalog.Case::name).distinct().count(), "case names are unique");
            int o = order;
            assertTrue(cases.stream().allMatch(c -> c.order() == o));
        }
    }

    @Test void dropoutKeepsScaledValuesAndIsTheIdentityInEvaluation() {
        // Its gradient is checked in the catalogue; here what the check cannot see.
        Tensor y = F.dropout(Tensor.ones(1000), 0.5f, true, new Random(3));
        float[] v = y.toArray();
        int kept = 0;
        for (float f : v) {
            assertTrue(f == 0f || f == 2f, "dropout keeps scaled values 1/(1-p) = 2 or zeros, got " + f);
            if (f != 0f) kept++;
        }
        assertTrue(kept > 430 && kept < 570, "about half kept, got " + kept);
        Tensor x = Tensor.ones(10);
        assertEquals(x, F.dropout(x, 0.5f, false, new Random(3)), "evaluation mode is the identity");
    }

    @Test void bceWithLogits_atZeroUsesTheTrueDerivative() {
        Tensor x = Tensor.zeros(4).requiresGrad(true);
        F.bceWithLogits(x, Tensor.zeros(4)).backward();
        for (float g : x.grad().toArray()) assertEquals(0.5f / 4, g, 1e-7f, "d/dx at 0 is (σ(0) − 0)/n");
    }

    @Test void gradCheckItselfCatchesAWrongDerivative() {
        // A deliberately wrong op (forward x², backward claiming 3x) must fail the check, or the check proves nothing.
        Function<List<Tensor>, Tensor> wrong = x -> Autograd.record("wrong_square",
                x.get(0).detach().mul(x.get(0).detach()), Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach()).mul(3f)}, x.get(0));
        GradCheck.Report r = GradCheck.check(wrong, List.of(in.randn(3, 3)));
        assertFalse(r.passed(), "a wrong derivative must be caught");
    }

    /** x², whose backward claims 2x·(1 + error): a rule off by a relative {@code error}. */
    private static Function<List<Tensor>, Tensor> squareOffBy(float error) {
        return x -> Autograd.record("square_off_by_" + error, x.get(0).detach().mul(x.get(0).detach()), Autograd.saves(x.get(0)),
                g -> new Tensor[] {g.mul(x.get(0).detach()).mul(2f * (1f + error))}, x.get(0));
    }

    @Test void doublePrecisionCatchesAnErrorThatFloat32CannotSee() {
        // Off by 0.5 %: inside float32's rtol of 1e-2, outside double's 1e-3. The same rule, the same inputs.
        Function<List<Tensor>, Tensor> f = squareOffBy(5e-3f);
        List<Tensor> xs = List.of(in.randn(3, 3));
        GradCheck.Report float32 = GradCheck.check(f, xs, 1e-2, 1e-3, 1e-2);
        assertFalse(float32.float64(), "on the float32 reference backend");
        assertTrue(float32.passed(), "float32's tolerances must let it through, or this shows nothing: " + float32);
        GradCheck.Report float64 = GradCheck.check(f, xs);
        assertTrue(float64.float64());
        assertFalse(float64.passed(), "the double-precision check must catch it: " + float64);
        assertTrue(float64.maxRatio() > 2, "by a margin: " + float64);
    }

    @Test void inDoubleTheRightRuleAgreesToFarBelowTheTolerance() {
        // The exact rule 2x: in double the numeric derivative of x² is exact up to rounding, about 1e-10 here.
        GradCheck.Report r = GradCheck.check(squareOffBy(0f), List.of(in.randn(3, 3)));
        assertTrue(r.passed() && r.float64(), r.toString());
        assertTrue(r.maxAbsError() < 1e-8, "double, not float32, rounding: " + r);
    }

    @Test void theCheckLeavesTheDefaultBackendAndTheInputsAsTheyWere() {
        Backend before = Backends.getDefault();
        Tensor x = in.randn(2, 3);
        GradCheck.check(t -> t.get(0).tanh().add(Tensor.ones(2, 3)), List.of(x));
        assertTrue(before == Backends.getDefault(), "the default backend is restored");
        assertTrue(x.backend() == before && x.grad() == null, "the inputs are copied, not moved or accumulated into");
    }

    @Test void aNaNGradientFailsTheCheck() {
        // x² whose backward returns NaN: a comparison with NaN is false, so it must not count as within tolerance.
        Function<List<Tensor>, Tensor> nan = x -> Autograd.record("nan_square",
                x.get(0).detach().mul(x.get(0).detach()), Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(Float.NaN)}, x.get(0));
        GradCheck.Report r = GradCheck.check(nan, List.of(in.randn(3, 3)));
        assertFalse(r.passed(), "a NaN gradient must be caught: " + r);
        assertEquals(9, r.checked());
    }

    @Test void theWorstElementIsNamedEvenWhenEveryElementAgreesExactly() {
        GradCheck.Report r = GradCheck.check(x -> x.get(0).neg(), List.of(in.randn(2, 2)));
        assertTrue(r.passed());
        assertTrue(r.worst().input() == 0 && r.worst().shape().equals("[2, 2]"), r.worst().toString());
    }
}
