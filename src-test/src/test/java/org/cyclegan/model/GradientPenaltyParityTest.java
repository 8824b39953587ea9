package org.cyclegan.model;

import static org.cyclegan.testing.Fixtures.floatParam;
import static org.cyclegan.testing.Fixtures.intParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.testing.Close;
import org.cyclegan.testing.Fixtures;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The WGAN-GP gradient penalty of a PatchGAN discriminator against PyTorch's {@code torch.autograd.grad(create_graph=True)}
 * ({@code src-test/fixtures/generate_gradient_penalty_fixtures.py}, the reference's {@code cal_gradient_penalty} with
 * its interpolation weights stored): the gradient of D at the interpolates, the penalty, its gradient with respect to
 * the interpolates and to every parameter of D, and the WGAN loss plus the penalty with its parameter gradients. Each
 * case runs on the reference, cpu and opencl backends (opencl skipped without a device unless {@code REQUIRE_OPENCL=1}),
 * inside a memory scope, so the release rules hold through the second backward.
 *
 * <p>Tolerance: a relative error of {@value #TOL} (max|ours − torch| / max|torch|, per tensor), as the network parity
 * test. The generator refuses a case where PyTorch's own float32 results are more than 3e-5 from a float64 run, so
 * 1e-4 is float32 rounding on both sides with a margin; a missing second-order term (an opaque rule recording no graph)
 * changes the parameter gradients by far more (their whole size, for the normalizations). The parameters whose gradient
 * is zero in exact arithmetic ({@code zero_penalty_grad_keys}, {@code zero_loss_D_grad_keys}: the last bias, biases an
 * instance norm cancels, shifts that only move a leaky relu's kink) hold rounding noise on both sides: both must be
 * negligible against the largest gradient instead.
 */
class GradientPenaltyParityTest {
    static final double TOL = 1e-4;
    static final Map<String, String> WORST = new TreeMap<>();

    @AfterAll
    static void report() {
        WORST.forEach((c, w) -> System.out.printf("gradient penalty parity %-40s largest relative error %s%n", c, w));
    }

    @TestFactory Stream<DynamicTest> penaltyAndItsGradientsMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : Fixtures.load("gradient_penalty").cases()) {
            String name = (String) c.get("name");
            tests.add(DynamicTest.dynamicTest(name + " on reference", () -> run(c, "reference", ReferenceBackend::new)));
            tests.add(DynamicTest.dynamicTest(name + " on cpu", () -> run(c, "cpu", () -> new CpuBackend(2))));
            tests.add(DynamicTest.dynamicTest(name + " on opencl", () -> run(c, "opencl", () -> new OpenClBackend(OpenClDevices.require()))));
        }
        assertFalse(tests.isEmpty(), "the fixture has no cases");
        return tests.stream();
    }

    private static void run(Map<String, Object> c, String backendName, Supplier<Backend> backendFactory) {
        Backend previous = Backends.getDefault();
        Backend backend = backendFactory.get();
        Backends.setDefault(backend);
        try (MemoryScope scope = MemoryScope.open()) {
            Fixtures f = Fixtures.load("gradient_penalty");
            String name = (String) c.get("name");
            Module d = discriminator(f, c);
            Worst worst = new Worst();
            float lambda = floatParam(c, "lambda_gp"), constant = floatParam(c, "constant");

            // The penalty: the gradient at the interpolates recorded, then a backward through it to D's parameters.
            Tensor xHat = interpolates(f, name);
            Tensor out = d.forward(xHat);
            Tensor g = Autograd.grad(out, backend.full(out.shape(), 1f), true, xHat)[0];
            Tensor penalty = F.gradientPenalty(g, constant).mul(lambda);
            penalty.backward();
            worst.check(f.get(name, "gradient"), g, name + ".gradient");
            worst.check(f.get(name, "penalty"), penalty, name + ".penalty");
            worst.check(f.get(name, "penalty_gx"), xHat.grad(), name + ".penalty_gx");
            checkParameterGradients(f, c, d, "penalty_grad.", "zero_penalty_grad_keys", worst);
            MemoryScope.release(g);
            Autograd.releaseGraph(out);

            // The WGAN discriminator loss plus the penalty, combined as the reference's backward_D_basic would.
            for (Tensor p : d.parameters()) p.zeroGrad();
            Tensor xHat2 = interpolates(f, name);
            Tensor out2 = d.forward(xHat2);
            Tensor g2 = Autograd.grad(out2, backend.full(out2.shape(), 1f), true, xHat2)[0];
            Tensor wgan = d.forward(f.get(name, "real")).mean().neg().add(d.forward(f.get(name, "fake")).mean()).mul(0.5f);
            Tensor lossD = wgan.add(F.gradientPenalty(g2, constant).mul(lambda));
            lossD.backward();
            worst.check(f.get(name, "loss_D"), lossD, name + ".loss_D");
            checkParameterGradients(f, c, d, "loss_D_grad.", "zero_loss_D_grad_keys", worst);
            MemoryScope.release(g2);
            Autograd.releaseGraph(out2);
            synchronized (WORST) {
                WORST.put(name + " on " + backendName, String.format("%.2e (%s)", worst.error, worst.what));
            }
        } finally {
            Backends.setDefault(previous);
            if (backend != previous) backend.close();
        }
    }

    /** The case's discriminator with the fixture's state dict, in training mode (as in its update). */
    private static Module discriminator(Fixtures f, Map<String, Object> c) {
        String name = (String) c.get("name");
        Module d = Networks.defineD(intParam(c, "input_nc"), intParam(c, "ndf"), (String) c.get("net"), intParam(c, "n_layers"),
                (String) c.get("norm"), "normal", 0.02f, new Random(1));
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) c.get("state_keys");
        assertEquals(keys, new ArrayList<>(d.stateDict().keySet()), name + ": state-dict keys differ from the reference's");
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String k : keys) state.put(k, f.get(name, "state." + k));
        d.loadStateDict(state);
        d.train(true);
        return d;
    }

    /** x̂ = α·real + (1 − α)·fake with one α per sample, as a fresh leaf that requires grad (the reference's interpolatesv). */
    private static Tensor interpolates(Fixtures f, String name) {
        Tensor real = f.get(name, "real"), fake = f.get(name, "fake");
        Tensor alpha = f.get(name, "alpha").reshape(real.dim(0), 1, 1, 1);
        Tensor mixed = real.mul(alpha).add(fake.mul(alpha.rsub(1f)));
        return Tensor.of(mixed.backend(), mixed.toArray(), mixed.shape()).requiresGrad(true);
    }

    private static void checkParameterGradients(Fixtures f, Map<String, Object> c, Module d, String prefix, String zeroKey, Worst worst) {
        String name = (String) c.get("name");
        @SuppressWarnings("unchecked")
        List<String> zero = (List<String>) c.get(zeroKey);
        Map<String, Tensor> named = d.namedParameters();
        double scale = 0;   // the largest parameter gradient: the yardstick for gradients that are zero in theory
        for (String k : named.keySet()) scale = Math.max(scale, maxAbs(f.get(name, prefix + k).toArray()));
        for (Map.Entry<String, Tensor> p : named.entrySet()) {
            String what = name + "." + prefix + p.getKey();
            Tensor ours = p.getValue().grad();
            if (zero.contains(p.getKey())) {
                double theirs = maxAbs(f.get(name, prefix + p.getKey()).toArray());
                double mine = ours == null ? 0 : maxAbs(ours.toArray());
                assertTrue(theirs < 1e-5 * scale && mine < 1e-5 * scale, what + ": expected ~0, torch " + theirs + ", ours " + mine
                        + ", against a largest gradient of " + scale);
                continue;
            }
            worst.check(f.get(name, prefix + p.getKey()), ours, what);
        }
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** The largest relative error seen, and where. */
    private static final class Worst {
        double error;
        String what = "";

        void check(Tensor expected, Tensor actual, String name) {
            double e = Close.assertRelative(expected, actual, TOL, name);
            if (e >= error) {
                error = e;
                what = name.substring(name.indexOf('.') + 1);
            }
        }
    }
}
