package org.cyclegan.train.cli;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The jar's entry point. The Vector API lives in the incubator module {@code jdk.incubator.vector}, which no manifest
 * attribute can add, so plain {@code java -jar cyclegan-engine.jar} starts without it. This class then starts the same
 * Java again with {@code --add-modules=jdk.incubator.vector}, the same JVM options and arguments and the same standard
 * streams, and exits with the child's status (a termination signal is passed on to the child, and waited for). For
 * train and bench the child also gets a heap sized to the run ({@link HeapPlan}).
 *
 * <p>On Linux the child also gets the JDK's signal-chaining library preloaded ({@link ChildEnvironment}: native OpenCL
 * drivers would otherwise take over the JVM's signal handlers and crash it at random). That can only be arranged
 * before a JVM starts, so a JVM that already has the module but not the library restarts too, once: telling in
 * advance which commands will load a driver (every --device auto probes for one) would mean repeating
 * {@link Main}'s decisions here, for the price of one JVM start. When the child dies by a signal, one line says which,
 * and where the crash report is ({@link ChildDeath}); for {@code train}, which save to continue from
 * ({@link LastGoodCheckpoint}). With the module present and chaining in place (or not possible) it runs {@link Main}
 * directly.
 */
public final class Launcher {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set in the child so a JVM that still lacks the module cannot relaunch forever. */
    static final String RELAUNCHED = "cyclegan.relaunched";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean(RELAUNCHED)) {   // the child: whatever it lacks now, a restart would lack too
            stopWhenLauncherEnds();
            System.exit(Main.run(args));
            return;
        }
        boolean vector = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        ChildEnvironment env = ChildEnvironment.forThisJvm();
        boolean chained = ChildEnvironment.loadedInThisProcess();
        // Restart for the module, to gain signal chaining, or to lose it when CYCLEGAN_NO_SIGNAL_CHAINING=1 asks to.
        boolean restart = !vector || (!chained && env.chaining()) || (chained && env.disabled());
        if (!restart) {
            if (!chained && env.note() != null) System.err.println(env.note());
            System.exit(Main.run(args));
            return;
        }
        List<String> command = relaunchCommand(args);
        if (command == null) {
            List<String> without = new ArrayList<>();
            if (!vector) without.add("the Vector API module (the cpu backend will be unavailable)");
            if (!chained && env.chaining()) without.add("signal chaining (a native OpenCL driver may crash the JVM)");
            if (!without.isEmpty()) System.err.println("note: could not find how this JVM was started, so it cannot restart; running without " + String.join(" and ", without));
            else if (!chained && env.note() != null) System.err.println(env.note());
            System.exit(Main.run(args));
            return;
        }
        if (env.note() != null) System.err.println(env.note());
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        env.applyTo(builder.environment());
        Instant started = Instant.now();
        Process child = builder.start();
        // On Ctrl-C or SIGTERM this JVM would exit at once while the child is still saving its training state (see
        // StopOnSignal): pass the termination on and wait, so the shell gets its prompt back only when the child is done.
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            if (!child.isAlive()) return;
            child.destroy();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wait-for-child"));
        int status = child.waitFor();
        // A child that ends while the user is stopping the launcher ends as told: nothing to explain.
        if (!stopping.get()) explainDeath(status, child.pid(), args, started, env);
        System.exit(status);
    }

    /**
     * The launcher waits for its child, so it only ends first when something killed it (kill -9 cannot be caught or
     * passed on). The child then stops as on SIGTERM — train finishes its step, saves and exits (StopOnSignal), any
     * other command exits at once — instead of running on unseen and racing a later --continue_train for its files.
     */
    private static void stopWhenLauncherEnds() {
        long launcher = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (launcher <= 1) return;
        // Not launcher.onExit(): a killed launcher stays a zombie until its shell reaps it, and counts as alive until
        // then. Its children are handed to another parent the moment it dies, so a changed parent is the sure sign.
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == launcher) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("the launcher (pid " + launcher + ") has ended: stopping as on SIGTERM");
            System.exit(143);
        }, "watch-launcher");
        watch.setDaemon(true);
        watch.start();
    }

    /** One line on stderr when a signal ended the child (see ChildDeath); for train, with the save to continue from. */
    private static void explainDeath(int status, long pid, String[] args, Instant started, ChildEnvironment env) {
        Optional<String> death = ChildDeath.describe(status, pid, Path.of("").toAbsolutePath(),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), Files::isRegularFile, env.offReason());
        if (death.isEmpty()) return;
        String checkpoint = LastGoodCheckpoint.sentence(args, started);
        System.err.println(death.get() + (checkpoint == null ? "" : "; " + checkpoint));
    }

    /** The heap for the child, sized to the run (see {@link HeapPlan}), announced in one line; none when not applicable. */
    private static List<String> heapOptions(String[] args, List<String> jvmArgs) {
        try {
            HeapPlan.Choice heap = HeapPlan.choose(args, jvmArgs, System.getenv(), HeapPlan.machineBytes());
            if (heap == null) return List.of();
            System.err.println(heap.message());
            return heap.jvmOptions();
        } catch (RuntimeException | OutOfMemoryError e) {
            System.err.println("note: could not size the heap for this run (" + e + "); the JVM's default heap applies");
            return List.of();
        }
    }

    private static List<String> relaunchCommand(String[] args) throws URISyntaxException {
        String java = ProcessHandle.current().info().command().orElse(null);
        if (java == null) java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (!new File(java).canExecute()) return null;
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--add-modules=" + VECTOR_MODULE);
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        cmd.addAll(jvmArgs);
        cmd.addAll(heapOptions(args, jvmArgs));
        cmd.add("-D" + RELAUNCHED + "=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Launcher.class.getName());   // which, seeing RELAUNCHED, runs Main (and watches this launcher)
        for (String a : args) cmd.add(a);
        return cmd;
    }
}
