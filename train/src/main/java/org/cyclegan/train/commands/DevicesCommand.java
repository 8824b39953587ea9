package org.cyclegan.train.commands;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.backend.check.ContractProblems;
import org.cyclegan.engine.backend.check.ContractProblems.MathTolerances;
import org.cyclegan.engine.backend.check.KernelCheck;
import org.cyclegan.engine.backend.check.KernelCheck.FamilyResult;
import org.cyclegan.engine.backend.check.KernelProblem;
import org.cyclegan.engine.io.Json;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.IterationParity;

/**
 * {@code devices --check}: the self-check of a backend, for a new device or driver. Every kernel of the contract on
 * the contract suite's small random problems against the reference backend (one line per kernel family: problems
 * run, largest error, its bound, ok or FAIL), then one full CycleGAN training iteration against the cpu backend (the
 * reference when the cpu backend is the one checked), then a summary; {@code --json} ends with one JSON line. Exit
 * status 1 when anything is beyond its bound. Without {@code --check}, {@code devices} lists the backends and devices
 * ({@code Main}).
 */
public final class DevicesCommand {
    /** Failures printed under a family's FAIL line; the rest are counted. */
    private static final int FAILURES_SHOWN = 3;

    private DevicesCommand() {}

    public static CommandLine options() {
        return new CommandLine("devices", "Lists the backends, the OpenCL platforms and devices (opencl:N selects one), and what --device auto picks;"
                + " with --check, checks that a backend computes what the reference does.")
                .flag("check", "run every kernel of --device on small random problems against the reference backend, then one CycleGAN"
                        + " training iteration against the cpu backend; exit status 1 if anything differs beyond its bound")
                .deviceOptions()
                .flag("json", "with --check: end with one JSON line of the results");
    }

    /** Whether {@code --check} was given; the options that only apply to it are a usage error without it. */
    public static boolean checkRequested(CommandLine cl) {
        if (cl.flag("check")) return true;
        for (String option : List.of("device", "threads", "json")) {
            if (cl.given(option)) throw new UsageException("devices: --" + option + " applies to the self-check only; add --check");
        }
        return false;
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out) {
        return check(backend, cl.flag("json"), out);
    }

    /** The self-check of {@code backend}; returns the exit status, 0 when everything agrees. */
    public static int check(Backend backend, boolean json, PrintStream out) {
        long start = System.nanoTime();
        out.println("devices --check: " + backend.description());
        List<KernelProblem> problems = new ContractProblems(mathTolerances(backend)).all();
        out.printf("kernels on %d random problems against the reference backend (relative error in the max norm):%n", problems.size());
        out.printf("  %-42s %8s %14s %9s  %s%n", "kernel family", "problems", "largest error", "bound", "result");
        List<FamilyResult> kernels = KernelCheck.run(backend, problems);
        for (FamilyResult r : kernels) printFamily(out, r);

        IterationParity.Result iteration;
        String oracleName;
        try (Backend oracle = oracleFor(backend)) {
            oracleName = oracle.name();
            iteration = iteration(backend, oracle);
        }
        printIteration(out, iteration, oracleName);

        List<String> failed = new ArrayList<>();
        for (FamilyResult r : kernels) if (!r.ok()) failed.add(r.family());
        boolean ok = failed.isEmpty() && iteration.ok();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (ok) {
            out.printf("summary: ok: all %d kernel families (%d problems) and the training iteration agree, on %s (%.1f s)%n",
                    kernels.size(), problems.size(), backend.name(), seconds);
        } else {
            out.printf("summary: FAIL on %s: %s%s (%.1f s)%n", backend.name(),
                    failed.isEmpty() ? "every kernel family agrees" : failed.size() + " of " + kernels.size() + " kernel families differ (" + String.join(", ", failed) + ")",
                    iteration.ok() ? "; the training iteration agrees" : "; the training iteration differs", seconds);
        }
        if (json) out.println(Json.write(json(backend, kernels, iteration, oracleName, ok, seconds)));
        return ok ? 0 : 1;
    }

    /** Java's own math on the cpu and reference backends; a device math library's few-ulp allowance elsewhere. */
    static MathTolerances mathTolerances(Backend backend) {
        return backend.name().equals("cpu") || backend.name().equals("reference") ? MathTolerances.JAVA : MathTolerances.DEVICE;
    }

    /** The cpu backend, or the reference when the cpu backend is the one checked (or cannot run). */
    private static Backend oracleFor(Backend backend) {
        if (!backend.name().equals("cpu")) {
            try {
                return Backends.select("cpu", msg -> {});
            } catch (RuntimeException e) {
                // No Vector API in this JVM: the reference is the slower but equally valid oracle.
            }
        }
        return new ReferenceBackend();
    }

    /** The training iteration, an exception in it counted as its failure. */
    private static IterationParity.Result iteration(Backend backend, Backend oracle) {
        try {
            return IterationParity.compare(backend, oracle);
        } catch (RuntimeException e) {
            return new IterationParity.Result(0, Double.NaN, "", 0, 0, Double.NaN, "", List.of("the iteration failed: " + e));
        }
    }

    private static void printFamily(PrintStream out, FamilyResult r) {
        out.printf("  %-42s %8d %14.2e %9.1e  %s%n", r.family(), r.problems(), r.largestError(), r.bound(), r.ok() ? "ok" : "FAIL");
        for (int i = 0; i < Math.min(FAILURES_SHOWN, r.failures().size()); i++) out.println("      " + r.failures().get(i));
        if (r.failures().size() > FAILURES_SHOWN) out.println("      (and " + (r.failures().size() - FAILURES_SHOWN) + " more)");
    }

    private static void printIteration(PrintStream out, IterationParity.Result r, String oracle) {
        CycleGanConfig c = IterationParity.config();
        out.printf("iteration: one CycleGAN training iteration (%s, ngf %d, ndf %d, %d×%d) against %s: %d losses, largest relative"
                        + " difference %.2e (%s; bound %.0e); %d generator gradients (%d of rounding noise not compared), largest relative error"
                        + " %.2e (%s; bound %.0e)  %s%n",
                c.netG.name(), c.ngf, c.ndf, IterationParity.SIZE, IterationParity.SIZE, oracle, r.losses(), r.largestLossError(), r.largestLoss(), IterationParity.LOSS_TOLERANCE,
                r.gradients(), r.noiseGradients(), r.largestGradientError(), r.largestGradient(), IterationParity.GRADIENT_TOLERANCE, r.ok() ? "ok" : "FAIL");
        for (int i = 0; i < Math.min(FAILURES_SHOWN, r.failures().size()); i++) out.println("      " + r.failures().get(i));
        if (r.failures().size() > FAILURES_SHOWN) out.println("      (and " + (r.failures().size() - FAILURES_SHOWN) + " more)");
    }

    /** The --json line's fields. */
    private static Map<String, Object> json(Backend backend, List<FamilyResult> kernels, IterationParity.Result it, String oracle, boolean ok, double seconds) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", ok);
        json.put("device", backend.name());
        json.put("backend", backend.description());
        List<Object> families = new ArrayList<>();
        for (FamilyResult r : kernels) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("family", r.family());
            f.put("problems", r.problems());
            f.put("largest_error", r.largestError());
            f.put("bound", r.bound());
            f.put("ok", r.ok());
            f.put("failures", r.failures());
            families.add(f);
        }
        json.put("kernels", families);
        Map<String, Object> iteration = new LinkedHashMap<>();
        iteration.put("ok", it.ok());
        iteration.put("against", oracle);
        iteration.put("losses", it.losses());
        iteration.put("largest_loss_error", it.largestLossError());
        iteration.put("loss_bound", IterationParity.LOSS_TOLERANCE);
        iteration.put("gradients", it.gradients());
        iteration.put("largest_gradient_error", it.largestGradientError());
        iteration.put("gradient_bound", IterationParity.GRADIENT_TOLERANCE);
        iteration.put("failures", it.failures());
        json.put("iteration", iteration);
        json.put("seconds", seconds);
        return json;
    }
}
