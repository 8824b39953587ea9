package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Json;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.testing.OpenClDevices;
import org.cyclegan.train.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Full CycleGAN training steps on the opencl backend (PoCL in CI) against the cpu backend: the same losses and generator
 * gradients from the same initial weights and data, no device memory growth in steady state, and the bench command's
 * losses. Tiny networks (ngf = ndf = 4) on 32×32 images, as CycleGanTest.
 */
class OpenClCycleGanTest {
    OpenClBackend cl;
    final Backend previous = Backends.getDefault();

    @BeforeEach
    void open() {
        cl = new OpenClBackend(OpenClDevices.require());
    }

    @AfterEach
    void close() {
        Backends.setDefault(previous);
        if (cl != null) cl.close();
    }

    @Test void oneTrainingIterationGivesTheCpuBackendsLossesWithin1e3() {
        assertCpuLosses(CycleGanTest.tiny(), 1);
    }

    /** The gradient penalty's second-order backward runs on the device too: two steps, so the first one's D update counts. */
    @Test void wgangpIterationsGiveTheCpuBackendsLossesPenaltiesIncluded() {
        assertCpuLosses(CycleGanTest.tinyWgangp(), 2);
    }

    private void assertCpuLosses(CycleGanConfig config, int steps) {
        Map<String, Float> onCpu, onCl;
        try (CpuBackend cpu = new CpuBackend(2)) {
            onCpu = CycleGanTest.train(cpu, steps, null, config).get(steps - 1);
        }
        onCl = CycleGanTest.train(cl, steps, null, config).get(steps - 1);
        assertEquals(onCpu.keySet(), onCl.keySet());
        double worst = 0;
        for (String k : onCpu.keySet()) {
            double c = onCpu.get(k), o = onCl.get(k);
            double rel = Math.abs(o - c) / Math.max(1e-6, Math.abs(c));
            worst = Math.max(worst, rel);
            assertTrue(rel <= 1e-3, k + ": opencl " + o + " vs cpu " + c + " (relative " + rel + ")");
        }
        System.out.printf("opencl vs cpu, %s, training iteration %d: largest relative loss difference %.2e%n", config.ganMode, steps, worst);
    }

    @Test void generatorGradientsMatchTheCpuBackend() {
        List<float[]> onCpu;
        try (CpuBackend cpu = new CpuBackend(2)) {
            onCpu = CycleGanTest.generatorGradients(cpu);
        }
        List<float[]> onCl = CycleGanTest.generatorGradients(cl);
        assertEquals(onCpu.size(), onCl.size());
        for (int i = 0; i < onCpu.size(); i++) {
            double scale = 0;
            for (float v : onCpu.get(i)) scale = Math.max(scale, Math.abs(v));
            // Conv biases right before instance norm have a true gradient of 0: what remains is rounding noise (~1e-6,
            // against 0.3 to 9 for every other parameter here), different on every backend.
            if (scale < 1e-4) continue;
            double err = org.cyclegan.testing.Close.relativeError(onCpu.get(i), onCl.get(i));
            assertTrue(err <= 1e-4, "gradient " + i + ": relative error " + err);
        }
    }

    @Test void noDeviceMemoryGrowthOver20Iterations() {
        Backends.setDefault(cl);
        CycleGanConfig c = CycleGanTest.tiny();
        c.poolSize = 2;   // the image pools fill during the warm-up; afterwards each stored fake replaces one
        CycleGan model = new CycleGan(c, new Random(5));
        Random data = new Random(6);
        List<OpenClBackend.MemoryStats> after = new ArrayList<>();
        long created = 0, peak = 0;
        for (int i = 0; i < 23; i++) {
            try (MemoryScope scope = MemoryScope.open()) {   // the inputs belong to the iteration, as in TrainCommand
                model.optimize(Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32), Tensor.uniform(data, -1f, 1f, 1, 3, 32, 32));
                created = scope.createdBytes();
                peak = scope.peakLiveDeviceBytes();
            }
            after.add(cl.memoryStats());
        }
        OpenClBackend.MemoryStats warm = after.get(2), last = after.get(22);
        System.out.println("opencl device memory after warm-up: " + warm + "; after 20 more iterations: " + last
                + "; an iteration makes " + created + " bytes and holds at most " + peak);
        // Memory is freed by use (MemoryScope), so the pool grows to an iteration's peak, not to all it makes.
        long parameters = 0;
        for (Tensor p : model.optimizerG.params()) parameters += 4L * p.numel();
        for (Tensor p : model.optimizerD.params()) parameters += 4L * p.numel();
        assertTrue(peak < created / 2, "peak " + peak + " of " + created);
        assertTrue(last.liveBytes() + last.freeBytes() - 3 * parameters < created * 3 / 4,
                "device bytes beyond weights and Adam moments: " + (last.liveBytes() + last.freeBytes() - 3 * parameters) + " for " + created + " made per iteration");
        assertEquals(warm.buffersCreated(), last.buffersCreated(), "no new device buffers after the warm-up");
        assertEquals(warm.liveBytes() + warm.freeBytes(), last.liveBytes() + last.freeBytes(), "device bytes held");
        // Live buffers may only fall: storages created outside any scope (weight initialization's temporaries) return
        // to the pool whenever the garbage collector finds them.
        for (int i = 3; i < after.size(); i++) {
            assertTrue(after.get(i).liveBuffers() <= warm.liveBuffers(), "live buffers after iteration " + (i + 1) + ": " + after.get(i));
        }
    }

    @Test void benchOnOpenclReportsTheCpuBackendsLossesForTheSameSeed() {
        Map<String, Object> onCpu = bench("cpu"), onCl = bench("opencl");
        assertEquals("opencl", onCl.get("device"));
        @SuppressWarnings("unchecked")
        Map<String, Object> lc = (Map<String, Object>) onCpu.get("losses"), lo = (Map<String, Object>) onCl.get("losses");
        for (String k : CycleGan.LOSS_NAMES) {
            double c = ((Number) lc.get(k)).doubleValue(), o = ((Number) lo.get(k)).doubleValue();
            assertEquals(c, o, 1e-3 * Math.max(1e-6, Math.abs(c)), k);
        }
        assertTrue(((Number) onCl.get("gflops")).doubleValue() > 0, "the opencl backend profiles its kernels");
    }

    private Map<String, Object> bench(String device) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"bench", "--size", "32", "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks", "--iters", "1",
                        "--warmup", "0", "--seed", "3", "--device", device, "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        return json;
    }
}
