package org.cyclegan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's entry point: the info command, --help, and refusal of bad options with exit status 2. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test void infoPrintsVersionBackendAndAConvergingDemo() {
        assertEquals(0, run("--device", "reference"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("cyclegan-engine "), text);
        assertTrue(text.contains("using: reference"), text);
        assertTrue(text.contains("demo ok"), text);
    }

    @Test void helpExitsZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage:"));
    }

    @Test void unknownOptionCommandAndDeviceAreRefused() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'--bogus'"));
        assertEquals(2, run("fly"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'fly'"));
        assertEquals(2, run("--device", "tpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'tpu'"));
        assertEquals(2, run("--device"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--device needs a value"), err.toString(StandardCharsets.UTF_8));
    }
}
