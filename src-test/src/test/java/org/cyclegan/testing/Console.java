package org.cyclegan.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.cyclegan.train.cli.Main;

/** A command run as a user runs it ({@link Main#run}), with what it prints to stdout and stderr kept for the test to read. */
public final class Console {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    public final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    public final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    /** Runs {@code java -jar cyclegan-engine.jar args...} in this JVM; returns its exit status. */
    public int run(String... args) {
        return Main.run(args, outStream, errStream);
    }

    /** Everything printed to stdout so far. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything printed to stderr so far. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    public void resetOut() {
        out.reset();
    }

    public void resetErr() {
        err.reset();
    }
}
