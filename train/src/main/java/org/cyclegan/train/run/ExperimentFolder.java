package org.cyclegan.train.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cyclegan.engine.io.AtomicFile;

/**
 * An experiment's folder ({@code <checkpoints_dir>/<name>}) as train uses it: whether it already holds a run, a lock
 * that keeps a second training out while one runs, moving an old run aside for {@code --overwrite}, and removing the
 * temporary files an interrupted save left.
 */
public final class ExperimentFolder implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private ExperimentFolder(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** The files of {@code dir} that show a run was trained there (networks, training states, the loss log). */
    public static List<String> runFiles(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) return found;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (CheckpointFiles.isRunFile(n) && Files.isRegularFile(p)) found.add(n);
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * Takes the experiment's lock, held until {@link #close} (or until this process ends, however it ends: the
     * operating system releases it). Another training of the same experiment is refused, naming its process.
     */
    public static ExperimentFolder lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = new CheckpointFiles(dir).lock();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;   // held by this very process (another training started in the same JVM)
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            ch.close();
            throw new IOException(dir + " is being trained by another process (" + (holder.isEmpty() ? "unknown" : holder)
                    + "): two trainings of one experiment would write over each other's checkpoints. Wait for it, stop it, or use another --name");
        }
        String me = "pid " + ProcessHandle.current().pid() + ", started " + LocalDateTime.now().withNano(0);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new ExperimentFolder(dir, ch, lock);
    }

    /**
     * Moves everything in the folder but the lock into a new sibling folder {@code <name>.replaced-<time>} and returns
     * it: the earlier run is set aside whole, never mixed with the new one, and nothing is deleted.
     */
    public Path moveRunAside() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = dir.resolveSibling(dir.getFileName() + ".replaced-" + stamp);
        for (int i = 2; Files.exists(aside); i++) aside = dir.resolveSibling(dir.getFileName() + ".replaced-" + stamp + "-" + i);
        Files.createDirectories(aside);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!p.getFileName().toString().equals(CheckpointFiles.LOCK)) Files.move(p, aside.resolve(p.getFileName()));
            }
        }
        return aside;
    }

    /** Deletes the temporary files of saves that were interrupted (the folder and samples/); returns how many. */
    public int removeStaleTemporaries() throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && AtomicFile.isTemporary(p.getFileName().toString())) {
                    Files.delete(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
