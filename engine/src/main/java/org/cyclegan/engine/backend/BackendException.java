package org.cyclegan.engine.backend;

/**
 * A backend failed for a reason outside the program: a device ran out of memory, a driver refused a kernel, no device
 * was found. The message is written for the user (what happened, what to try); the command line prints it without a
 * stack trace. Programming errors stay ordinary exceptions.
 */
public class BackendException extends RuntimeException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
