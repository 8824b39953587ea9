package org.cyclegan.train.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code failing:}, whose writes of chosen files break off halfway with an
 * IOException, as a full disk or a lost node would: the job's tests write their output through it. Spark's local mode
 * runs the tasks in the test's JVM, so the test arms it through static state.
 */
public final class FailingFileSystem extends RawLocalFileSystem {
    private static volatile String trigger;
    private static final AtomicInteger remaining = new AtomicInteger();
    private static final AtomicInteger failed = new AtomicInteger();
    /** Bytes written before a failing write breaks off: some of the file, never all of it. */
    static final int BYTES_BEFORE_FAILURE = 20;

    /** Writes of files whose name contains {@code nameContains} fail, the next {@code times} of them (-1: all). */
    static void failWrites(String nameContains, int times) {
        trigger = nameContains;
        remaining.set(times);
        failed.set(0);
    }

    static void reset() {
        trigger = null;
        failed.set(0);
    }

    /** How many writes failed since {@link #failWrites}. */
    static int failures() {
        return failed.get();
    }

    @Override
    public URI getUri() {
        return URI.create("failing:///");
    }

    @Override
    public String getScheme() {
        return "failing";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return failing(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        return failing(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    /** {@code real}, or for an armed name a stream that breaks off after {@link #BYTES_BEFORE_FAILURE} bytes. */
    private static FSDataOutputStream failing(Path f, FSDataOutputStream real) throws IOException {
        String t = trigger;
        if (t == null || !f.getName().contains(t)) return real;
        if (remaining.get() >= 0 && remaining.getAndDecrement() <= 0) return real;
        return new FSDataOutputStream(new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (written == BYTES_BEFORE_FAILURE) {
                    failed.incrementAndGet();
                    throw new IOException("simulated device failure while writing " + f);
                }
                real.write(b);
                written++;
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        }, null);
    }
}
