package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.optim.GradientClipping;
import org.junit.jupiter.api.Test;

/**
 * The tuning guide's optimisation options in the training step: the discriminators' own learning rate and β1, gradient
 * clipping, and instance noise on the discriminators' inputs. Each off by default, as the reference.
 */
class TuningOptionsTest {
    private static float[][] values(List<Tensor> params) {
        float[][] v = new float[params.size()][];
        for (int i = 0; i < v.length; i++) v[i] = params.get(i).toArray();
        return v;
    }

    /** The largest change of any parameter between two snapshots. */
    private static double largestChange(float[][] before, List<Tensor> params) {
        double max = 0;
        for (int i = 0; i < before.length; i++) {
            float[] now = params.get(i).toArray();
            for (int j = 0; j < now.length; j++) max = Math.max(max, Math.abs(now[j] - before[i][j]));
        }
        return max;
    }

    private static Tensor image(Random data) {
        return Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
    }

    @Test void theDiscriminatorsOptimizerTakesLrDAndBeta1DAndTheGeneratorsKeepLrAndBeta1() {
        CycleGanConfig c = CycleGanTest.tiny();
        c.lr = 2e-3f;
        c.lrD = 1e-4f;
        c.beta1D = 0.9f;
        CycleGan m = new CycleGan(c, new Random(5));
        assertEquals(1e-4f, m.optimizerD.lr());
        assertEquals(0.9f, m.optimizerD.beta1());
        assertEquals(2e-3f, m.optimizerG.lr());
        assertEquals(0.5f, m.optimizerG.beta1());
        // Adam's first step moves every parameter whose gradient is well above eps by the learning rate itself.
        float[][] g = values(m.optimizerG.params()), d = values(m.optimizerD.params());
        Random data = new Random(6);
        m.optimize(image(data), image(data));
        assertEquals(2e-3, largestChange(g, m.optimizerG.params()), 2e-4);
        assertEquals(1e-4, largestChange(d, m.optimizerD.params()), 1e-5);
    }

    @Test void byDefaultTheDiscriminatorsShareTheGeneratorsLrAndBeta1() {
        CycleGanConfig c = CycleGanTest.tiny();
        c.lr = 3e-4f;
        c.beta1 = 0.7f;
        CycleGan m = new CycleGan(c, new Random(5));
        assertNull(c.lrD);
        assertEquals(3e-4f, m.optimizerD.lr());
        assertEquals(0.7f, m.optimizerD.beta1());
    }

    @Test void clippingBoundsTheGlobalNormOfEachUpdateAndChangesNothingWhenLoose() {
        Random seedsData = new Random(6);
        Tensor a = image(seedsData), b = image(seedsData);
        // The first Adam step of a parameter is lr·g/(|g| + eps): clipping cannot show there. Two steps: the second's
        // moments mix a clipped and an unclipped gradient, so clipping at a tight bound changes the weights.
        CycleGanConfig plain = CycleGanTest.tiny(), loose = CycleGanTest.tiny(), tight = CycleGanTest.tiny();
        loose.clipGradNorm = 1e6f;
        tight.clipGradNorm = 1e-3f;
        float[][] after = new float[3][];
        int i = 0;
        for (CycleGanConfig c : List.of(plain, loose, tight)) {
            CycleGan m = new CycleGan(c, new Random(5));
            m.optimize(a, b);
            m.optimize(b, a);
            after[i++] = m.gA.parameters().get(0).toArray();
        }
        assertTrue(java.util.Arrays.equals(after[0], after[1]), "a bound far above the norm leaves the step as it was");
        assertTrue(!java.util.Arrays.equals(after[0], after[2]), "a tight bound changes the step");
    }

    @Test void clippingIsAppliedToTheGradientsTheOptimizersStepWith() {
        // The step clears the gradients before it returns, so look at them where clipping leaves them: G's after backward.
        CycleGanConfig c = CycleGanTest.tiny();
        CycleGan m = new CycleGan(c, new Random(5));
        Random data = new Random(6);
        Tensor a = image(data), b = image(data);
        Tensor fakeB = m.gA.forward(a), fakeA = m.gB.forward(b);
        m.generatorLosses(a, b, fakeA, fakeB, m.gB.forward(fakeB), m.gA.forward(fakeA)).total().backward();
        double norm = GradientClipping.norm(m.optimizerG.params());
        assertTrue(norm > 0.5, "the tiny generators' gradient is not already small: " + norm);
        GradientClipping.clip(m.optimizerG.params(), 0.5);
        assertEquals(0.5, GradientClipping.norm(m.optimizerG.params()), 1e-4);
    }

    @Test void noiseReachesOnlyTheDiscriminatorsInputs() {
        Random data = new Random(6);
        Tensor a = image(data), b = image(data);
        CycleGanConfig noisy = CycleGanTest.tiny();
        noisy.dNoise = 0.5f;
        Map<String, Float> without = new CycleGan(CycleGanTest.tiny(), new Random(5)).optimize(a, b);
        Map<String, Float> with = new CycleGan(noisy, new Random(5)).optimize(a, b);
        // The same weights (the noise's generator is drawn last), the same generator outputs: cycle and identity equal...
        for (String k : List.of("cycle_A", "cycle_B", "idt_A", "idt_B")) assertEquals(without.get(k), with.get(k), k);
        // ...while everything a discriminator scores differs.
        for (String k : List.of("G_A", "G_B", "D_A", "D_B")) assertNotEquals(without.get(k), with.get(k), k);
    }

    @Test void noiseFallsLinearlyToZeroAndAtZeroTheStepIsTheNoiselessOne() {
        assertEquals(0.1f, InstanceNoise.sigmaAt(0.1f, 0, 100), 1e-7f);
        assertEquals(0.075f, InstanceNoise.sigmaAt(0.1f, 25, 100), 1e-7f);
        assertEquals(0f, InstanceNoise.sigmaAt(0.1f, 100, 100));
        assertEquals(0f, InstanceNoise.sigmaAt(0.1f, 130, 100), "past the run's end (a run extended on resume keeps 0)");
        Random data = new Random(6);
        Tensor a = image(data), b = image(data);
        CycleGanConfig noisy = CycleGanTest.tiny();
        noisy.dNoise = 0.5f;
        CycleGan annealed = new CycleGan(noisy, new Random(5)), plain = new CycleGan(CycleGanTest.tiny(), new Random(5));
        annealed.instanceNoise.anneal(10, 10);
        assertEquals(plain.optimize(a, b), annealed.optimize(a, b));
    }

    @Test void theNoiseHasTheAnnealedStandardDeviationAndPassesGradientsUnchanged() {
        InstanceNoise noise = new InstanceNoise(0.2f, new ResumableRandom(3));
        noise.anneal(50, 100);
        Tensor x = Tensor.zeros(1, 3, 64, 64).requiresGrad(true);
        Tensor y = noise.apply(x);
        float[] v = y.toArray();
        double sum = 0, squares = 0;
        for (float f : v) {
            sum += f;
            squares += f * f;
        }
        double mean = sum / v.length, sd = Math.sqrt(squares / v.length - mean * mean);
        assertEquals(0, mean, 0.01);
        assertEquals(0.1, sd, 0.005);
        y.sum().backward();
        for (float g : x.grad().toArray()) assertEquals(1f, g);
    }

    @Test void badValuesAreRefusedNamingTheOption() {
        for (String[] bad : new String[][] {{"lr_D", "0"}, {"beta1_D", "1"}, {"clip_grad_norm", "-1"}, {"d_noise", "-0.1"}}) {
            CycleGanConfig c = CycleGanTest.tiny();
            switch (bad[0]) {
                case "lr_D" -> c.lrD = Float.parseFloat(bad[1]);
                case "beta1_D" -> c.beta1D = Float.parseFloat(bad[1]);
                case "clip_grad_norm" -> c.clipGradNorm = Float.parseFloat(bad[1]);
                default -> c.dNoise = Float.parseFloat(bad[1]);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
            assertTrue(e.getMessage().contains("--" + bad[0]), e.getMessage());
        }
    }
}
