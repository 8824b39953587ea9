package org.cyclegan.benchmarks;

import java.util.Collection;
import java.util.OptionalDouble;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH with the usual command-line options (a benchmark regex, {@code -p backend=cpu-2}, {@code -f}, ...), then
 * prints every result as GFLOP/s and as a share of one core's FP32 peak as {@link PeakFlopsBenchmark} measures it on
 * this machine: its best result in the run when it was included, else a short run of it (about 20 s) made for the
 * purpose; {@code -Dpeak.gflops=...} gives the peak instead.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        Runner runner = new Runner(options);
        if (options.shouldHelp()) {
            options.showHelp();
            return;
        }
        if (options.shouldList()) {
            runner.list();
            return;
        }
        Collection<RunResult> results = runner.run();
        String given = System.getProperty("peak.gflops");
        double peak = given != null ? Double.parseDouble(given) : measuredPeak(results);
        System.out.println();
        System.out.printf("%% 1-core: of one core's FP32 peak, %.1f GFLOP/s (%s)%n", peak,
                given != null ? "given by -Dpeak.gflops" : "measured by PeakFlopsBenchmark on this machine: the better of its 256- and 512-bit runs");
        System.out.printf("%-58s %-10s %10s %9s %10s%n", "benchmark", "backend", "ms/op", "GFLOP/s", "% 1-core");
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark().replace("org.cyclegan.benchmarks.", "");
            String layer = r.getParams().getParam("layer");
            if (layer != null) label += " " + layer;
            String shape = r.getParams().getParam("shape");
            if (shape != null) label += " " + shape;
            String backend = r.getParams().getParam("backend");
            if (backend == null) backend = r.getParams().getParam("impl");
            if (backend == null) backend = r.getParams().getParam("bits") + "-bit";
            double gflops = gflops(r);
            System.out.printf("%-58s %-10s %10.3f %9.1f %9.0f%%%n", label, backend, r.getPrimaryResult().getScore(), gflops, 100 * gflops / peak);
        }
    }

    /** The best GFLOP/s of PeakFlopsBenchmark among {@code results}, or of a short run of it made now. */
    private static double measuredPeak(Collection<RunResult> results) throws RunnerException {
        OptionalDouble inRun = best(results);
        if (inRun.isPresent()) return inRun.getAsDouble();
        System.out.println("Measuring this machine's FP32 peak (PeakFlopsBenchmark, 256- and 512-bit) for the shares; -Dpeak.gflops=... skips it.");
        Collection<RunResult> peak = new Runner(new OptionsBuilder().include(PeakFlopsBenchmark.class.getName() + ".fma")
                .forks(1).warmupIterations(2).measurementIterations(3)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1)).build()).run();
        return best(peak).orElseThrow(() -> new IllegalStateException("PeakFlopsBenchmark gave no result"));
    }

    private static OptionalDouble best(Collection<RunResult> results) {
        return results.stream().filter(r -> r.getParams().getBenchmark().contains("PeakFlopsBenchmark"))
                .mapToDouble(BenchMain::gflops).max();
    }

    /** A result's FLOPs over its time (every benchmark here reports ms an operation). */
    private static double gflops(RunResult r) {
        return flops(r) / (r.getPrimaryResult().getScore() * 1e-3) / 1e9;
    }

    private static double flops(RunResult r) {
        String bench = r.getParams().getBenchmark();
        if (bench.contains("ConvTransposeBenchmark")) return ConvTransposeBenchmark.FLOPS;
        if (bench.contains("ConvBenchmark") || bench.contains("Winograd3x3Benchmark")) return ConvLayer.valueOf(r.getParams().getParam("layer")).flops();
        if (bench.contains("InstanceNormBenchmark")) {
            return bench.endsWith("forward") ? InstanceNormBenchmark.FORWARD_FLOPS : InstanceNormBenchmark.BACKWARD_FLOPS;
        }
        if (bench.contains("PeakFlopsBenchmark")) return 2.0 * (Integer.parseInt(r.getParams().getParam("bits")) / 32) * 12 * 1_000_000;   // PeakFlopsBenchmark.flops, without loading the Vector API here
        if (bench.contains("GemmBenchmark")) {
            double flops = 2;
            for (String d : r.getParams().getParam("shape").split("x")) flops *= Integer.parseInt(d);
            return flops;
        }
        return Double.NaN;
    }
}
