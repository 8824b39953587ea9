package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.backend.check.ContractProblems;
import org.cyclegan.engine.backend.check.KernelProblem;
import org.cyclegan.engine.io.Json;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.kernels.opencl.OpenClPlatforms;
import org.cyclegan.testing.OpenClDevices;
import org.cyclegan.testing.PerturbedBackend;
import org.cyclegan.train.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code devices --check}: it passes on the cpu backend and on the opencl one (PoCL in CI), runs every family of the
 * contract's problems, fails by name and with status 1 on a backend with one wrong kernel, and refuses bad options
 * with status 2.
 */
class DevicesCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final Backend previous = Backends.getDefault();

    @AfterEach
    void restore() {
        Backends.setDefault(previous);
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The kernel-family lines of the report. */
    private static List<String> familyLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) if (line.matches("  \\S.* +\\d+ +\\S+ +\\S+  (ok|FAIL)")) lines.add(line.trim());
        return lines;
    }

    /** Every family of the contract's problems, in order of first appearance. */
    private static List<String> families() {
        List<String> families = new ArrayList<>();
        for (KernelProblem p : new ContractProblems(ContractProblems.MathTolerances.JAVA).all()) if (!families.contains(p.family())) families.add(p.family());
        return families;
    }

    private void assertPasses(String device) {
        assertEquals(0, run("devices", "--check", "--device", device, "--json"), out() + err.toString(StandardCharsets.UTF_8));
        String text = out();
        List<String> lines = familyLines(text);
        List<String> families = families();
        assertEquals(families.size(), lines.size(), text);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).startsWith(families.get(i) + " ") && lines.get(i).endsWith(" ok"), lines.get(i));
        }
        assertTrue(families.containsAll(List.of("conv2d", "conv2dBackwardData", "conv2dBackwardWeight", "matmul", "pad2dBackward reflect",
                "normalizeBackward instance", "normalizeBackward batch", "adamUpdate", "sgdUpdate")), families.toString());
        assertTrue(text.contains("\niteration: one CycleGAN training iteration") && text.contains(")  ok\n"), text);
        assertTrue(text.contains("summary: ok: all " + families.size() + " kernel families"), text);
        assertFalse(text.contains("FAIL"), text);
        String[] all = text.trim().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(all[all.length - 1]);
        assertEquals(true, json.get("ok"));
        assertEquals(device, json.get("device"));
        assertEquals(families.size(), ((List<?>) json.get("kernels")).size());
    }

    @Test void passesOnTheCpuBackend() {
        assertPasses("cpu");
        assertTrue(out().contains("against reference:"), "the cpu backend's iteration is checked against the reference: " + out());
    }

    @Test void passesOnTheOpenClBackend() {
        OpenClDevices.require();
        assertPasses("opencl");
        assertTrue(out().contains("against cpu:"), out());
    }

    @Test void aWrongKernelFailsByNameWithStatus1() {
        int rc;
        try (Backend wrong = new PerturbedBackend(new CpuBackend(2))) {
            rc = DevicesCommand.check(wrong, false, new PrintStream(out, true, StandardCharsets.UTF_8));
        }
        String text = out();
        assertEquals(1, rc, text);
        List<String> failed = new ArrayList<>();
        for (String line : familyLines(text)) if (line.endsWith("FAIL")) failed.add(line);
        assertFalse(failed.isEmpty(), text);
        for (String line : failed) assertTrue(line.startsWith(PerturbedBackend.PERTURBED_KERNEL), "only the wrong kernel fails: " + line);
        assertTrue(failed.stream().anyMatch(l -> l.startsWith(PerturbedBackend.PERTURBED_KERNEL + " ")), text);
        assertTrue(text.contains("conv [1, 3, 13, 11, 5, 7, 1, 0] backward weight: relative error"), "the failing problem is named: " + text);
        assertTrue(text.contains(")  FAIL\n") && text.contains("gradient of G_A "), "the training iteration's gradients differ too: " + text);
        assertTrue(text.contains("summary: FAIL on perturbed: " + failed.size() + " of " + families().size() + " kernel families differ ("
                + PerturbedBackend.PERTURBED_KERNEL), text);
    }

    @Test void badOptionsAreUsageErrorsNamingTheOption() {
        assertEquals(2, run("devices", "--check", "--device", "tpu"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("--device") && e.contains("'tpu'") && e.contains("known: auto, ") && e.contains("cpu") && e.contains("reference"), e);
        err.reset();
        assertEquals(2, run("devices", "--json"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--json applies to the self-check only; add --check"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("devices", "--device", "cpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--device applies to the self-check only"), err.toString(StandardCharsets.UTF_8));
        assertEquals("", out(), "nothing is checked or listed");
    }

    @Test void aDeviceNumberBeyondTheListIsAUsageError() {
        OpenClDevices.require();
        int n = OpenClPlatforms.probe().devices().size();
        assertEquals(2, run("devices", "--check", "--device", "opencl:" + n));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--device opencl:" + n), err.toString(StandardCharsets.UTF_8));
    }

    @Test void withoutCheckDevicesStillLists() {
        assertEquals(0, run("devices"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out().startsWith("backends (most preferred first):") && out().contains("--device auto picks: "), out());
        assertFalse(out().contains("kernel family"), out());
    }
}
