package org.cyclegan.train.run;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (or SIGTERM) during training into "finish this step, save, then exit" instead of losing everything since
 * the last checkpoint. The JVM runs shutdown hooks while other threads keep going and halts once the hooks return, so
 * the hook only raises a flag and waits for the training loop to say it has saved ({@link #saved}), up to a limit in
 * case the loop is stuck. {@link #close} removes the hook when training ends normally.
 */
final class StopOnSignal implements AutoCloseable {
    /** How long the hook waits for the loop to save: a few slow steps plus the write of a large state file. */
    private static final long WAIT_SECONDS = 300;

    private final CountDownLatch saved = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    StopOnSignal(PrintStream out) {
        hook = new Thread(() -> {
            requested = true;
            out.println();
            out.println("interrupt received: finishing the current step and saving the training state (up to " + WAIT_SECONDS / 60 + " minutes)...");
            try {
                if (!saved.await(WAIT_SECONDS, TimeUnit.SECONDS)) out.println("gave up waiting: the last periodic save is the one to continue from");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "save-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether an interrupt asked training to save and stop. */
    boolean requested() {
        return requested;
    }

    /** Tells the waiting hook that the state is on disk, so the JVM may exit. */
    void saved() {
        saved.countDown();
    }

    @Override
    public void close() {
        saved.countDown();   // training has stopped, for whatever reason: never hold an exit up
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The JVM is already shutting down: the hook is running or about to, and returns at once (latch released).
        }
    }
}
