package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Json;
import org.cyclegan.train.cli.Main;
import org.cyclegan.train.gan.CycleGan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bench command's output contract (not its timings): the JSON line, the profile, and refusal of bad options. */
class BenchCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final org.cyclegan.engine.backend.Backend previous = Backends.getDefault();

    @AfterEach
    void restore() {
        Backends.setDefault(previous);
        System.clearProperty("cyclegan.threads");
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void jsonLineHoldsMedianSecondsAndTheFirstTimedIterationsLosses() {
        assertEquals(0, run("bench", "--size", "32", "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks",
                "--iters", "2", "--warmup", "0", "--device", "cpu", "--threads", "2", "--json", "--profile"), err.toString());
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        assertTrue(((Number) json.get("seconds_per_iter")).doubleValue() > 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> losses = (Map<String, Object>) json.get("losses");
        assertEquals(CycleGan.LOSS_NAMES, java.util.List.copyOf(losses.keySet()));
        assertTrue(((Number) json.get("gflops")).doubleValue() > 0, "conv flops are counted on the cpu backend");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("per-kernel profile"), "--profile prints the profile");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("conv2d.forward"));
    }

    @Test void wgangpIsBenchedWithItsGradientPenalties() {
        assertEquals(0, run("bench", "--size", "32", "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks", "--gan_mode", "wgangp",
                "--iters", "1", "--warmup", "0", "--device", "cpu", "--threads", "2", "--json"), err.toString());
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertTrue(lines[0].contains("wgangp"), lines[0]);
        @SuppressWarnings("unchecked")
        Map<String, Object> losses = (Map<String, Object>) ((Map<String, Object>) Json.parse(lines[lines.length - 1])).get("losses");
        java.util.List<String> names = new java.util.ArrayList<>(CycleGan.LOSS_NAMES);
        names.addAll(CycleGan.PENALTY_LOSS_NAMES);
        assertEquals(names, java.util.List.copyOf(losses.keySet()));
        assertTrue(((Number) losses.get("gp_A")).doubleValue() > 0, "the penalty is on by default");
    }

    @Test void badOptionsAreRefusedWithTheOptionNamed() {
        assertEquals(2, run("bench", "--size", "abc"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--size"), err.toString());
        assertEquals(2, run("bench", "--netG", "resnet_0blocks"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--netG"), err.toString());
        assertEquals(2, run("bench", "--threads", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads"), err.toString());
        assertEquals(2, run("bench", "--iters"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--iters needs a value"), err.toString());
    }
}
