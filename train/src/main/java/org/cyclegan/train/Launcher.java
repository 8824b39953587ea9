package org.cyclegan.train;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point. The Vector API lives in the incubator module {@code jdk.incubator.vector}, which no manifest
 * attribute can add, so plain {@code java -jar cyclegan-engine.jar} starts without it. When it is missing this class
 * starts the same Java again with {@code --add-modules=jdk.incubator.vector}, the same JVM options and arguments and
 * the same standard streams, and exits with the child's status (a termination signal is passed on to the child, and
 * waited for). For train and bench the child also gets a heap sized to the run ({@link HeapPlan}). When the module is
 * present it runs {@link Main} directly.
 */
public final class Launcher {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set in the child so a JVM that still lacks the module cannot relaunch forever. */
    static final String RELAUNCHED = "cyclegan.relaunched";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent() || Boolean.getBoolean(RELAUNCHED)) {
            System.exit(Main.run(args));
            return;
        }
        List<String> command = relaunchCommand(args);
        if (command == null) {
            System.err.println("note: could not find how this JVM was started; running without the Vector API module (the cpu backend will be unavailable)");
            System.exit(Main.run(args));
            return;
        }
        Process child = new ProcessBuilder(command).inheritIO().start();
        // On Ctrl-C or SIGTERM this JVM would exit at once while the child is still saving its training state (see
        // StopOnSignal): pass the termination on and wait, so the shell gets its prompt back only when the child is done.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!child.isAlive()) return;
            child.destroy();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wait-for-child"));
        System.exit(child.waitFor());
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
        cmd.add(Main.class.getName());
        for (String a : args) cmd.add(a);
        return cmd;
    }
}
