package org.cyclegan.train.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.Version;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendException;
import org.cyclegan.engine.backend.BackendProvider;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.optim.Adam;
import org.cyclegan.kernels.cpu.CpuBackendProvider;
import org.cyclegan.train.commands.BenchCommand;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.commands.ConvertCommand;
import org.cyclegan.train.commands.DevicesCommand;
import org.cyclegan.train.commands.DoctorCommand;
import org.cyclegan.train.commands.EvalCommand;
import org.cyclegan.train.commands.GradCheckCommand;
import org.cyclegan.train.commands.GraphCommand;
import org.cyclegan.train.commands.TestCommand;
import org.cyclegan.train.commands.TrainCommand;
import org.cyclegan.train.commands.TranslateCommand;
import org.cyclegan.train.commands.UsageException;

/**
 * The command line: {@code java -jar cyclegan-engine.jar <command> [options]}. Each command declares its options
 * (see {@code --help}); every command that runs networks takes {@code --device} and {@code --threads} ({@code eval}
 * only reads images and needs no backend). Bad input ends with a message that names the option and exit status 2.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar cyclegan-engine.jar <command> [options]",
            "",
            "commands:",
            "  train      train a CycleGAN on --dataroot, or on the embedded emoji set when none is given",
            "  test       run an experiment's generators on test images; pictures and an index.html in --results_dir",
            "  translate  run a saved generator (ours, or the reference's PyTorch .pth) on an image or a folder of images",
            "  doctor     read an experiment's loss curves (finished or running) and name known training problems, with advice",
            "  eval       score predicted images against targets of the same name (L1, PSNR, SSIM; identity baseline)",
            "  convert    write a generator's weights (e.g. the reference's PyTorch .pth) as .safetensors with its architecture",
            "  graph      draw the autodiff graph of a generator, a discriminator or a training step as Graphviz DOT (and SVG/PNG)",
            "  bench      time full CycleGAN training iterations on random data",
            "  gradcheck  check every op's backward against finite differences (--op one, --second-order, --list)",
            "  devices    list the backends, the OpenCL platforms and devices, and what --device auto picks;",
            "             --check: every kernel of --device against the reference, and a training iteration against cpu",
            "  info       version, available backends, and a small autodiff self-test (the default)",
            "",
            "run 'java -jar cyclegan-engine.jar <command> --help' for a command's options");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the process exit status. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "info";
        List<String> rest = CommandLine.rest(args, args.length > 0 && !args[0].startsWith("-") ? 1 : 0);
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        CommandLine cl = switch (command) {
            case "info" -> new CommandLine("info", "Prints the version and the backends, then fits a line with autodiff and Adam as a self-test.")
                    .deviceOptions();
            case "bench" -> BenchCommand.options();
            case "train" -> TrainCommand.options();
            case "translate" -> TranslateCommand.options();
            case "test" -> TestCommand.options();
            case "eval" -> EvalCommand.options();
            case "doctor" -> DoctorCommand.options();
            case "convert" -> ConvertCommand.options();
            case "gradcheck" -> GradCheckCommand.options();
            case "graph" -> GraphCommand.options();
            case "devices" -> DevicesCommand.options();
            default -> null;
        };
        if (cl == null) return usageError(err, "unknown command '" + command + "'");
        Backend backend;
        try {
            cl.parse(rest);
            if (cl.helpRequested()) {
                out.print(cl.usage());
                return 0;
            }
            if (command.equals("eval")) return EvalCommand.run(cl, out, err);   // image metrics only: no tensors, no backend
            if (command.equals("devices") && !DevicesCommand.checkRequested(cl)) return devices(out);
            if (command.equals("gradcheck")) return GradCheckCommand.run(cl, out);   // always on the reference backend
            backend = selectBackend(cl, err);
        } catch (UsageException e) {
            return usageError(err, e.getMessage());
        } catch (java.io.IOException | BackendException e) {
            return error(err, e);
        }
        Backend previous = Backends.getDefault();
        Backends.setDefault(backend);
        try {
            return switch (command) {
                case "bench" -> BenchCommand.run(cl, backend, out);
                case "train" -> TrainCommand.run(cl, backend, out, err);
                case "translate" -> TranslateCommand.run(cl, backend, out, err);
                case "convert" -> ConvertCommand.run(cl, backend, out);
                case "graph" -> GraphCommand.run(cl, backend, out, err);
                case "test" -> TestCommand.run(cl, backend, out, err);
                case "doctor" -> DoctorCommand.run(cl, backend, out, err);
                case "devices" -> DevicesCommand.run(cl, backend, out);
                default -> info(out, backend);
            };
        } catch (UsageException e) {
            return usageError(err, e.getMessage());
        } catch (java.io.IOException | BackendException e) {
            // BackendException: the device failed (out of memory, driver error); its message says what to try.
            return error(err, e);
        } finally {
            Backends.setDefault(previous);
            backend.close();
        }
        // Anything else (an engine error) is a bug, not bad input: it propagates with its stack trace, exit status 1.
    }

    /** Applies --threads and picks the --device backend, announcing any fallback on stderr. */
    static Backend selectBackend(CommandLine cl, PrintStream err) {
        String threads = cl.string("threads");
        if (!threads.isEmpty()) {
            int n = cl.integer("threads", 1);   // validates
            // Refused here, as a usage error: the provider would only report it as "cpu unavailable" and fall back.
            if (n > CpuBackendProvider.maxThreads()) throw new UsageException(cl.command() + ": " + CpuBackendProvider.tooManyThreads(threads));
            System.setProperty("cyclegan.threads", threads.trim());
        } else {
            System.clearProperty("cyclegan.threads");
        }
        Backend backend;
        try {
            backend = Backends.select(cl.string("device"), msg -> err.println("warning: " + msg));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!threads.isEmpty() && !backend.name().equals("cpu")) {
            err.println("warning: --threads applies to the cpu backend only; '" + backend.name() + "' ignores it");
        }
        return backend;
    }

    private static int usageError(PrintStream err, String message) {
        err.println("error: " + message);
        err.println("run with --help for usage");
        return 2;
    }

    /** Bad input files and device failures: the message names what went wrong and why; exit status 1. */
    private static int error(PrintStream err, Exception e) {
        err.println("error: " + IoMessages.describe(e));
        return 1;
    }

    /** One line per backend: available or why not, and why auto passes over it when it does. */
    private static void backendLines(PrintStream out) {
        for (BackendProvider p : Backends.providers()) {
            String reason = p.unavailableReason();
            String skip = reason == null ? p.autoSkipReason() : null;
            out.printf("  %-10s %s%n", p.name(), reason != null ? "unavailable: " + reason
                    : "available" + (skip == null ? "" : " (auto prefers another: " + skip + ")"));
        }
    }

    /** The devices command: every backend, every device it can run on, and what auto would choose. */
    private static int devices(PrintStream out) {
        out.println("backends (most preferred first):");
        backendLines(out);
        for (BackendProvider p : Backends.providers()) {
            List<String> lines = p.devices();
            if (lines.isEmpty()) continue;
            out.println(p.name() + ":");
            for (String line : lines) out.println("  " + line);
        }
        List<BackendProvider> auto = Backends.autoCandidates(msg -> {});
        out.println("--device auto picks: " + (auto.isEmpty() ? "nothing (no backend available)" : auto.get(0).name()));
        return 0;
    }

    private static int info(PrintStream out, Backend backend) {
        out.println("cyclegan-engine " + Version.get() + " on Java " + Runtime.version());
        out.println("backends:");
        backendLines(out);
        out.println("using: " + backend.description());
        out.println();
        out.println("autodiff demo: fit y = 3x - 1 from 32 noisy points with Adam(lr 0.05, betas 0.9/0.999)");
        Random rng = new Random(7);
        Tensor x = Tensor.uniform(rng, -1f, 1f, 32, 1);
        Tensor y = x.mul(3f).sub(1f).add(Tensor.randn(rng, 32, 1).mul(0.05f));
        Tensor w = Tensor.zeros(1, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        Adam adam = new Adam(List.of(w, b), 0.05f, 0.9f, 0.999f, 1e-8f, 0f);
        float loss = Float.NaN;
        for (int step = 1; step <= 300; step++) {
            adam.zeroGrad();
            Tensor l = x.matmul(w).add(b).sub(y);
            Tensor mse = l.mul(l).mean();
            mse.backward();
            adam.step();
            loss = mse.item();
            if (step == 1 || step % 100 == 0) out.printf("  step %3d  loss %.6f  w %.4f  b %.4f%n", step, loss, w.item(), b.item());
        }
        boolean ok = Math.abs(w.item() - 3f) < 0.05f && Math.abs(b.item() + 1f) < 0.05f;
        out.println(ok ? "demo ok: recovered w = 3, b = -1" : "demo FAILED: the fit did not converge (final loss " + loss + ")");
        return ok ? 0 : 1;
    }
}
