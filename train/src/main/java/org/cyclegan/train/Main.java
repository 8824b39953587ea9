package org.cyclegan.train;

import java.io.PrintStream;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.Version;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendProvider;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.optim.Adam;

/**
 * The command line. This version has one command, {@code info} (the default): it prints the version, the backends
 * this machine can run and the one chosen, and runs a small autodiff demo on it. Training commands come next.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar cyclegan-engine.jar [info] [--device auto|reference|<backend>] [--help]",
            "",
            "  info       print the version, the available backends and the chosen one, then fit a line",
            "             with the autodiff engine and Adam as a self-test (the default command)",
            "",
            "options:",
            "  --device   backend to run on; auto (default) picks the fastest one this machine supports",
            "  --help     show this text");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the process exit status. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = "info";
        String device = "auto";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--device" -> {
                    if (i + 1 >= args.length) return usageError(err, "option --device needs a value");
                    device = args[++i];
                }
                case "info" -> command = a;
                default -> {
                    if (a.startsWith("--device=")) device = a.substring("--device=".length());
                    else if (a.startsWith("-")) return usageError(err, "unknown option '" + a + "'");
                    else return usageError(err, "unknown command '" + a + "'");
                }
            }
        }
        Backend backend;
        try {
            backend = Backends.select(device, msg -> err.println("warning: " + msg));
        } catch (IllegalArgumentException e) {
            return usageError(err, e.getMessage());
        }
        Backends.setDefault(backend);
        return info(out, backend);
    }

    private static int usageError(PrintStream err, String message) {
        err.println("error: " + message);
        err.println("run with --help for usage");
        return 2;
    }

    private static int info(PrintStream out, Backend backend) {
        out.println("cyclegan-engine " + Version.get() + " on Java " + Runtime.version());
        out.println("backends:");
        for (BackendProvider p : Backends.providers()) {
            String reason = p.unavailableReason();
            out.println("  " + p.name() + (reason == null ? "  available" : "  unavailable: " + reason));
        }
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
