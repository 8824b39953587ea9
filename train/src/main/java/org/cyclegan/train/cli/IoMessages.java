package org.cyclegan.train.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import org.cyclegan.engine.io.FileErrors;

/**
 * A file-system failure as one line for the user: "the path: the reason" ({@link FileErrors#reason}), where printing
 * {@code getMessage()} alone said where but not what went wrong.
 */
final class IoMessages {
    private IoMessages() {}

    /** "path: reason" for a {@link FileSystemException}, the message (or the exception's kind) for anything else. */
    static String describe(Throwable e) {
        if (!(e instanceof IOException io)) {
            return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (!(e instanceof FileSystemException fse)) return FileErrors.reason(io);
        String file = fse.getFile(), other = fse.getOtherFile();
        String where = file == null ? "" : file + (other == null ? "" : " -> " + other) + ": ";
        return where + FileErrors.reason(fse);
    }
}
