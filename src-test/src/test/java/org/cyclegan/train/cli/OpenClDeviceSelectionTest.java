package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.kernels.opencl.DeviceInfo;
import org.cyclegan.kernels.opencl.OpenClPlatforms;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the opencl backend from the command line: the devices listing, opencl and opencl:N, what auto does, and —
 * in a child JVM whose ICD loader is pointed at an empty vendor folder, i.e. a machine with a loader but no OpenCL
 * platform — a clear message for --device opencl and a loud fallback for auto.
 */
class OpenClDeviceSelectionTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final org.cyclegan.engine.backend.Backend previous = Backends.getDefault();

    @AfterEach
    void restore() {
        Backends.setDefault(previous);
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void devicesListsEveryOpenClDeviceAndTheCpuBackend() {
        List<DeviceInfo> devices = List.of(OpenClDevices.require());
        assertEquals(0, run("devices"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        for (DeviceInfo d : OpenClPlatforms.probe().devices()) {
            assertTrue(text.contains("opencl:" + d.index() + "  " + d.type()), text);
            assertTrue(text.contains(d.name()), text);
            assertTrue(text.contains("compute units") && text.contains("global") && text.contains("max work-group"), text);
        }
        assertTrue(text.contains("cpu:") && text.contains("Vector API"), text);
        boolean gpu = OpenClPlatforms.probe().devices().stream().anyMatch(DeviceInfo::isGpuLike);
        assertTrue(text.contains("--device auto picks: " + (gpu ? "opencl" : "cpu")), text);
        assertFalse(devices.isEmpty());
    }

    @Test void openclAndOpenclNSelectADeviceAndAWrongNumberIsAUsageError() {
        OpenClDevices.require();
        assertEquals(0, run("info", "--device", "opencl:0"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("using: opencl (" + OpenClPlatforms.probe().devices().get(0).name()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("demo ok"), out.toString(StandardCharsets.UTF_8));
        int n = OpenClPlatforms.probe().devices().size();
        assertEquals(2, run("info", "--device", "opencl:" + n));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--device opencl:" + n + ": there"), err.toString(StandardCharsets.UTF_8));
    }

    @Test void autoUsesOpenclOnlyWithAGpuAndSaysNothingWhenItSkipsACpuDevice() {
        OpenClDevices.require();
        assertEquals(0, run("info"), err.toString(StandardCharsets.UTF_8));
        boolean gpu = OpenClPlatforms.probe().devices().stream().anyMatch(DeviceInfo::isGpuLike);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("using: " + (gpu ? "opencl" : "cpu")), out.toString(StandardCharsets.UTF_8));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("opencl"), "skipping a CPU device is a preference, not a fallback: " + err);
    }

    /** Runs Main in a child JVM with OCL_ICD_VENDORS pointing at an empty folder: the loader finds no platform. */
    private static Result withoutPlatform(Path empty, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OCL_ICD_VENDORS", empty.toString());
        Path stdout = Files.createTempFile(empty.getParent(), "out", ".txt"), stderr = Files.createTempFile(empty.getParent(), "err", ".txt");
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        int rc = pb.start().waitFor();
        return new Result(rc, Files.readString(stdout), Files.readString(stderr));
    }

    private record Result(int rc, String out, String err) {}

    /** Runs Main in a child JVM with PoCL's debug log on (every OpenCL call PoCL serves is named on stderr). */
    private static Result withPoclLog(Path tmp, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("POCL_DEBUG", "all");
        Path stdout = Files.createTempFile(tmp, "out", ".txt"), stderr = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        int rc = pb.start().waitFor();
        return new Result(rc, Files.readString(stdout), Files.readString(stderr));
    }

    /**
     * Looking for a GPU touches a CPU-only platform no more than needed: auto lists the devices (which already has PoCL
     * install its signal handlers; see ChildEnvironment) but creates no context and builds no program when it keeps the
     * cpu backend. The same log for --device opencl shows both, so the check can fail.
     */
    @Test void autoOnACpuOnlyPoclCreatesNoContextAndBuildsNothing(@TempDir Path tmp) throws Exception {
        OpenClDevices.require();
        List<DeviceInfo> devices = OpenClPlatforms.probe().devices();
        assumeTrue(devices.stream().allMatch(d -> d.platformName().contains("Portable Computing Language") && !d.isGpuLike()),
                "needs PoCL as the only platform, on the CPU");
        Result auto = withPoclLog(tmp, "info");
        assertEquals(0, auto.rc(), auto.err());
        assertTrue(auto.out().contains("using: cpu"), auto.out());
        for (String call : List.of("POclCreateContext", "pocl_driver_build_source", "compile_and_link_program")) {
            assertFalse(auto.err().contains(call), "auto on a CPU-only platform called " + call);
        }
        Result opencl = withPoclLog(tmp, "info", "--device", "opencl");
        assertEquals(0, opencl.rc(), opencl.err().lines().filter(l -> l.startsWith("error")).findFirst().orElse(""));
        assertTrue(opencl.err().contains("POclCreateContext") && opencl.err().contains("pocl_driver_build_source"),
                "PoCL's log names the context and the builds when the device is used");
    }

    @Test void withoutAPlatformOpenclIsAClearErrorAndAutoFallsBackLoudly(@TempDir Path tmp) throws Exception {
        OpenClDevices.require();   // the child JVM needs an ICD loader that honours OCL_ICD_VENDORS (ocl-icd does)
        Path empty = Files.createDirectories(tmp.resolve("no-vendors"));
        Result explicit = withoutPlatform(empty, "info", "--device", "opencl");
        assertEquals(2, explicit.rc(), explicit.err());
        assertTrue(explicit.err().contains("--device opencl is unavailable: no OpenCL platform"), explicit.err());
        Result auto = withoutPlatform(empty, "info");
        assertEquals(0, auto.rc(), auto.err());
        assertTrue(auto.err().contains("warning: backend 'opencl' unavailable, falling back: no OpenCL platform"), auto.err());
        assertTrue(auto.out().contains("using: cpu"), auto.out());
        Result devices = withoutPlatform(empty, "devices");
        assertEquals(0, devices.rc(), devices.err());
        assertTrue(devices.out().contains("opencl     unavailable: no OpenCL platform"), devices.out());
    }
}
