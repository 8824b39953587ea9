package org.cyclegan.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a crash never leaves a half-written one under the real name: the content goes to a temporary
 * file in the same folder, is flushed to disk, and the temporary file is renamed over the target.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Fills a channel opened on the temporary file. */
    @FunctionalInterface
    public interface Writer {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code file} through {@code writer}. A failure (a full disk, a folder in the way) is an IOException whose
     * message names {@code file} and the reason; the file keeps its earlier content, if it had one.
     */
    public static void write(Path file, Writer writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: that makes the file owner-only (0600), and the rename would carry that onto results
        // people share. CREATE_NEW with a random name gets the usual permissions and still never reuses a file.
        Path tmp = dir.resolve(file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMPORARY_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writer.write(ch);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IOException("could not write " + file + ": " + FileErrors.reason(e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile(".+\\.[0-9a-f]{1,16}" + java.util.regex.Pattern.quote(TEMPORARY_SUFFIX));

    /**
     * Whether {@code name} is one of the temporary files {@link #write} makes: left behind only when the process was
     * killed mid-write (kill -9, power loss), never needed again.
     */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /** Writes {@code text} as UTF-8, atomically as {@link #write}. */
    public static void writeString(Path file, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        write(file, ch -> {
            while (bytes.hasRemaining()) ch.write(bytes);
        });
    }
}
