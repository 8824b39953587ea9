package org.cyclegan.train.gan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.backend.check.KernelCheck;
import org.cyclegan.model.GeneratorKind;

/**
 * One full CycleGAN training iteration on two backends from the same initial weights and data, compared: the losses
 * of the step, and every generator parameter's gradient of the full generator loss. Tiny networks (resnet_6blocks,
 * ngf = ndf = 4) on 32×32 images, so that it takes a second, yet every layer kind of the default model runs forward
 * and backward, with the discriminators, the image pools and both Adams.
 *
 * <p>Tolerances (relative): {@link #LOSS_TOLERANCE} for each loss, {@link #GRADIENT_TOLERANCE} for each gradient
 * tensor in the max norm. Gradients whose true value is 0 — conv biases right before instance norm — hold only
 * rounding noise (~1e-6, against 0.3 to 9 for every other parameter), different on every backend; those below
 * {@link #NOISE_SCALE} on the oracle are not compared.
 */
public final class IterationParity {
    public static final double LOSS_TOLERANCE = 1e-3, GRADIENT_TOLERANCE = 1e-4, NOISE_SCALE = 1e-4;
    public static final int SIZE = 32;
    private static final long WEIGHT_SEED = 5, DATA_SEED = 6;

    private IterationParity() {}

    /** The networks it trains: resnet_6blocks with 4 filters in the first layers of G and D. */
    public static CycleGanConfig config() {
        CycleGanConfig c = new CycleGanConfig();
        c.netG = GeneratorKind.resnet(6);
        c.ngf = 4;
        c.ndf = 4;
        return c;
    }

    /**
     * What the comparison showed: the largest relative loss difference and which loss, the gradients compared (and
     * those passed over as rounding noise) with the largest relative error and which parameter, and each failure.
     */
    public record Result(int losses, double largestLossError, String largestLoss, int gradients, int noiseGradients,
                         double largestGradientError, String largestGradient, List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /** The iteration on {@code backend} against the same on {@code oracle}. */
    public static Result compare(Backend backend, Backend oracle) {
        Map<String, Float> expectedLosses = losses(oracle), actualLosses = losses(backend);
        Map<String, float[]> expectedGrads = generatorGradients(oracle), actualGrads = generatorGradients(backend);
        List<String> failures = new ArrayList<>();
        double largestLoss = 0;
        String largestLossName = "";
        if (!expectedLosses.keySet().equals(actualLosses.keySet())) {
            failures.add("losses " + actualLosses.keySet() + ", expected " + expectedLosses.keySet());
        }
        for (String k : expectedLosses.keySet()) {
            double e = expectedLosses.get(k), a = actualLosses.getOrDefault(k, Float.NaN);
            double rel = Math.abs(a - e) / Math.max(1e-6, Math.abs(e));
            if (largestLossName.isEmpty() || !Double.isNaN(largestLoss) && !(rel <= largestLoss)) {   // NaN, once seen, stays
                largestLoss = rel;
                largestLossName = k;
            }
            if (!(rel <= LOSS_TOLERANCE)) failures.add(String.format("loss %s: %s %s vs %s %s (relative %.2e, bound %.0e)", k, backend.name(), a, oracle.name(), e, rel, LOSS_TOLERANCE));
        }
        double largestGrad = 0;
        String largestGradName = "";
        int compared = 0, noise = 0;
        for (Map.Entry<String, float[]> e : expectedGrads.entrySet()) {
            float[] expected = e.getValue(), actual = actualGrads.get(e.getKey());
            double scale = 0;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            if (scale < NOISE_SCALE) {
                noise++;
                continue;
            }
            compared++;
            double err = actual == null || actual.length != expected.length ? Double.NaN : KernelCheck.relativeError(expected, actual);
            if (largestGradName.isEmpty() || !Double.isNaN(largestGrad) && !(err <= largestGrad)) {
                largestGrad = err;
                largestGradName = e.getKey();
            }
            if (!(err <= GRADIENT_TOLERANCE)) failures.add(String.format("gradient of %s: relative error %.2e, bound %.0e", e.getKey(), err, GRADIENT_TOLERANCE));
        }
        return new Result(expectedLosses.size(), largestLoss, largestLossName, compared, noise, largestGrad, largestGradName, failures);
    }

    /** The losses of the first training step, everything created on {@code backend}. */
    static Map<String, Float> losses(Backend backend) {
        return on(backend, () -> {
            CycleGan model = new CycleGan(config(), new Random(WEIGHT_SEED));
            Tensor[] data = data();
            return model.optimize(data[0], data[1]);
        });
    }

    /** Every generator parameter's gradient of the full generator loss, by name ("G_A model.1.weight"), copied out of the step's scope. */
    static Map<String, float[]> generatorGradients(Backend backend) {
        return on(backend, () -> {
            try (MemoryScope scope = MemoryScope.open()) {
                CycleGan m = new CycleGan(config(), new Random(WEIGHT_SEED));
                Tensor[] data = data();
                Tensor a = data[0], b = data[1];
                Tensor fakeB = m.gA.forward(a), fakeA = m.gB.forward(b);
                m.generatorLosses(a, b, fakeA, fakeB, m.gB.forward(fakeB), m.gA.forward(fakeA)).total().backward();
                Map<String, float[]> grads = new LinkedHashMap<>();
                m.gA.namedParameters().forEach((name, p) -> grads.put("G_A " + name, p.grad().toArray()));
                m.gB.namedParameters().forEach((name, p) -> grads.put("G_B " + name, p.grad().toArray()));
                return grads;
            }
        });
    }

    /** One random image of each domain, in [-1, 1). */
    private static Tensor[] data() {
        Random data = new Random(DATA_SEED);
        Tensor a = Tensor.uniform(data, -1f, 1f, 1, 3, SIZE, SIZE);
        Tensor b = Tensor.uniform(data, -1f, 1f, 1, 3, SIZE, SIZE);
        return new Tensor[] {a, b};
    }

    /** Runs {@code work} with {@code backend} as the default backend, restoring the previous one after. */
    private static <T> T on(Backend backend, java.util.function.Supplier<T> work) {
        Backend previous = Backends.getDefault();
        Backends.setDefault(backend);
        try {
            return work.get();
        } finally {
            Backends.setDefault(previous);
        }
    }
}
