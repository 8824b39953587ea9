package org.cyclegan.train.commands;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.KernelProfile;
import org.cyclegan.engine.io.Json;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.run.MemoryEstimate;

/**
 * {@code bench}: full CycleGAN training iterations (both generators, both discriminators, all losses, image pools,
 * both Adams) on random images, after a warm-up. Prints each iteration's time, the median, the conv/matmul GFLOP/s and
 * the bytes the JVM allocated per iteration, and the peak tensor memory of an iteration (the live bytes its memory scope
 * counted: host, and device for a device backend); {@code --json} ends with one JSON line; {@code --profile} adds the
 * per-kernel profile of one more iteration.
 */
public final class BenchCommand {
    private BenchCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("bench", "Times full CycleGAN training iterations on random data (after a warm-up).")
                .option("size", "128", "image height and width in pixels")
                .option("batch_size", "1", "images per domain per iteration");
        return ModelOptions.declare(cl, "resnet_9blocks", "generator: " + String.join(" | ", GeneratorKind.NAMES))
                .option("iters", "5", "timed iterations")
                .option("warmup", "2", "untimed iterations first (JIT compilation, buffer growth)")
                .deviceOptions()
                .option("seed", "0", "seed for weights, data and image pools")
                .flag("json", "end with one JSON line: seconds_per_iter (median), losses (first timed iteration), ...")
                .flag("profile", "also print the per-kernel profile of one extra iteration");
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out) {
        int size = cl.integer("size", 1);
        int batch = cl.integer("batch_size", 1);
        int iters = cl.integer("iters", 1);
        int warmup = cl.integer("warmup", 0);
        long seed = cl.longValue("seed");
        CycleGanConfig config = ModelOptions.read(cl, GeneratorKind.resnet(9));

        ModelOptions.checkSize("bench: --size", size, config);
        Random rng = new Random(seed);
        CycleGan model = ModelOptions.build("bench", config, rng);
        out.printf("bench: CycleGAN %s + %s D, %d×%d, batch %d, %s, on %s%n", config.netG, config.netD, size, size, batch,
                config.ganMode, backend.description());
        out.printf("parameters: G_A %,d, D_A %,d; %d warm-up + %d timed iterations%n", model.gA.parameterCount(), model.dA.parameterCount(), warmup, iters);

        Random data = new Random(seed + 1);
        for (int i = 0; i < warmup; i++) {
            long t = System.nanoTime();
            step(model, data, batch, size);
            out.printf("  warm-up %d: %.3f s%n", i + 1, (System.nanoTime() - t) / 1e9);
        }
        Timings timings = timed(model, data, batch, size, iters, out);

        // Flops are counted by the backend's kernel profile in one more iteration (identical work every iteration).
        KernelProfile profile = new KernelProfile();
        backend.setProfile(profile);
        long tp = System.nanoTime();
        step(model, data, batch, size);
        double profiledSeconds = (System.nanoTime() - tp) / 1e9;
        backend.setProfile(null);
        double convFlops = 0;
        for (KernelProfile.Entry e : profile.entries()) if (e.kernel.startsWith("conv2d") || e.kernel.equals("matmul")) convFlops += e.flops;

        Summary summary = summarize(timings, convFlops, backend, out);
        if (cl.flag("profile")) printProfile(out, profile, profiledSeconds);
        if (cl.flag("json")) out.println(Json.write(json(timings, summary, config, size, batch, seed, backend)));
        return 0;
    }

    /** The timed iterations: each one's seconds and heap bytes allocated, the peak tensor memory, the first losses. */
    private record Timings(double[] seconds, long[] bytes, long peakHost, long peakDevice, long made, Map<String, Float> firstLosses) {}

    private static Timings timed(CycleGan model, Random data, int batch, int size, int iters, PrintStream out) {
        AllocationCounter alloc = new AllocationCounter();
        double[] seconds = new double[iters];
        long[] bytes = new long[iters];
        long peakHost = 0, peakDevice = 0, made = 0;
        Map<String, Float> firstLosses = null;
        for (int i = 0; i < iters; i++) {
            long a0 = alloc.total();
            long t = System.nanoTime();
            Map<String, Float> losses;
            try (MemoryScope scope = MemoryScope.open()) {   // counts the iteration's tensors, inputs included
                losses = step(model, data, batch, size);
                peakHost = Math.max(peakHost, scope.peakLiveBytes());
                peakDevice = Math.max(peakDevice, scope.peakLiveDeviceBytes());
                made = scope.createdBytes();
            }
            seconds[i] = (System.nanoTime() - t) / 1e9;
            bytes[i] = alloc.total() - a0;
            if (firstLosses == null) firstLosses = losses;
            out.printf("  iteration %d: %.3f s, %s allocated%n", i + 1, seconds[i], megabytes(bytes[i]));
        }
        return new Timings(seconds, bytes, peakHost, peakDevice, made, firstLosses);
    }

    /** The medians and the conv/matmul rate, as the summary lines print them. */
    private record Summary(double median, long medianBytes, double gflops) {}

    private static Summary summarize(Timings t, double convFlops, Backend backend, PrintStream out) {
        double median = median(t.seconds());
        long medianBytes = (long) median(Arrays.stream(t.bytes()).asDoubleStream().toArray());
        double gflops = convFlops > 0 ? convFlops / median / 1e9 : Double.NaN;
        out.printf("median %.3f s/iter (min %.3f, max %.3f); %.1f GFLOP/s (%.1f GFLOP of conv/matmul per iteration); %s allocated per iteration%n",
                median, Arrays.stream(t.seconds()).min().orElse(0), Arrays.stream(t.seconds()).max().orElse(0), gflops, convFlops / 1e9, megabytes(medianBytes));
        out.printf("peak tensor memory of an iteration: %s host%s, of the %s of tensors it makes (parameters, optimizer state and image pools not included)%n",
                MemoryEstimate.size(t.peakHost()), backend.name().equals("opencl") || t.peakDevice() > 0 ? ", " + MemoryEstimate.size(t.peakDevice()) + " device" : "",
                MemoryEstimate.size(t.made()));
        out.println("losses (first timed iteration): " + t.firstLosses());
        if (convFlops == 0) out.println("note: backend '" + backend.name() + "' does not profile kernels, so GFLOP/s is not available");
        return new Summary(median, medianBytes, gflops);
    }

    /** The --json line's fields. */
    private static Map<String, Object> json(Timings t, Summary s, CycleGanConfig config, int size, int batch, long seed, Backend backend) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seconds_per_iter", s.median());
        json.put("seconds", toList(t.seconds()));
        json.put("gflops", Double.isFinite(s.gflops()) ? s.gflops() : null);
        json.put("bytes_allocated_per_iter", s.medianBytes());
        json.put("peak_bytes", t.peakHost() + t.peakDevice());
        json.put("peak_host_bytes", t.peakHost());
        json.put("peak_device_bytes", t.peakDevice());
        json.put("tensor_bytes_made_per_iter", t.made());
        Map<String, Object> losses = new LinkedHashMap<>();
        t.firstLosses().forEach((k, v) -> losses.put(k, (double) v));
        json.put("losses", losses);
        json.put("size", size);
        json.put("batch_size", batch);
        json.put("netG", config.netG.name());
        json.put("netD", config.netD.name());
        json.put("device", backend.name());
        json.put("backend", backend.description());
        json.put("seed", seed);
        return json;
    }

    /** One training iteration on a batch of random images of each domain. */
    private static Map<String, Float> step(CycleGan model, Random data, int batch, int size) {
        Tensor a = Tensor.uniform(data, -1f, 1f, batch, model.config.inputNc, size, size);
        Tensor b = Tensor.uniform(data, -1f, 1f, batch, model.config.outputNc, size, size);
        return model.optimize(a, b);
    }

    private static void printProfile(PrintStream out, KernelProfile profile, double seconds) {
        out.printf("%nper-kernel profile of one iteration (%.3f s wall; kernels %.3f s):%n", seconds, profile.totalNanos() / 1e9);
        out.printf("  %-52s %7s %10s %7s %9s%n", "kernel", "calls", "ms", "share", "GFLOP/s");
        for (KernelProfile.Entry e : profile.entries()) {
            double ms = e.nanos / 1e6;
            out.printf("  %-52s %7d %10.1f %6.1f%% %9s%n", e.kernel, e.calls, ms, 100.0 * e.nanos / (seconds * 1e9),
                    e.flops > 0 && e.nanos > 0 && (e.kernel.startsWith("conv2d") || e.kernel.equals("matmul")) ? String.format("%.1f", e.flops / (e.nanos / 1e9) / 1e9) : "");
        }
        double other = seconds - profile.totalNanos() / 1e9;
        out.printf("  %-52s %7s %10.1f %6.1f%%%n", "(outside kernels: autodiff, allocation)", "", other * 1e3, 100 * other / seconds);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static List<Object> toList(double[] v) {
        List<Object> l = new ArrayList<>();
        for (double d : v) l.add(d);
        return l;
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    /** Bytes allocated on the Java heap by all live threads (HotSpot's per-thread allocation counters). */
    static final class AllocationCounter {
        private final com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long total() {
            long[] ids = bean.getAllThreadIds();
            long sum = 0;
            for (long b : bean.getThreadAllocatedBytes(ids)) if (b > 0) sum += b;
            return sum;
        }
    }
}
