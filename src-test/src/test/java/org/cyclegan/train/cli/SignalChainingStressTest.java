package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signal chaining, end to end on the OpenCL platform present (PoCL in CI): {@link BusyCpuWhileOpenClBuilds} in fresh
 * JVMs started with the environment the launcher gives its child ({@link ChildEnvironment}), every run exit status 0.
 *
 * <p>How many runs: measured on PoCL 3.1 (LLVM 15), 2 cores, without chaining ({@code CYCLEGAN_NO_SIGNAL_CHAINING=1}),
 * 12 runs: the division check failed in 12 of 12 (200 to 300 of its 2000 divisions by zero returned a number: the probe
 * installs PoCL's SIGFPE handler, which skips the faulting instruction, whenever compiled code leaves the check to the
 * signal), a program build failed in 2, and none died by SIGSEGV (1 of 10 with an
 * earlier version of the driver); with chaining all 18 runs passed. So one run already shows chaining missing, and
 * {@link #RUNS} runs also give the rarer faults a chance (at p = 2/12 a run, P(none in 6) = (5/6)^6 = 33%; the translate
 * runs of src-test/stress/signal_chaining.sh are sized for SIGSEGV). A run takes 3 to 6 s.
 * {@code CYCLEGAN_NO_SIGNAL_CHAINING=1 mvn -B test -pl src-test -am -Dtest=SignalChainingStressTest
 * -Dsurefire.failIfNoSpecifiedTests=false} shows it failing.
 */
class SignalChainingStressTest {
    private static final int RUNS = 6, OPENINGS = 10;

    @Test void aBusyJvmKeepsItsSignalHandlersWhileOpenClProgramsBuild(@TempDir Path tmp) throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "signal chaining by LD_PRELOAD is Linux's");
        OpenClDevices.require();
        ChildEnvironment env = ChildEnvironment.forThisJvm();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                BusyCpuWhileOpenClBuilds.class.getName(), Integer.toString(OPENINGS)));
        for (int run = 1; run <= RUNS; run++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
            env.applyTo(pb.environment());
            Path out = tmp.resolve("out" + run + ".txt"), err = tmp.resolve("err" + run + ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process child = pb.start();
            int status = child.waitFor();
            String death = ChildDeath.describe(status, child.pid(), tmp, List.of(), Files::isRegularFile, env.offReason()).orElse("");
            assertEquals(0, status, "run " + run + " of " + RUNS + " (LD_PRELOAD=" + env.ldPreload() + "): " + death + "\n" + Files.readString(err));
            assertTrue(Files.readString(out).startsWith("ok: every division by zero threw; " + OPENINGS + " opencl backends opened"), Files.readString(out));
        }
    }
}
