package org.cyclegan.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.model.DiscriminatorKind;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.testing.CpuByDefault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The memory estimate against real training steps: the step part, simulated on the meta backend, must be the peak live
 * tensor bytes that a memory scope around a real step on the cpu backend counts.
 */
class MemoryEstimateTest {
    @RegisterExtension final CpuByDefault cpu = new CpuByDefault();

    private static CycleGanConfig config(String netG, int ngf, String netD, int ndf, float lambdaIdentity) {
        CycleGanConfig c = new CycleGanConfig();
        c.netG = GeneratorKind.parse(netG);
        c.ngf = ngf;
        c.netD = DiscriminatorKind.parse(netD, 2);
        c.ndf = ndf;
        c.lambdaIdentity = lambdaIdentity;
        return c;
    }

    /** The peak live tensor bytes of the second training step, its inputs included (the first warms nothing the second needs). */
    private static long measuredStep(CycleGan model, int batch, int size) {
        Random r = new Random(3);
        model.optimize(Tensor.uniform(r, -1f, 1f, batch, 3, size, size), Tensor.uniform(r, -1f, 1f, batch, 3, size, size));
        try (MemoryScope scope = MemoryScope.open()) {
            model.optimize(Tensor.uniform(r, -1f, 1f, batch, 3, size, size), Tensor.uniform(r, -1f, 1f, batch, 3, size, size));
            return scope.peakLiveBytes();
        }
    }

    private static void assertClose(CycleGanConfig c, int batch, int size) {
        CycleGan model = new CycleGan(c, new Random(1));
        long measured = measuredStep(model, batch, size);
        MemoryEstimate e = MemoryEstimate.of(c, batch, size, size, Footprint.DATA);
        double ratio = e.stepBytes() / (double) measured;
        String what = c.netG + " ngf " + c.ngf + " / " + c.netD + " ndf " + c.ndf + ", batch " + batch + ", " + size + "px, identity " + c.lambdaIdentity
                + ": estimated " + e.stepBytes() + " bytes, measured " + measured + " (ratio " + ratio + ")";
        assertTrue(ratio > 0.98 && ratio < 1.02, what);
        long params = 2L * model.gA.parameterCount() + 2L * model.dA.parameterCount();
        assertEquals(3 * 4 * params, e.parameterBytes(), "weights and Adam's two moments: " + what);
    }

    @Test void resnetStepsAreWithinTenPercentOfTheCountedBytes() {
        assertClose(config("resnet_6blocks", 8, "basic", 8, 0.5f), 1, 32);
        assertClose(config("resnet_6blocks", 8, "basic", 8, 0.5f), 2, 32);
        assertClose(config("resnet_6blocks", 8, "basic", 8, 0f), 1, 32);
        assertClose(config("resnet_9blocks", 16, "basic", 16, 0.5f), 1, 48);
    }

    @Test void otherDiscriminatorsAndTheUnetAreWithinTenPercentToo() {
        assertClose(config("resnet_6blocks", 8, "pixel", 8, 0.5f), 1, 32);
        assertClose(config("resnet_6blocks", 8, "n_layers", 16, 0.5f), 1, 32);
        assertClose(config("unet_128", 8, "basic", 8, 0.5f), 1, 128);
    }

    /** wgangp's D step also holds D(x̂)'s graph and the recorded graph of its input gradient until the penalty's backward. */
    @Test void aWgangpStepIsCountedWithItsGradientPenalty() {
        CycleGanConfig lsgan = config("resnet_6blocks", 8, "basic", 8, 0.5f), wgangp = lsgan.copy(), bare = lsgan.copy();
        wgangp.ganMode = "wgangp";
        bare.ganMode = "wgangp";
        bare.lambdaGp = 0;
        assertClose(wgangp, 1, 32);
        assertClose(wgangp, 2, 32);
        CycleGanConfig real = wgangp.copy();
        real.gpType = "real";
        assertClose(real, 1, 32);
        long withPenalty = MemoryEstimate.of(wgangp, 1, 32, 32, Footprint.DATA).stepBytes();
        long plain = MemoryEstimate.of(lsgan, 1, 32, 32, Footprint.DATA).stepBytes(), none = MemoryEstimate.of(bare, 1, 32, 32, Footprint.DATA).stepBytes();
        System.out.println("32 px step, resnet_6blocks/basic width 8: lsgan " + plain + " bytes, wgangp " + withPenalty + ", wgangp with lambda_gp 0 " + none);
        // Without the penalty a WGAN step holds what an lsgan step holds, less the loss targets (a few D output maps).
        assertTrue(none <= plain && none > 0.999 * plain, none + " vs " + plain);
        // At this size the step's peak is the generators' backward, before the D step; the penalty's work is there all the same.
        assertTrue(made(wgangp) > made(bare) + 4L * 3 * 32 * 32 * 4, "the simulated step runs the penalty: " + made(wgangp) + " vs " + made(bare));
    }

    private static long made(CycleGanConfig c) {
        long bytes = 0;
        for (int e : MemoryEstimate.Simulation.run(c, 1, 32, 32).stepEvents()) if (e > 0) bytes += 4L * e;
        return bytes;
    }

    @Test void theStartUpLineWarnsOnlyWhenTheHeapIsTooSmall() throws Exception {
        MemoryEstimate e = MemoryEstimate.of(config("resnet_6blocks", 8, "basic", 8, 0.5f), 1, 32, 32, Footprint.heap());
        String line = e.describe(6L << 30);
        assertTrue(line.startsWith("memory: ~") && line.contains("1 × 32x32") && line.endsWith("JVM max heap 6.0 GiB"), line);
        assertTrue(e.tooLargeFor(e.totalBytes()), "no headroom at all");
        assertTrue(!e.tooLargeFor(2 * e.totalBytes()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        MemoryEstimate.announce(config("resnet_6blocks", 8, "basic", 8, 0.5f), EmbeddedDataset.open(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("memory: ~") && out.toString(StandardCharsets.UTF_8).contains("1 × 32x32"), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8), "a tiny model fits any test JVM");
    }

    /** Refused before the first step, naming the networks and the size (train makes it a usage error). */
    @Test void aGeneratorThatCannotTakeTheImageSizeIsRefusedByName() throws Exception {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> MemoryEstimate.announce(
                config("unet_256", 8, "basic", 8, 0.5f), EmbeddedDataset.open(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("unet_256") && e.getMessage().contains("32x32"), e.getMessage());
    }
}
