package org.cyclegan.train.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.kernels.opencl.DeviceInfo;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.kernels.opencl.OpenClPlatforms;

/**
 * The worst case for a JVM whose signal handlers a native OpenCL platform displaced, run in fresh JVMs by
 * {@link SignalChainingStressTest}. Three kinds of damage, all seen on PoCL without signal chaining:
 * <ol>
 *   <li>PoCL's SIGFPE handler (installed when its devices are listed) skips a faulting division, so a Java integer
 *       division by zero in compiled code returns a number instead of throwing {@link ArithmeticException}: checked
 *       first, right after the probe; without chaining some always go unchecked.</li>
 *   <li>Every program build re-installs LLVM's SIGSEGV handler, which resets itself on entry: a second thread faulting
 *       at the same safepoint then meets the default action and the JVM dies (status 139, no crash report).</li>
 *   <li>That handler also deletes the files LLVM registered for removal on a crash — the temporary files of the build in
 *       progress — so the build fails ("unable to rename temporary ... No such file or directory").</li>
 * </ol>
 * For 2 and 3 the cpu backend's worker threads (twice as many as cores, so some are preempted in compiled code) multiply
 * matrices, polling for safepoints, while the main thread opens opencl backends (each builds every program) and
 * forces a collection, a safepoint, after each.
 *
 * <p>Argument: how many backends to open. Exit status 0: the JVM kept its handlers; 1: divisions went unchecked or a
 * build failed (the lines on stderr say which); 3: no OpenCL platform; death by SIGSEGV: the handlers were displaced.
 */
public final class BusyCpuWhileOpenClBuilds {
    private BusyCpuWhileOpenClBuilds() {}

    public static void main(String[] args) throws InterruptedException {
        int openings = Integer.parseInt(args[0]);
        OpenClPlatforms.Probe probe = OpenClPlatforms.probe();
        if (!probe.ok()) {
            System.err.println("no OpenCL: " + probe.failure());
            System.exit(3);
        }
        List<String> failures = new ArrayList<>();
        int unchecked = divisionsByZeroThatDidNotThrow();
        if (unchecked > 0) {
            failures.add(unchecked + " integer divisions by zero in compiled Java code returned a number instead of throwing"
                    + " ArithmeticException: a native SIGFPE handler (PoCL's) displaced the JVM's");
        }

        CpuBackend cpu = new CpuBackend(2 * Runtime.getRuntime().availableProcessors());
        Backends.setDefault(cpu);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong products = new AtomicLong();
        Thread busy = new Thread(() -> {
            Tensor a = Tensor.randn(new Random(1), 256, 256).mul(0.05f);
            while (!stop.get()) {
                a.matmul(a).sum().item();   // no memory scope: the storages become garbage, and collections are safepoints
                products.incrementAndGet();
            }
        }, "busy-cpu");
        busy.setDaemon(true);
        busy.start();
        while (products.get() < 100) Thread.sleep(5);   // the products run compiled before the first build
        DeviceInfo device = probe.devices().get(0);
        int built = 0;
        for (int i = 0; i < openings; i++) {
            try {
                new OpenClBackend(device).close();
                built++;
            } catch (RuntimeException e) {
                failures.add("opening opencl backend " + (i + 1) + " of " + openings + " failed: " + e.getMessage());
            }
            System.gc();   // a safepoint requested by this thread while the products run on the others
        }
        stop.set(true);
        busy.join();
        cpu.close();
        if (!failures.isEmpty()) {
            failures.forEach(System.err::println);
            System.exit(1);
        }
        System.out.println("ok: every division by zero threw; " + built + " opencl backends opened beside " + products.get() + " cpu matrix products");
    }

    private static int divisionsByZeroThatDidNotThrow() {
        int unchecked = 0;
        long sum = 0;
        for (int i = 0; i < 2_000_000; i++) {
            int divisor = i % 1000 == 0 ? 0 : 1;
            try {
                sum += divide(i, divisor);
                if (divisor == 0) unchecked++;
            } catch (ArithmeticException expected) {
                if (divisor != 0) throw expected;
            }
        }
        if (sum == 42) System.out.print("");   // keeps the divisions' results alive
        return unchecked;
    }

    private static int divide(int a, int b) {
        return a / b;
    }
}
