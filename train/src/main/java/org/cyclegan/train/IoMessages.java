package org.cyclegan.train;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A file-system failure as one line for the user: "the path: the reason". java.nio's exceptions carry the reason in
 * their class, and their message is often the bare path ({@code NoSuchFileException: /proc/x} prints as "/proc/x"), so
 * printing {@code getMessage()} alone said where but not what went wrong.
 */
final class IoMessages {
    private IoMessages() {}

    /** "path: reason" for a {@link FileSystemException}, the message (or the exception's kind) for anything else. */
    static String describe(Throwable e) {
        if (!(e instanceof FileSystemException fse)) {
            return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        }
        String file = fse.getFile(), other = fse.getOtherFile();
        String where = file == null ? "" : file + (other == null ? "" : " -> " + other) + ": ";
        return where + reason(fse);
    }

    private static String reason(FileSystemException e) {
        if (e instanceof NoSuchFileException) return "no such file or folder";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "not a folder";
        if (e instanceof DirectoryNotEmptyException) return "folder not empty";
        if (e instanceof FileSystemLoopException) return "symbolic links form a loop";
        if (e instanceof FileAlreadyExistsException) {
            // Files.createDirectories throws this for a path that is a file: say so, it is the usual case.
            String file = e.getFile();
            if (file != null && Files.exists(Path.of(file)) && !Files.isDirectory(Path.of(file))) return "already exists and is a file, not a folder";
            return "already exists";
        }
        if (e.getReason() != null && !e.getReason().isBlank()) return e.getReason();   // "No space left on device", ...
        return e.getClass().getSimpleName();
    }
}
