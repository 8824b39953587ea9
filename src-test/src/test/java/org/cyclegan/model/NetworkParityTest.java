package org.cyclegan.model;

import static org.cyclegan.testing.Fixtures.boolParam;
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
import java.util.stream.Stream;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.Sequential;
import org.cyclegan.model.layers.Upsample;
import org.cyclegan.testing.Close;
import org.cyclegan.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every network against the reference's, re-implemented in PyTorch 1.13 by
 * {@code src-test/fixtures/generate_network_fixtures.py} at small widths. For each case: our state-dict keys equal
 * the reference's (same names, same order), the reference's state dict loads strictly, and the output, the gradient
 * of the input and of every parameter (for a random upstream gradient), and batch norm's updated running statistics
 * agree within a relative error of 1e-4 (max|ours − torch| / max|torch|). The one exception is listed by the
 * generator as {@code zero_grad_keys}: biases whose gradient is zero in exact arithmetic (see below).
 *
 * <p>Beyond the reference's networks, the same script states two of ours in PyTorch: ResNet generators of depths the
 * reference does not name and with resize-convolution up-sampling ({@code net_resnet}'s later cases), and the
 * resize-convolution's layer pair, {@code nn.Upsample(scale_factor=2, mode='nearest')} then a 3×3 {@code nn.Conv2d}
 * ({@code net_upsample_conv}); {@code net_generator_keys} lists such generators' keys and shapes at full width.
 */
class NetworkParityTest {
    static final double TOL = 1e-4;
    /** Largest relative error per case, reported at the end. */
    static final Map<String, String> WORST = new TreeMap<>();

    @AfterAll
    static void report() {
        WORST.forEach((c, w) -> System.out.printf("network parity %-36s largest relative error %s%n", c, w));
    }

    @TestFactory Stream<DynamicTest> resnetGenerators() { return cases("net_resnet"); }
    @TestFactory Stream<DynamicTest> unetGenerators() { return cases("net_unet"); }
    @TestFactory Stream<DynamicTest> nLayerDiscriminators() { return cases("net_nlayer"); }
    @TestFactory Stream<DynamicTest> pixelDiscriminators() { return cases("net_pixel"); }
    @TestFactory Stream<DynamicTest> upsampleThenConvolution() { return cases("net_upsample_conv"); }

    /** At ngf 64: the keys (in order), their shapes and the parameter count PyTorch's networks have. */
    @TestFactory Stream<DynamicTest> generatorKeysAtFullWidth() {
        Fixtures f = Fixtures.load("net_generator_keys");
        assertFalse(f.cases().isEmpty());
        return f.cases().stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
            Module g = Networks.defineG(3, 3, intParam(c, "ngf"), GeneratorKind.parse((String) c.get("net")),
                    GeneratorUpsampling.parse((String) c.get("upsample")), (String) c.get("norm"), false, "normal", 0.02f, new Random(1));
            List<List<Object>> ours = new ArrayList<>();
            g.stateDict().forEach((k, v) -> {
                List<Object> shape = new ArrayList<>();
                for (int d : v.shape()) shape.add(d);
                ours.add(List.of(k, shape));
            });
            List<List<Object>> theirs = new ArrayList<>();
            for (Object o : (List<?>) c.get("keys")) {
                List<?> entry = (List<?>) o;
                List<Object> shape = new ArrayList<>();
                for (Object d : (List<?>) entry.get(1)) shape.add(((Number) d).intValue());
                theirs.add(List.of(entry.get(0), shape));
            }
            assertEquals(theirs, ours, "keys, order and shapes");
            assertEquals(((Number) c.get("params")).longValue(), g.parameterCount());
        }));
    }

    private static Stream<DynamicTest> cases(String fixture) {
        Fixtures f = Fixtures.load(fixture);
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : f.cases()) {
            String name = (String) c.get("name");
            tests.add(DynamicTest.dynamicTest(name, () -> run(f, name, c)));
        }
        assertFalse(tests.isEmpty(), fixture + " has no cases");
        return tests.stream();
    }

    /** Builds the case's network through the factories, as the trainer will (its random weights are then replaced). */
    static Module build(Map<String, Object> c) {
        String norm = (String) c.get("norm");
        if (c.get("kind").equals("G")) {
            // A case without "upsample" is the reference's transposed convolutions.
            GeneratorUpsampling upsample = GeneratorUpsampling.parse((String) c.getOrDefault("upsample", "transpose"));
            return Networks.defineG(intParam(c, "input_nc"), intParam(c, "output_nc"), intParam(c, "ngf"), GeneratorKind.parse((String) c.get("net")),
                    upsample, norm, boolParam(c, "use_dropout"), "normal", 0.02f, new Random(1));
        }
        if (c.get("kind").equals("upsample_conv")) {
            return new Sequential(new Upsample(2), new Conv2d(intParam(c, "in_channels"), intParam(c, "out_channels"), 3, 1, 1, boolParam(c, "bias")));
        }
        return Networks.defineD(intParam(c, "input_nc"), intParam(c, "ndf"), (String) c.get("net"), intParam(c, "n_layers"),
                norm, "normal", 0.02f, new Random(1));
    }

    private static void run(Fixtures f, String c, Map<String, Object> params) {
        Module net = build(params);
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) params.get("state_keys");
        assertEquals(keys, new ArrayList<>(net.stateDict().keySet()), c + ": state-dict keys (and their order) differ from the reference's");

        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String k : keys) state.put(k, f.get(c, "state." + k));
        net.loadStateDict(state);

        boolean training = boolParam(params, "training");
        boolean grads = boolParam(params, "grads");
        net.train(training);
        Tensor x = f.get(c, "x").requiresGrad(grads);
        Tensor y = net.forward(x);
        double worst = 0;
        String worstWhat = "";
        double e = Close.assertRelative(f.get(c, "y"), y, TOL, c + ".y");
        if (e >= worst) { worst = e; worstWhat = "y"; }

        if (grads) {
            y.backward(f.get(c, "gy"));
            e = Close.assertRelative(f.get(c, "gx"), x.grad(), TOL, c + ".gx");
            if (e >= worst) { worst = e; worstWhat = "gx"; }
            Map<String, Tensor> named = net.namedParameters();
            @SuppressWarnings("unchecked")
            List<String> zero = (List<String>) params.get("zero_grad_keys");
            double scale = 0;   // the largest parameter gradient: the yardstick for gradients that are zero in theory
            for (String k : named.keySet()) scale = Math.max(scale, maxAbs(f.get(c, "grad." + k)));
            for (Map.Entry<String, Tensor> p : named.entrySet()) {
                String k = "grad." + p.getKey();
                if (zero.contains(p.getKey())) {
                    // A convolution's bias followed by instance norm: the mean subtraction cancels it, so its gradient
                    // is zero in exact arithmetic and both sides hold only float32 rounding noise, whose ratio means
                    // nothing. Require both to be negligible against the network's largest gradient instead.
                    double theirs = maxAbs(f.get(c, k)), ours = maxAbs(p.getValue().grad());
                    assertTrue(theirs < 1e-5 * scale && ours < 1e-5 * scale, c + "." + k + ": expected ~0, torch "
                            + theirs + ", ours " + ours + ", against a largest gradient of " + scale);
                    continue;
                }
                e = Close.assertRelative(f.get(c, k), p.getValue().grad(), TOL, c + "." + k);
                if (e >= worst) { worst = e; worstWhat = k; }
            }
        }
        @SuppressWarnings("unchecked")
        List<String> after = (List<String>) params.get("after_keys");
        Map<String, Tensor> ours = net.stateDict();
        for (String k : after) {
            e = Close.assertRelative(f.get(c, "after." + k), ours.get(k), TOL, c + ".after." + k);
            if (e >= worst) { worst = e; worstWhat = "after." + k; }
        }
        synchronized (WORST) {
            WORST.put(c, String.format("%.2e (%s)", worst, worstWhat));
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
