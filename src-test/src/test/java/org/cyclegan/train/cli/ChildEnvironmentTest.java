package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The child JVM's environment (signal chaining): the JDK's libjsig.so put first in LD_PRELOAD, other entries kept, never
 * twice; said out loud when it is missing or turned off; nothing changed off Linux.
 */
class ChildEnvironmentTest {
    private static final Path JDK = Path.of("/opt/jdk");
    private static final Path LIB = JDK.resolve("lib/libjsig.so"), SERVER = JDK.resolve("lib/server/libjsig.so");

    private static ChildEnvironment plan(Map<String, String> env, Path... existing) {
        Set<Path> files = Set.of(existing);
        return ChildEnvironment.plan("Linux", JDK, env, files::contains);
    }

    private static Map<String, String> applied(ChildEnvironment plan, Map<String, String> env) {
        Map<String, String> child = new HashMap<>(env);
        plan.applyTo(child);
        return child;
    }

    @Test void libjsigIsPreloadedWhenTheJdkHasIt() {
        ChildEnvironment p = plan(Map.of(), LIB, SERVER);
        assertTrue(p.chaining());
        assertEquals(LIB.toString(), p.ldPreload());
        assertNull(p.note(), "nothing to announce when chaining is on");
        assertEquals(LIB.toString(), applied(p, Map.of("HOME", "/root")).get("LD_PRELOAD"));
        assertEquals("/root", applied(p, Map.of("HOME", "/root")).get("HOME"), "the rest of the environment is left alone");
    }

    @Test void theServerFolderIsTheFallback() {
        assertEquals(SERVER.toString(), plan(Map.of(), SERVER).ldPreload());
    }

    @Test void libjsigGoesBeforeTheUsersPreloadsAndIsNeverDuplicated() {
        assertEquals(LIB + ":/usr/lib/libtrace.so", plan(Map.of("LD_PRELOAD", "/usr/lib/libtrace.so"), LIB).ldPreload());
        // Already there (a child of a child, or the user's own): one copy, still first.
        assertEquals(LIB + ":/usr/lib/libtrace.so", plan(Map.of("LD_PRELOAD", "/usr/lib/libtrace.so:" + LIB), LIB).ldPreload());
        assertEquals(LIB.toString(), plan(Map.of("LD_PRELOAD", LIB.toString()), LIB).ldPreload());
        // Another JDK's libjsig would not match this JVM: replaced by ours. ld.so also splits on spaces.
        assertEquals(LIB + ":/a/liba.so:/b/libb.so", plan(Map.of("LD_PRELOAD", " /other/jdk/lib/libjsig.so /a/liba.so  /b/libb.so"), LIB).ldPreload());
    }

    @Test void aJdkWithoutLibjsigIsAnnouncedAndTheEnvironmentKept() {
        ChildEnvironment p = plan(Map.of("LD_PRELOAD", "/usr/lib/libtrace.so"));
        assertFalse(p.chaining());
        assertEquals("/usr/lib/libtrace.so", p.ldPreload());
        assertTrue(p.note().startsWith("note: running without signal chaining (no libjsig.so in " + JDK.resolve("lib") + ")"), p.note());
        assertTrue(p.note().contains("OpenCL driver") && p.note().contains("SIGSEGV"), p.note());
        assertFalse(p.note().contains("\n"), "one line");
        assertEquals("no libjsig.so in " + JDK.resolve("lib"), p.offReason());
        assertEquals("/usr/lib/libtrace.so", applied(p, Map.of("LD_PRELOAD", "/usr/lib/libtrace.so")).get("LD_PRELOAD"));
        assertFalse(applied(plan(Map.of()), Map.of()).containsKey("LD_PRELOAD"), "no LD_PRELOAD is made up");
    }

    @Test void theSwitchTurnsChainingOffAnnouncedAndRemovesLibjsig() {
        ChildEnvironment p = plan(Map.of("CYCLEGAN_NO_SIGNAL_CHAINING", "1", "LD_PRELOAD", LIB + ":/usr/lib/libtrace.so"), LIB);
        assertFalse(p.chaining());
        assertTrue(p.disabled());
        assertEquals("/usr/lib/libtrace.so", p.ldPreload());
        assertTrue(p.note().contains("CYCLEGAN_NO_SIGNAL_CHAINING=1"), p.note());
        ChildEnvironment only = plan(Map.of("CYCLEGAN_NO_SIGNAL_CHAINING", "1", "LD_PRELOAD", LIB.toString()), LIB);
        assertFalse(applied(only, Map.of("LD_PRELOAD", LIB.toString())).containsKey("LD_PRELOAD"), "an LD_PRELOAD of only libjsig is removed");
        assertTrue(plan(Map.of("CYCLEGAN_NO_SIGNAL_CHAINING", "0"), LIB).chaining(), "only 1 turns it off");
    }

    @Test void offLinuxNothingChangesAndNothingIsSaid() {
        ChildEnvironment p = ChildEnvironment.plan("Mac OS X", JDK, Map.of("LD_PRELOAD", "/x.so"), f -> true);
        assertFalse(p.chaining());
        assertNull(p.note());
        assertNull(p.offReason());
        assertEquals("/x.so", applied(p, Map.of("LD_PRELOAD", "/x.so")).get("LD_PRELOAD"));
    }

    /** The real JDK running the tests: the launcher's plan for it names a library that exists (JDKs ship one). */
    @Test void theRunningJdkHasALibjsig() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "LD_PRELOAD is Linux's");
        ChildEnvironment p = ChildEnvironment.forThisJvm();
        if (p.disabled()) return;   // the suite run with CYCLEGAN_NO_SIGNAL_CHAINING=1 to show the stress test failing
        assertTrue(p.chaining(), p.note());
        assertTrue(Files.isRegularFile(Path.of(p.ldPreload().split(":")[0])), p.ldPreload());
    }

    /**
     * The test JVM itself: the build preloads libjsig for surefire's forks (pom.xml), because the OpenCL tests load PoCL
     * beside the cpu backend's threads in one JVM; the launcher's check sees it loaded.
     */
    @Test void theTestJvmRunsWithSignalChaining() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "LD_PRELOAD is Linux's");
        assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "lib", "libjsig.so")), "the pom's profile needs lib/libjsig.so");
        assertTrue(ChildEnvironment.loadedInThisProcess(), "LD_PRELOAD=" + System.getenv("LD_PRELOAD") + ": surefire's fork should have libjsig.so loaded");
    }
}
