package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.run.Footprint;
import org.cyclegan.train.run.MemoryEstimate;
import org.junit.jupiter.api.Test;

/** The heap the launcher picks for the child JVM: sized to the run, never over the user's choice. */
class HeapPlanTest {
    private static final long MACHINE = 24L << 30;
    private static final String[] BENCH = {"bench", "--size", "64", "--netG", "resnet_6blocks", "--device", "cpu"};

    private static long xmxBytes(HeapPlan.Choice c) {
        String xmx = c.jvmOptions().stream().filter(o -> o.startsWith("-Xmx")).findFirst().orElseThrow();
        assertTrue(xmx.endsWith("m"), xmx);
        return Long.parseLong(xmx.substring(4, xmx.length() - 1)) << 20;
    }

    @Test void benchGetsItsEstimatePlusTheStatedMarginAndARegionSize() {
        HeapPlan.Choice c = HeapPlan.choose(BENCH, List.of(), Map.of(), MACHINE);
        assertNotNull(c);
        HeapPlan.Run run = new HeapPlan.Run("bench", new CycleGanConfig(), 1, 64, 64, true);
        run.config().netG = GeneratorKind.resnet(6);
        MemoryEstimate.Simulation sim = MemoryEstimate.Simulation.run(run.config(), 1, 64, 64);
        long region = HeapPlan.bestRegion(sim);
        long estimate = sim.estimate(Footprint.g1(region)).totalBytes();
        assertEquals(HeapPlan.heapFor(estimate) >> 20 << 20, xmxBytes(c));
        assertTrue(c.jvmOptions().contains("-XX:G1HeapRegionSize=" + (region >> 20) + "m"), c.jvmOptions().toString());
        assertTrue(c.message().startsWith("heap: -Xmx") && c.message().contains("give -Xmx"), c.message());
    }

    @Test void theUsersChoiceWins() {
        assertNull(HeapPlan.choose(BENCH, List.of("-Xmx2g"), Map.of(), MACHINE));
        assertNull(HeapPlan.choose(BENCH, List.of("-XX:MaxRAMPercentage=50"), Map.of(), MACHINE));
        assertNull(HeapPlan.choose(BENCH, List.of(), Map.of("JAVA_TOOL_OPTIONS", "-Xss2m"), MACHINE));
        assertNull(HeapPlan.choose(BENCH, List.of(), Map.of("JDK_JAVA_OPTIONS", "-Xmx1g"), MACHINE));
        assertNotNull(HeapPlan.choose(BENCH, List.of("-Dfoo=1"), Map.of("JAVA_TOOL_OPTIONS", " "), MACHINE), "other options and a blank variable change nothing");
    }

    @Test void otherCommandsAWrongCommandLineAndTheOpenclDeviceAreLeftAlone() {
        assertNull(HeapPlan.choose(new String[] {"translate", "--weights", "x"}, List.of(), Map.of(), MACHINE));
        assertNull(HeapPlan.choose(new String[] {"bench", "--size", "banana"}, List.of(), Map.of(), MACHINE), "the command reports it");
        assertNull(HeapPlan.choose(new String[] {"bench", "--device", "opencl"}, List.of(), Map.of(), MACHINE));
        assertNull(HeapPlan.choose(new String[] {"train", "--dataroot", "/no/such/folder"}, List.of(), Map.of(), MACHINE));
        assertNull(HeapPlan.choose(new String[] {"bench", "--help"}, List.of(), Map.of(), MACHINE));
    }

    @Test void trainOnTheEmbeddedSetIsSizedToo() {
        HeapPlan.Choice c = HeapPlan.choose(new String[] {"train"}, List.of(), Map.of(), MACHINE);
        assertNotNull(c);
        assertTrue(xmxBytes(c) < 1L << 30, "32 px, half width: well under a GiB: " + c.message());
    }

    @Test void aMachineTooSmallIsToldSoWithOptionsThatFit() {
        String[] big = {"bench", "--size", "256", "--netG", "resnet_9blocks", "--device", "cpu"};
        long small = 2L << 30;
        HeapPlan.Choice c = HeapPlan.choose(big, List.of(), Map.of(), small);
        assertNotNull(c);
        assertTrue(c.message().startsWith("warning: this run needs a heap of about"), c.message());
        assertTrue(c.message().contains("--size ") && c.message().contains("--ngf "), c.message());
        HeapPlan.Choice tight = HeapPlan.choose(big, List.of(), Map.of(), 3L << 30);
        assertTrue(tight.message().contains("To fit: --recompute"), "recomputing the residual blocks fits in 3 GiB: " + tight.message());
        assertTrue(xmxBytes(c) < small, "capped below the machine's memory: " + c.jvmOptions());
    }
}
