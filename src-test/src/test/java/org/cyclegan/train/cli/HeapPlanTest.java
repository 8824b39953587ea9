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

    /**
     * A larger region only where it saves more than the stated share of the heap: at 128 px (577 MiB in 32 MiB
     * regions against 865 in 1 MiB ones) large regions; at 256 px with resnet_9blocks, where 32 MiB regions save
     * under 1 %, 1 MiB ones.
     */
    @Test void largerRegionsOnlyWhereTheySaveMuch() {
        for (int size : new int[] {128, 256}) {
            CycleGanConfig config = new CycleGanConfig();
            config.netG = GeneratorKind.resnet(size == 256 ? 9 : 6);
            MemoryEstimate.Simulation sim = MemoryEstimate.Simulation.run(config, 1, size, size);
            long region = HeapPlan.bestRegion(sim), least = Long.MAX_VALUE;
            long[] bytes = new long[HeapPlan.REGION_SIZES.length];
            boolean[] allowed = new boolean[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                long r = HeapPlan.REGION_SIZES[i];
                bytes[i] = sim.estimate(Footprint.g1(r)).totalBytes();
                allowed[i] = i == 0 || HeapPlan.heapFor(bytes[i]) >= HeapPlan.MIN_REGIONS * r;
                if (allowed[i]) least = Math.min(least, bytes[i]);
            }
            double margin = least * (1 + HeapPlan.LARGER_REGION_MIN_SAVING);
            for (int i = 0; HeapPlan.REGION_SIZES[i] < region; i++) {
                assertTrue(!allowed[i] || bytes[i] > margin, size + " px: smaller regions of " + (HeapPlan.REGION_SIZES[i] >> 20) + " MiB within the margin: " + bytes[i] + " of " + least);
            }
            assertTrue(sim.estimate(Footprint.g1(region)).totalBytes() <= margin, size + " px: the chosen region's cost is within the margin of " + least);
            assertEquals(size == 256 ? 1L << 20 : 32L << 20, region, size + " px");
        }
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
