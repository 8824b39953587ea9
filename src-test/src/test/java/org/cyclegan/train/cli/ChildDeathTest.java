package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the launcher explains a child JVM that a signal ended: the signal by name, what it means, the crash report. */
class ChildDeathTest {
    private static final Path WORK = Path.of("/home/u/run");

    private static Optional<String> describe(int status, List<String> options, String chainingOff, Path... existing) {
        Set<Path> files = Set.of(existing);
        return ChildDeath.describe(status, 4242, WORK, options, files::contains, chainingOff);
    }

    @Test void statusesAboveOneHundredTwentyEightAreSignals() {
        assertEquals(11, ChildDeath.signalOf(139));
        assertEquals(9, ChildDeath.signalOf(137));
        assertEquals(6, ChildDeath.signalOf(134));
        assertEquals(0, ChildDeath.signalOf(0));
        assertEquals(0, ChildDeath.signalOf(1));
        assertEquals(0, ChildDeath.signalOf(128));
        assertEquals(0, ChildDeath.signalOf(255), "beyond SIGRTMAX: an exit status");
        assertEquals("SIGSEGV", ChildDeath.signalName(11));
        assertEquals("SIGABRT", ChildDeath.signalName(6));
        assertEquals("SIGBUS", ChildDeath.signalName(7));
        assertEquals("SIGKILL", ChildDeath.signalName(9));
        assertEquals("SIGSYS", ChildDeath.signalName(31));
        assertEquals("SIGRTMIN+2", ChildDeath.signalName(36));
    }

    @Test void ordinaryExitsAndOrderlyShutdownsSayNothing() {
        for (int status : new int[] {0, 1, 2, 129, 130, 143}) {
            assertEquals(Optional.empty(), describe(status, List.of(), null), "status " + status);
        }
    }

    @Test void aSegfaultWithoutReportSaysSoInOneLine() {
        String line = describe(139, List.of(), null).orElseThrow();
        assertTrue(line.startsWith("error: the Java runtime crashed with SIGSEGV (signal 11, exit status 139)"), line);
        assertTrue(line.contains("a crash of the JVM or of a native library in it"), line);
        assertTrue(line.contains("no crash report (hs_err_pid4242.log) was written"), line);
        assertFalse(line.contains("signal chaining"), "chaining was on: " + line);
        assertFalse(line.contains("\n"), line);
    }

    @Test void theCrashReportIsFoundInTheWorkingDirectoryThenTmp() {
        Path here = WORK.resolve("hs_err_pid4242.log"), tmp = Path.of("/tmp/hs_err_pid4242.log");
        assertTrue(describe(134, List.of(), null, here, tmp).orElseThrow().contains("SIGABRT (signal 6, exit status 134)"));
        assertTrue(describe(134, List.of(), null, here, tmp).orElseThrow().endsWith("crash report: " + here));
        assertTrue(describe(134, List.of(), null, tmp).orElseThrow().endsWith("crash report: " + tmp));
        assertNull(ChildDeath.crashReport(4242, WORK, List.of(), f -> false));
    }

    @Test void errorFileIsHonouredWithItsPidPattern() {
        List<String> options = List.of("-Xmx1g", "-XX:ErrorFile=logs/crash_%p_100%%.log");
        Path named = WORK.resolve("logs/crash_4242_100%.log");
        assertEquals(named, ChildDeath.crashReport(4242, WORK, options, Set.of(named, WORK.resolve("hs_err_pid4242.log"))::contains));
        // Not writable there: HotSpot falls back to the working directory.
        assertEquals(WORK.resolve("hs_err_pid4242.log"), ChildDeath.crashReport(4242, WORK, options, Set.of(WORK.resolve("hs_err_pid4242.log"))::contains));
        assertEquals(Path.of("/var/crash/jvm-4242.log"),
                ChildDeath.crashReport(4242, WORK, List.of("-XX:ErrorFile=/var/crash/jvm-%p.log"), Set.of(Path.of("/var/crash/jvm-4242.log"))::contains));
    }

    @Test void chainingBeingOffIsPartOfTheLine() {
        String line = describe(139, List.of(), "CYCLEGAN_NO_SIGNAL_CHAINING=1").orElseThrow();
        assertTrue(line.endsWith("(signal chaining was off: CYCLEGAN_NO_SIGNAL_CHAINING=1)"), line);
    }

    @Test void aKillIsNotCalledACrash() {
        String line = describe(137, List.of(), null).orElseThrow();
        assertTrue(line.contains("killed by SIGKILL (signal 9, exit status 137) from outside the process"), line);
        assertTrue(line.contains("out-of-memory killer"), line);
        assertFalse(line.contains("crash"), line);
    }

    @Test void otherSignalsAreNamed() {
        assertEquals("error: the Java runtime was ended by SIGXCPU (signal 24, exit status 152)", describe(152, List.of(), null).orElseThrow());
    }
}
