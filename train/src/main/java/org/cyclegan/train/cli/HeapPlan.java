package org.cyclegan.train.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.meta.MetaBackend;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.train.commands.BenchCommand;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.commands.ModelOptions;
import org.cyclegan.train.commands.TrainCommand;
import org.cyclegan.train.commands.UsageException;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.run.Footprint;
import org.cyclegan.train.run.MemoryEstimate;

/**
 * The heap the launcher gives the JVM it starts for {@code train} and {@code bench}: what the run needs, not what the
 * machine has. A heap sized from the machine (the JVM's default, a quarter of it) lets the collector grow the resident
 * size far past the live tensors; one sized from the {@link MemoryEstimate} keeps it near them.
 *
 * <p>The run's training step is simulated on the meta backend (no values, about a second) and costed for each G1
 * region size: arrays of half a region or more take whole regions, so the region size that wastes least on this run's
 * arrays is chosen with the heap. The heap is that estimate plus {@link #MARGIN} and {@link #BASE_BYTES} (the JVM's own
 * objects, the data loader, room for the collector), capped by the machine's memory; when even that cannot hold the
 * run, it says so with options that would fit (--recompute, a smaller image, narrower networks). Nothing is chosen when the user did (-Xmx and kin on the java command
 * line, or JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS set), for other commands, for the opencl device (its tensors are not on
 * the heap) or when the command line is wrong (the command itself then says why).
 */
final class HeapPlan {
    /** Fraction added to the estimate: allocations it does not model (image decoding, logs, plots). */
    static final double MARGIN = 0.10;
    /** Added to the estimate: the JVM's classes and objects and the collector's young regions. */
    static final long BASE_BYTES = 192L << 20;
    /**
     * Fewest regions a chosen heap may have. Few and large regions suit this program: its tensors are pooled, so it
     * allocates little (a few MB a step) and the young generation can be small; measured, a 128 px resnet_6blocks bench
     * ran at full speed in 26 regions of 32 MiB.
     */
    static final int MIN_REGIONS = 24;
    static final long[] REGION_SIZES = {1L << 20, 2L << 20, 4L << 20, 8L << 20, 16L << 20, 32L << 20};
    private static final List<String> USER_HEAP_FLAGS = List.of("-Xmx", "-XX:MaxHeapSize", "-XX:MaxRAM", "-XX:MaxRAMPercentage",
            "-XX:MaxRAMFraction", "-XX:G1HeapRegionSize", "-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC");

    /** The chosen heap: {@code jvmOptions} for the child JVM and the line that says so. */
    record Choice(List<String> jvmOptions, String message) {}

    private HeapPlan() {}

    /**
     * The JVM options for the child that runs {@code args}, or none. {@code jvmArgs} are this JVM's own options,
     * {@code env} its environment, {@code machineBytes} the machine's memory.
     */
    static Choice choose(String[] args, List<String> jvmArgs, Map<String, String> env, long machineBytes) {
        for (String a : jvmArgs) for (String f : USER_HEAP_FLAGS) if (a.startsWith(f)) return null;
        for (String var : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) return null;
        }
        if (args.length == 0 || !(args[0].equals("train") || args[0].equals("bench"))) return null;
        Run run;
        try {
            run = Run.read(args);
        } catch (UsageException | java.io.IOException | IllegalArgumentException e) {
            return null;   // the command will say what is wrong with its command line or data
        }
        if (run == null) return null;
        return choose(run, machineBytes);
    }

    static Choice choose(Run run, long machineBytes) {
        MemoryEstimate.Simulation sim = MemoryEstimate.Simulation.run(run.config, run.batch, run.height, run.width);
        long region = bestRegion(sim);
        long estimate = sim.estimate(Footprint.g1(region)).totalBytes();
        long heap = heapFor(estimate);
        long cap = machineBytes - Math.min(machineBytes / 8, 2L << 30);   // leave the system and the JVM's own memory some room
        List<String> options = new ArrayList<>(List.of("-Xmx" + (heap >> 20) + "m", "-XX:G1HeapRegionSize=" + (region >> 20) + "m"));
        if (heap <= cap) {
            return new Choice(options, String.format(Locale.ROOT, "heap: -Xmx%dm for this run (its estimate %s + %.0f%% + %s; G1 regions of %d MiB waste least on its arrays);"
                    + " give -Xmx to choose it yourself", heap >> 20, MemoryEstimate.size(estimate), 100 * MARGIN, MemoryEstimate.size(BASE_BYTES), region >> 20));
        }
        options.set(0, "-Xmx" + (cap >> 20) + "m");
        return new Choice(options, String.format(Locale.ROOT, "warning: this run needs a heap of about %s, more than this machine can give (%s of %s);"
                + " starting with %s, expect OutOfMemoryError. To fit: %s", MemoryEstimate.size(heap), MemoryEstimate.size(cap),
                MemoryEstimate.size(machineBytes), MemoryEstimate.size(cap), run.whatFits(cap)));
    }

    static long heapFor(long estimate) {
        return Math.round(estimate * (1 + MARGIN)) + BASE_BYTES;
    }

    /**
     * A larger region must save more than this fraction of the heap to be chosen over a smaller one. The estimate
     * counts the live tensors at the step's peak; the pool also keeps freed arrays of every size the step uses, and in
     * large regions each takes whole regions, which the estimate does not see. Measured (256 px resnet_9blocks, a Zen 4
     * EPYC): 32 MiB regions, estimated to save 4 MiB of 2.37 GiB against 1 MiB ones, left the pool short — it gave its
     * arrays up to the collector and 1.27 GB was allocated an iteration instead of 14 MB — and took 9.5–9.8 s an
     * iteration against 7.9–8.1 s. Where large regions save much (128 px: 577 against 865 MiB) they are still chosen.
     */
    static final double LARGER_REGION_MIN_SAVING = 0.05;

    /**
     * The G1 region size for the run: among those that leave the heap at least {@link #MIN_REGIONS} regions (the
     * collector sizes its young generation in regions), the smallest under which the run's arrays take at most
     * {@link #LARGER_REGION_MIN_SAVING} more heap than under the one where they take least.
     */
    static long bestRegion(MemoryEstimate.Simulation sim) {
        long least = Long.MAX_VALUE;
        long[] bytes = new long[REGION_SIZES.length];
        for (int i = 0; i < REGION_SIZES.length; i++) {
            bytes[i] = sim.estimate(Footprint.g1(REGION_SIZES[i])).totalBytes();
            if (allowed(i, bytes[i])) least = Math.min(least, bytes[i]);
        }
        for (int i = 0; i < REGION_SIZES.length; i++) {
            if (allowed(i, bytes[i]) && bytes[i] <= least * (1 + LARGER_REGION_MIN_SAVING)) return REGION_SIZES[i];
        }
        return REGION_SIZES[0];
    }

    /** The smallest region size always; a larger one when the heap it would give has at least {@link #MIN_REGIONS} of them. */
    private static boolean allowed(int i, long bytes) {
        return i == 0 || heapFor(bytes) >= MIN_REGIONS * REGION_SIZES[i];
    }

    /** The machine's physical memory (or the container's limit, as the JVM sees it). */
    static long machineBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** What a train or bench command line will run: the networks and the size of a batch. */
    record Run(String command, CycleGanConfig config, int batch, int height, int width, boolean sizeIsCrop) {

        /** Reads {@code args} as the command will; null when it will not run a model on the heap. */
        static Run read(String[] args) throws java.io.IOException, ImageReadException {
            List<String> rest = CommandLine.rest(args, 1);
            if (args[0].equals("bench")) {
                CommandLine cl = BenchCommand.options().parse(rest);
                if (cl.helpRequested() || cl.string("device").startsWith("opencl")) return null;
                int size = cl.integer("size", 1);
                return new Run("bench", ModelOptions.read(cl, GeneratorKind.resnet(9)), cl.integer("batch_size", 1), size, size, true);
            }
            CommandLine cl = TrainCommand.options().parse(rest);
            if (cl.helpRequested() || cl.string("device").startsWith("opencl")) return null;
            TrainCommand.Setup s = TrainCommand.setup(cl, new MetaBackend(), new PrintStream(OutputStream.nullOutputStream()));
            Transform.Prepared first = s.data().item(0, new Random(0)).a();
            return new Run("train", s.config(), s.data().options().batchSize(), first.height(), first.width(),
                    s.data().options().preprocess().crops());
        }

        /** Options that would make the run fit in {@code heapBytes}, tried by simulation. */
        String whatFits(long heapBytes) {
            List<String> fits = new ArrayList<>();
            CycleGanConfig recomputed = config.copy();
            recomputed.recompute = true;
            if (!config.recompute && isValid(recomputed) && needs(recomputed, batch, height, width) <= heapBytes) fits.add("--recompute");
            String sizeOption = command.equals("bench") ? "--size" : "--crop_size";
            if (sizeIsCrop && height == width) {
                for (int s = height - 32; s >= 64; s -= 32) {
                    if (needs(config, batch, s, s) <= heapBytes) {
                        fits.add(sizeOption + " " + s);
                        break;
                    }
                }
            }
            if (batch > 1 && needs(config, 1, height, width) <= heapBytes) fits.add("--batch_size 1");
            for (int w = config.ngf / 2; w >= 8; w /= 2) {
                CycleGanConfig narrower = config.copy();
                narrower.ngf = w;
                narrower.ndf = Math.min(config.ndf, w);
                if (needs(narrower, batch, height, width) <= heapBytes) {
                    fits.add("--ngf " + w + " --ndf " + narrower.ndf);
                    break;
                }
            }
            fits.add("or a machine with more memory");
            return String.join(", ", fits);
        }

        private static boolean isValid(CycleGanConfig c) {
            try {
                c.validate();
                return true;
            } catch (IllegalArgumentException e) {
                return false;   // e.g. --recompute with a U-Net: not an option to offer
            }
        }

        private static long needs(CycleGanConfig c, int batch, int h, int w) {
            MemoryEstimate.Simulation sim = MemoryEstimate.Simulation.run(c, batch, h, w);
            return heapFor(sim.estimate(Footprint.g1(bestRegion(sim))).totalBytes());
        }
    }
}
