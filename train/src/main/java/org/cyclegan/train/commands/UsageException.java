package org.cyclegan.train.commands;

/**
 * Bad command-line input: the message is for the user, who gets it with "run with --help for usage" and exit status 2
 * ({@code Main}). Only the command line throws it: the code below it throws its own exceptions, which the commands turn
 * into this one where the input was the user's.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
