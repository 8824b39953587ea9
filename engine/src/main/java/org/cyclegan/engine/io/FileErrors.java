package org.cyclegan.engine.io;

import java.io.IOException;
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
 * What went wrong with a file, in words. java.nio's exceptions carry the reason in their class, and their message is
 * often the bare path ({@code NoSuchFileException: /proc/x} prints as "/proc/x"), so a message built from
 * {@code getMessage()} alone says where but not what.
 */
public final class FileErrors {
    private FileErrors() {}

    /** The reason of {@code e}, without its path: "no such file or folder", "No space left on device", ... */
    public static String reason(IOException e) {
        if (!(e instanceof FileSystemException fse)) {
            return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (e instanceof NoSuchFileException) return "no such file or folder";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "not a folder";
        if (e instanceof DirectoryNotEmptyException) return "folder not empty";
        if (e instanceof FileSystemLoopException) return "symbolic links form a loop";
        if (e instanceof FileAlreadyExistsException) {
            // Files.createDirectories throws this for a path that is a file: say so, it is the usual case.
            String file = fse.getFile();
            if (file != null && Files.exists(Path.of(file)) && !Files.isDirectory(Path.of(file))) return "already exists and is a file, not a folder";
            return "already exists";
        }
        if (fse.getReason() != null && !fse.getReason().isBlank()) return fse.getReason();   // "No space left on device", ...
        return e.getClass().getSimpleName();
    }
}
