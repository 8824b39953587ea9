package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.autograd.GradCheckInputs;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.autograd.OpCatalog;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A finite-difference check of the second derivatives, as {@code torch.autograd.gradgradcheck}, for every op on a
 * gradient penalty's path, in double precision (on the float64 reference backend): one test per second-order case of {@link OpCatalog},
 * the gradient of ⟨grad(f, x; seed v), r⟩ with respect to x and to v, recorded by {@code Autograd.grad} with
 * createGraph, against central differences of first-order gradients, with {@link GradCheck}'s tolerances (the first
 * order's, argued at {@link GradCheck#EPS} for second order too).
 */
class GradGradCheckTest {
    final GradCheckInputs in = new GradCheckInputs(7);

    @TestFactory Stream<DynamicTest> everyOpOnThePenaltysPath() {
        return OpCatalog.secondOrder().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            List<Tensor> inputs = c.draw();
            GradCheck.Report r = c.check(inputs);
            int inputElements = 0, seedElements;
            for (Tensor x : inputs) if (x.requiresGrad()) inputElements += x.numel();
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                seedElements = c.f().apply(inputs).numel();
            }
            assertTrue(r.float64(), c.name() + ": checked in float64");
            assertEquals(inputElements + seedElements, r.checked(), c.name() + ": every element of every input and of the seed is checked");
            assertTrue(r.passed(), c.name() + ": second-order gradient mismatch, worst at " + r.worst() + " (error/allowed = " + r.maxRatio() + ")");
        }));
    }

    // ---- the check itself --------------------------------------------------------------------------------------------

    @Test void theCheckCatchesARuleWhoseBackwardIsRightButNotDifferentiable() {
        // x² with the backward 2x·g computed from a detached x: right to first order, but it records no dependence on x,
        // so its second derivative comes out 0 instead of 2.
        Function<List<Tensor>, Tensor> opaque = x -> Autograd.record("opaque_square", x.get(0).detach().mul(x.get(0).detach()),
                Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach().mul(2f))}, x.get(0));
        assertTrue(GradCheck.check(opaque, List.of(in.randn(3, 3))).passed(), "first order is right");
        GradCheck.Report r = GradCheck.checkSecondOrder(opaque, List.of(in.randn(3, 3)));
        assertFalse(r.passed(), "a rule that is not differentiable must be caught at second order");
    }
}
