package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.NetworkFiles;
import org.junit.jupiter.api.Test;

/** Full CycleGAN training steps on tiny networks: finite losses, moving parameters, and the same losses on both backends. */
public class CycleGanTest {

    /** resnet_6blocks with ngf = ndf = 4: the networks the device self-check trains, too. */
    public static CycleGanConfig tiny() {
        return IterationParity.config();
    }

    /** {@link #tiny()} with --gan_mode wgangp (the gradient penalty at mixed points, λ 10). */
    public static CycleGanConfig tinyWgangp() {
        CycleGanConfig c = tiny();
        c.ganMode = "wgangp";
        return c;
    }

    /** Runs {@code steps} training steps on 32×32 random images with everything created on {@code backend}. */
    static List<Map<String, Float>> train(Backend backend, int steps, CycleGan[] out) {
        return train(backend, steps, out, tiny());
    }

    /** As {@link #train(Backend, int, CycleGan[])}, for the networks and losses of {@code config}. */
    static List<Map<String, Float>> train(Backend backend, int steps, CycleGan[] out, CycleGanConfig config) {
        Backend previous = Backends.getDefault();
        Backends.setDefault(backend);
        try {
            CycleGan model = new CycleGan(config, new Random(5));
            if (out != null) out[0] = model;
            Random data = new Random(6);
            List<Map<String, Float>> losses = new java.util.ArrayList<>();
            for (int i = 0; i < steps; i++) {
                Tensor a = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
                Tensor b = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
                losses.add(model.optimize(a, b));
            }
            return losses;
        } finally {
            Backends.setDefault(previous);
        }
    }

    @Test void stepsGiveFiniteLossesUnderTheReferenceNamesAndMoveEveryNetwork() {
        CycleGan[] holder = new CycleGan[1];
        Backend cpu = new CpuBackend(2);
        Backends.setDefault(cpu);
        float[] gBefore, dBefore;
        try {
            CycleGan probe = new CycleGan(tiny(), new Random(5));
            gBefore = probe.gA.parameters().get(0).toArray();
            dBefore = probe.dB.parameters().get(0).toArray();
        } finally {
            Backends.setDefault(new ReferenceBackend());
        }
        List<Map<String, Float>> losses = train(cpu, 3, holder);
        for (Map<String, Float> step : losses) {
            assertEquals(CycleGan.LOSS_NAMES, List.copyOf(step.keySet()));
            step.forEach((k, v) -> assertTrue(Float.isFinite(v) && v >= 0, k + " = " + v));
        }
        assertFalse(Arrays.equals(gBefore, holder[0].gA.parameters().get(0).toArray()), "G_A moved");
        assertFalse(Arrays.equals(dBefore, holder[0].dB.parameters().get(0).toArray()), "D_B moved");
        assertEquals(3, holder[0].fakeAPool.count(), "one fake per step enters the pool");
    }

    /** Every generator parameter's gradient of the full G loss, on one backend, copied out of the step's scope. */
    static List<float[]> generatorGradients(Backend backend) {
        Backend previous = Backends.getDefault();
        Backends.setDefault(backend);
        try (org.cyclegan.engine.MemoryScope scope = org.cyclegan.engine.MemoryScope.open()) {
            CycleGan m = new CycleGan(tiny(), new Random(5));
            Random data = new Random(6);
            Tensor a = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
            Tensor b = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
            Tensor fakeB = m.gA.forward(a), fakeA = m.gB.forward(b);
            m.generatorLosses(a, b, fakeA, fakeB, m.gB.forward(fakeB), m.gA.forward(fakeA)).total().backward();
            List<float[]> grads = new java.util.ArrayList<>();
            for (Tensor p : m.gA.parameters()) grads.add(p.grad().toArray());
            for (Tensor p : m.gB.parameters()) grads.add(p.grad().toArray());
            return grads;
        } finally {
            Backends.setDefault(previous);
        }
    }

    @Test void cpuBackendGivesTheReferenceBackendsGeneratorGradients() {
        List<float[]> ref = generatorGradients(new ReferenceBackend());
        List<float[]> cpu = generatorGradients(new CpuBackend(2));
        assertEquals(ref.size(), cpu.size());
        for (int i = 0; i < ref.size(); i++) {
            double err = org.cyclegan.testing.Close.relativeError(ref.get(i), cpu.get(i));
            // Conv biases right before instance norm have a true gradient of 0 (only rounding noise): compare those absolutely.
            double scale = 0;
            for (float v : ref.get(i)) scale = Math.max(scale, Math.abs(v));
            if (scale < 1e-6) continue;
            assertTrue(err <= 1e-4, "gradient " + i + ": relative error " + err);
        }
    }

    @Test void savedNetworksLoadBackToBitIdenticalOutputs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        CycleGanConfig c = tiny();
        CycleGan trained = new CycleGan(c, new Random(3));
        Random data = new Random(4);
        for (int i = 0; i < 2; i++) trained.optimize(Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32), Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32));
        NetworkFiles.write(trained, new CheckpointFiles(dir), "latest", 1);
        CycleGan fresh = new CycleGan(c, new Random(99));   // other weights until loaded
        Map<String, Module> pairs = Map.of("G_A", fresh.gA, "G_B", fresh.gB, "D_A", fresh.dA, "D_B", fresh.dB);
        for (Map.Entry<String, Module> e : pairs.entrySet()) {
            e.getValue().loadStateDict(org.cyclegan.engine.io.Safetensors.read(dir.resolve("latest_net_" + e.getKey() + ".safetensors"),
                    Backends.getDefault()).tensors());
        }
        Tensor x = Tensor.uniform(new Random(5), -1f, 1f, 1, 3, 32, 32);   // the PatchGAN needs 32 px
        assertTrue(Arrays.equals(trained.gA.forward(x).toArray(), fresh.gA.forward(x).toArray()), "G_A");
        assertTrue(Arrays.equals(trained.gB.forward(x).toArray(), fresh.gB.forward(x).toArray()), "G_B");
        assertTrue(Arrays.equals(trained.dA.forward(x).toArray(), fresh.dA.forward(x).toArray()), "D_A");
        assertTrue(Arrays.equals(trained.dB.forward(x).toArray(), fresh.dB.forward(x).toArray()), "D_B");
        assertFalse(Arrays.equals(trained.gA.forward(x).toArray(), new CycleGan(c, new Random(99)).gA.forward(x).toArray()), "the check can fail");
    }

    @Test void noGradientOutlivesAStep() {
        CycleGan[] holder = new CycleGan[1];
        train(new CpuBackend(2), 1, holder);
        for (Tensor p : holder[0].gA.parameters()) assertEquals(null, p.grad(), "gradients are cleared with the step's memory");
    }

    @Test void cpuBackendGivesTheReferenceBackendsLosses() {
        assertSameLossesOnBothBackends(tiny());
    }

    private static void assertSameLossesOnBothBackends(CycleGanConfig config) {
        List<Map<String, Float>> ref = train(new ReferenceBackend(), 2, null, config);
        List<Map<String, Float>> cpu = train(new CpuBackend(2), 2, null, config);
        for (int s = 0; s < ref.size(); s++) {
            assertEquals(ref.get(s).keySet(), cpu.get(s).keySet());
            for (String k : ref.get(s).keySet()) {
                float r = ref.get(s).get(k), c = cpu.get(s).get(k);
                assertEquals(r, c, 1e-4 * Math.max(1, Math.abs(r)), "step " + (s + 1) + " " + k);
            }
        }
    }

    @Test void wgangpStepsOnTheCpuBackendGiveTheReferenceBackendsLossesPenaltiesIncluded() {
        assertSameLossesOnBothBackends(tinyWgangp());
    }

    @Test void wgangpStepsReportThePenaltiesAfterTheReferencesLosses() {
        CycleGan[] holder = new CycleGan[1];
        List<Map<String, Float>> losses = train(new CpuBackend(2), 2, holder, tinyWgangp());
        List<String> names = new java.util.ArrayList<>(CycleGan.LOSS_NAMES);
        names.addAll(List.of("gp_A", "gp_B"));
        assertEquals(names, holder[0].lossNames());
        for (Map<String, Float> step : losses) {
            assertEquals(names, List.copyOf(step.keySet()));
            step.forEach((k, v) -> assertTrue(Float.isFinite(v), k + " = " + v));
            assertTrue(step.get("gp_A") > 0 && step.get("gp_B") > 0, "the penalty is on: " + step);
        }
        assertEquals(CycleGan.LOSS_NAMES, new CycleGan(tiny(), new Random(5)).lossNames(), "the other modes report what they did");
    }

    /** After a step nothing of it stays in memory: what its scope held is freed, the parameters keep no gradient. */
    @Test void noTensorOfAStepOutlivesItLsganOrWgangp() {
        for (CycleGanConfig config : List.of(tiny(), tinyWgangp())) {
            Backend previous = Backends.getDefault();
            try (CpuBackend cpu = new CpuBackend(2)) {
                Backends.setDefault(cpu);
                CycleGan model = new CycleGan(config, new Random(5));
                Random data = new Random(6);
                try (org.cyclegan.engine.MemoryScope scope = org.cyclegan.engine.MemoryScope.open()) {
                    for (int i = 0; i < 2; i++) {
                        Tensor a = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32), b = Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32);
                        long before = scope.liveBytes();
                        model.optimize(a, b);
                        assertEquals(before, scope.liveBytes(), config.ganMode + " step " + (i + 1) + ": bytes the step left held");
                    }
                }
                for (Module net : model.networks().values()) {
                    for (Tensor p : net.parameters()) assertEquals(null, p.grad(), config.ganMode + ": a parameter kept its gradient");
                }
            } finally {
                Backends.setDefault(previous);
            }
        }
    }
}
