package org.cyclegan.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Explains in one line how the child JVM ended when a signal ended it, instead of leaving the user with a bare exit
 * status. {@link Process#waitFor} reports a child killed by signal n as status 128 + n (Linux), the shell's
 * convention, and the launcher passes that status on.
 *
 * <p>Not every such status is news. SIGHUP, SIGINT and SIGTERM make the JVM run its shutdown hooks (training saves its
 * state, see the run's StopOnSignal) and exit with 128 + n by itself, and {@code train} exits with 130 after an
 * interrupt on purpose: orderly ends, not reported. A fault signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP,
 * SIGSYS) means the Java runtime or a native library in it crashed (no Java exception ends a JVM that way); the JVM
 * writes {@code hs_err_pid<pid>.log} when it catches the fault itself (and then aborts: SIGABRT), and nothing when a
 * displaced handler let the kernel kill it outright. SIGKILL comes from outside the process: most often the kernel's
 * out-of-memory killer.
 */
final class ChildDeath {
    private ChildDeath() {}

    /** Linux's signal numbers 1..31 (x86 and ARM; the numbering every Linux the jar runs on shares). */
    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
            "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
            "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
            "SIGIO", "SIGPWR", "SIGSYS"};
    private static final List<String> ORDERLY = List.of("SIGHUP", "SIGINT", "SIGTERM");
    private static final List<String> CRASHES = List.of("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGTRAP", "SIGSYS");
    /** Highest signal number on Linux (SIGRTMAX). */
    private static final int MAX_SIGNAL = 64;

    /** The signal an exit status stands for (status 128 + n), or 0 when it is an ordinary exit status. */
    static int signalOf(int status) {
        int n = status - 128;
        return n >= 1 && n <= MAX_SIGNAL ? n : 0;
    }

    /** SIGSEGV for 11 and so on; real-time signals as SIGRTMIN+k (glibc's SIGRTMIN is 34). */
    static String signalName(int signal) {
        if (signal >= 1 && signal < NAMES.length) return NAMES[signal];
        if (signal >= 34 && signal <= MAX_SIGNAL) return "SIGRTMIN+" + (signal - 34);
        return "signal " + signal;
    }

    /**
     * The line to print for a child that ended with {@code status}, or empty when there is nothing to say (a normal exit,
     * or an orderly end on SIGHUP / SIGINT / SIGTERM).
     *
     * @param pid        the child's process id (its crash report is named after it)
     * @param workDir    the child's working directory, where the JVM writes its crash report
     * @param jvmOptions the child's JVM options, to find {@code -XX:ErrorFile=}
     * @param exists     whether a file exists (tests pass their own)
     * @param chainingOff why signal chaining was off in the child, or null when it was on
     */
    static Optional<String> describe(int status, long pid, Path workDir, List<String> jvmOptions, Predicate<Path> exists, String chainingOff) {
        int signal = signalOf(status);
        if (signal == 0) return Optional.empty();
        String name = signalName(signal);
        if (ORDERLY.contains(name)) return Optional.empty();
        String what = name + " (signal " + signal + ", exit status " + status + ")";
        if (name.equals("SIGKILL")) {
            return Optional.of("error: the Java runtime was killed by " + what + " from outside the process: most often the kernel's"
                    + " out-of-memory killer (see dmesg), or kill -9");
        }
        if (!CRASHES.contains(name)) return Optional.of("error: the Java runtime was ended by " + what);
        Path report = crashReport(pid, workDir, jvmOptions, exists);
        String where = report != null ? "crash report: " + report
                : "no crash report (hs_err_pid" + pid + ".log) was written: the process was killed before the JVM could write one";
        return Optional.of("error: the Java runtime crashed with " + what + ": a crash of the JVM or of a native library in it (such as"
                + " an OpenCL driver), not an error in Java code; " + where
                + (chainingOff == null ? "" : " (signal chaining was off: " + chainingOff + ")"));
    }

    /**
     * Where the JVM wrote its crash report, or null when it wrote none: {@code -XX:ErrorFile} when given ({@code %p} is
     * the pid), else {@code hs_err_pid<pid>.log} in the working directory, else in /tmp (HotSpot's order of fallbacks
     * when a place cannot be written).
     */
    static Path crashReport(long pid, Path workDir, List<String> jvmOptions, Predicate<Path> exists) {
        List<Path> candidates = new ArrayList<>();
        String errorFile = null;
        for (String o : jvmOptions) if (o.startsWith("-XX:ErrorFile=")) errorFile = o.substring("-XX:ErrorFile=".length());   // the last one wins
        if (errorFile != null && !errorFile.isEmpty()) candidates.add(workDir.resolve(expandPid(errorFile, pid)));
        String name = "hs_err_pid" + pid + ".log";
        candidates.add(workDir.resolve(name));
        candidates.add(Path.of("/tmp").resolve(name));
        for (Path p : candidates) if (exists.test(p)) return p;
        return null;
    }

    /** -XX:ErrorFile's pattern: %p is the process id, %% a percent sign. */
    static String expandPid(String pattern, long pid) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '%' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == 'p' || pattern.charAt(i + 1) == '%')) {
                s.append(pattern.charAt(i + 1) == 'p' ? Long.toString(pid) : "%");
                i++;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
