package org.cyclegan.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.meta.MetaBackend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.Networks;
import org.cyclegan.train.gan.CycleGanConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How much a training step and an inference hold at once, at the reference's sizes. These run on the meta backend
 * (shapes only), which follows the same memory rules as the real ones: {@code MemoryEstimateTest} checks that a
 * simulated step's peak is a real cpu step's, and {@link #inferenceOnTheMetaBackendHoldsWhatTheCpuBackendHolds} does
 * the same for inference.
 */
class StepMemoryTest {
    private Backend previous;

    @BeforeEach void remember() {
        previous = Backends.getDefault();
    }

    @AfterEach void restore() {
        Backends.setDefault(previous);
    }

    /** Records the peak and the largest single storage of what a scope makes. */
    private static final class Peak implements MemoryScope.Observer {
        long live, peak, largest, created;

        @Override public void created(int floats) {
            live += 4L * floats;
            created += 4L * floats;
            peak = Math.max(peak, live);
            largest = Math.max(largest, 4L * floats);
        }

        @Override public void freed(int floats) {
            live -= 4L * floats;
        }
    }

    @Test void aTrainingStepAt128pxHoldsLessThanHalfOfWhatItMakes() {
        // Before tensors were freed by use, a step held everything it made until it ended: its peak was all of it.
        CycleGanConfig c = new CycleGanConfig();
        c.netG = GeneratorKind.resnet(6);
        MemoryEstimate.Simulation sim = MemoryEstimate.Simulation.run(c, 1, 128, 128);
        long created = 0;
        for (int e : sim.stepEvents()) if (e > 0) created += 4L * e;
        long peak = sim.peakStepBytes(Footprint.DATA);
        assertTrue(peak <= created / 2, "peak " + peak + " bytes of the " + created + " the step makes");
    }

    @Test void recomputeLowersTheStepsPeak() {
        CycleGanConfig c = new CycleGanConfig();
        c.netG = GeneratorKind.resnet(9);
        long kept = MemoryEstimate.Simulation.run(c, 1, 128, 128).peakStepBytes(Footprint.DATA);
        c.recompute = true;
        long recomputed = MemoryEstimate.Simulation.run(c, 1, 128, 128).peakStepBytes(Footprint.DATA);
        assertTrue(recomputed < 0.75 * kept, "recomputed " + recomputed + " vs kept " + kept);
    }

    private static Peak translate(Backend backend, String netG, int ngf, int size) {
        Backends.setDefault(backend);
        Module g = Networks.defineG(3, 3, ngf, netG, "instance", false, "normal", 0.02f, new Random(0));
        g.eval();
        Peak peak = new Peak();
        try (MemoryScope scope = MemoryScope.observing(peak); GradMode.Scope noGrad = GradMode.noGrad()) {
            g.forward(Tensor.zeros(1, 3, size, size));
        }
        return peak;
    }

    @Test void translatingA2048pxImageHoldsAFewActivationsNotTheNetwork() {
        Peak p = translate(new MetaBackend(), "resnet_9blocks", 64, 2048);
        assertEquals(4L * 64 * 2054 * 2054, p.largest, "the largest tensor: the last layer's reflection-padded input, 64 x 2054 x 2054 (a copy for its direct kernels, during the call)");
        System.out.println("2048 px resnet_9blocks ngf 64 under noGrad: peak " + p.peak + " bytes, largest activation " + p.largest + ", made " + p.created);
        assertTrue(p.peak <= 4 * p.largest, "peak " + p.peak + " bytes, largest activation " + p.largest);
        assertTrue(p.created > 8 * p.peak, "what keeping every intermediate would have held: " + p.created + ", peak " + p.peak);
    }

    @Test void inferenceOnTheMetaBackendHoldsWhatTheCpuBackendHolds() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (String netG : new String[] {"resnet_6blocks", "unet_128"}) {
                Peak real = translate(cpu, netG, 8, 128), meta = translate(new MetaBackend(), netG, 8, 128);
                assertEquals(real.created, meta.created, netG + ": the same storages");
                assertEquals(real.peak, meta.peak, netG + ": the same peak");
            }
        }
    }
}
