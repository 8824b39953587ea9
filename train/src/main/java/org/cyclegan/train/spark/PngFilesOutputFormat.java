package org.cyclegan.train.spark;

import java.io.IOException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * Writes each record (output name, PNG bytes) as its own file, under the name, inside the output folder — through
 * Hadoop's file output committer, which is what makes the job's output safe on a cluster. A task attempt writes into
 * its own folder under {@code _temporary}; only when the attempt succeeds, and Spark's commit coordinator lets it (one
 * attempt per partition, so speculative copies never both land), is that folder committed; the job's commit then moves
 * the committed files into place and writes {@code _SUCCESS}. An attempt that fails mid-write is aborted with its
 * folder, so no partial file, and no file twice, ever reaches the output. The job sets the committer's algorithm 1,
 * whose task commit is one rename.
 */
public final class PngFilesOutputFormat extends FileOutputFormat<String, byte[]> {
    @Override
    public RecordWriter<String, byte[]> getRecordWriter(TaskAttemptContext context) throws IOException {
        Path work = ((FileOutputCommitter) getOutputCommitter(context)).getWorkPath();
        FileSystem fs = work.getFileSystem(context.getConfiguration());
        // A PNG carries its own CRCs; the local file system's .crc file beside each would litter the output folder.
        FileSystem target = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
        return new RecordWriter<>() {
            @Override
            public void write(String name, byte[] png) throws IOException {
                try (FSDataOutputStream o = target.create(new Path(work, name), false)) {
                    o.write(png);
                }
            }

            @Override
            public void close(TaskAttemptContext c) {}
        };
    }

    /**
     * Unlike Hadoop's default, an existing output folder is allowed, as {@code translate} allows it: the driver has
     * already refused outputs that would replace files there (without --overwrite) or overlap the input.
     */
    @Override
    public void checkOutputSpecs(JobContext job) throws IOException {
        Path out = getOutputPath(job);
        if (out == null) throw new IOException("no output folder set");
        FileSystem fs = out.getFileSystem(job.getConfiguration());
        if (fs.exists(out) && !fs.getFileStatus(out).isDirectory()) throw new IOException("--output " + out + " is a file; give a folder");
    }
}
