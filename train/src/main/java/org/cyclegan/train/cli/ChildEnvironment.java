package org.cyclegan.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The environment of the child JVM that {@link Launcher} starts: on Linux, the running JDK's signal-chaining library
 * {@code libjsig.so} is preloaded ({@code LD_PRELOAD}).
 *
 * <p>Why: HotSpot depends on its own signal handlers. Its compiled code polls for safepoints by reading a page the VM
 * protects on purpose, and it turns some faults into Java exceptions (null checks, integer division by zero), so a
 * SIGSEGV or SIGFPE in Java code is routine and must reach the JVM's handler. Native libraries loaded later may
 * install their own handlers over the JVM's. PoCL does, as soon as its devices are listed: LLVM's SIGSEGV, SIGBUS,
 * SIGILL... handlers (re-installed at every program build), which reset themselves on entry ({@code SA_RESETHAND}), so a
 * second thread faulting at the same safepoint meets the default action and the process dies with SIGSEGV (status 139,
 * no crash report), and which deletes the temporary files of a build in progress (the build fails); and PoCL's SIGFPE
 * handler, which skips the faulting division, so a Java division by zero in compiled code silently yields a number
 * instead of an {@code ArithmeticException}. GPU vendors' drivers are known to do the same. With {@code libjsig.so} preloaded, a library's {@code sigaction} no longer replaces the JVM's handler:
 * the JVM keeps it and passes on the signals that are not its own to the library's handler ("signal chaining", the
 * JDK's documented remedy). The environment variable has to be set before the JVM starts, which is why the launcher
 * does it for the child and cannot do it for itself.
 *
 * <p>{@code CYCLEGAN_NO_SIGNAL_CHAINING=1} turns this off (and removes any libjsig from the child's {@code LD_PRELOAD}),
 * to show the crash it prevents; the launcher announces it. Where the JDK has no {@code libjsig.so} the launcher says
 * so too and goes on without it. On other systems than Linux nothing changes ({@code LD_PRELOAD} is the Linux
 * loader's).
 */
final class ChildEnvironment {
    static final String LD_PRELOAD = "LD_PRELOAD";
    static final String DISABLE = "CYCLEGAN_NO_SIGNAL_CHAINING";
    static final String LIBRARY = "libjsig.so";

    /** Why a child would run without signal chaining. */
    enum Off { NONE, NOT_LINUX, DISABLED, NO_LIBRARY }

    /** The child's LD_PRELOAD (null: the variable is absent), and why chaining is off (NONE: it is on). */
    private final String ldPreload;
    private final Off off;
    private final String reason;

    private ChildEnvironment(String ldPreload, Off off, String reason) {
        this.ldPreload = ldPreload;
        this.off = off;
        this.reason = reason;
    }

    /** The plan for a child of this JVM, from its OS, {@code java.home} and environment. */
    static ChildEnvironment forThisJvm() {
        return plan(System.getProperty("os.name"), Path.of(System.getProperty("java.home")), System.getenv(), Files::isRegularFile);
    }

    /**
     * The plan for a child started from the JDK at {@code javaHome} with environment {@code env} on {@code osName};
     * {@code exists} says whether a file exists (tests pass their own).
     */
    static ChildEnvironment plan(String osName, Path javaHome, Map<String, String> env, Predicate<Path> exists) {
        String current = env.get(LD_PRELOAD);
        if (osName == null || !osName.startsWith("Linux")) return new ChildEnvironment(current, Off.NOT_LINUX, null);
        if ("1".equals(env.get(DISABLE))) {
            List<String> others = entriesOtherThanLibjsig(current);
            return new ChildEnvironment(others.isEmpty() ? null : String.join(":", others), Off.DISABLED, DISABLE + "=1");
        }
        Path library = library(javaHome, exists);
        if (library == null) return new ChildEnvironment(current, Off.NO_LIBRARY, "no " + LIBRARY + " in " + javaHome.resolve("lib"));
        List<String> entries = new ArrayList<>();
        entries.add(library.toString());
        entries.addAll(entriesOtherThanLibjsig(current));   // ours first; another JDK's libjsig would not match this JVM
        return new ChildEnvironment(String.join(":", entries), Off.NONE, null);
    }

    /** The JDK's libjsig: {@code lib/libjsig.so}, else {@code lib/server/libjsig.so}; null when it has neither. */
    static Path library(Path javaHome, Predicate<Path> exists) {
        for (Path p : List.of(javaHome.resolve("lib").resolve(LIBRARY), javaHome.resolve("lib").resolve("server").resolve(LIBRARY))) {
            if (exists.test(p)) return p;
        }
        return null;
    }

    /** The entries of an LD_PRELOAD value (separated by colons or spaces, as ld.so reads it) except any libjsig.so. */
    private static List<String> entriesOtherThanLibjsig(String ldPreload) {
        List<String> out = new ArrayList<>();
        if (ldPreload == null) return out;
        for (String e : ldPreload.trim().split("[:\\s]+")) {
            if (e.isEmpty() || isLibjsig(e)) continue;
            out.add(e);
        }
        return out;
    }

    private static boolean isLibjsig(String path) {
        return path.equals(LIBRARY) || path.endsWith("/" + LIBRARY);
    }

    /** The LD_PRELOAD the child gets, or null when it has none. */
    String ldPreload() {
        return ldPreload;
    }

    /** Whether the child will run with signal chaining. */
    boolean chaining() {
        return off == Off.NONE;
    }

    /** Whether chaining was turned off on purpose ({@code CYCLEGAN_NO_SIGNAL_CHAINING=1}). */
    boolean disabled() {
        return off == Off.DISABLED;
    }

    /** In a few words, why a Linux child runs without chaining ("no libjsig.so in ..."); null when it chains, or off Linux. */
    String offReason() {
        return reason;
    }

    /**
     * The line that announces a Linux JVM running without signal chaining (never silent: it is what keeps a native
     * driver from crashing the JVM), or null when there is nothing to say.
     */
    String note() {
        if (reason == null) return null;
        return "note: running without signal chaining (" + reason + "): a native library such as an OpenCL driver may take over"
                + " the JVM's signal handlers and crash it (SIGSEGV)" + (off == Off.NO_LIBRARY ? "; JDKs and jlink'd runtime images normally have it" : "");
    }

    /** Sets (or removes) LD_PRELOAD in a child's environment, e.g. {@code ProcessBuilder.environment()}. */
    void applyTo(Map<String, String> env) {
        if (ldPreload == null) env.remove(LD_PRELOAD);
        else env.put(LD_PRELOAD, ldPreload);
    }

    /**
     * Whether this JVM itself was started with a libjsig loaded (its memory map lists one): then it needs no restart
     * to get signal chaining. False where there is no {@code /proc} (not Linux).
     */
    static boolean loadedInThisProcess() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return false;
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> isLibjsig(l.trim()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;   // unreadable: treat as not loaded; the cost is one restart, never a missing handler
        }
    }
}
