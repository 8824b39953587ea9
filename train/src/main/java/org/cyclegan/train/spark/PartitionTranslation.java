package org.cyclegan.train.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.cyclegan.train.translate.ImageInput;
import org.cyclegan.train.translate.Translated;
import scala.Tuple2;

/**
 * One task's work: the partition's rows of the binaryFile source (path, content) through a generator borrowed from the
 * executor, as (output name, PNG bytes), lazily, so the writer pulls images through the pipeline one by one. Skipped
 * images are warned about on the executor's stderr and collected for the driver's summary; accumulators updated in
 * the tasks of the job's final stage count once per partition, however often a task was retried.
 */
final class PartitionTranslation {
    private PartitionTranslation() {}

    static Iterator<Tuple2<String, byte[]>> run(Iterator<Row> rows, TranslationJob job, Map<String, String> names, LongAccumulator translated,
                                               CollectionAccumulator<String> skipped) throws IOException {
        TaskContext task = TaskContext.get();
        int threads = job.threads() > 0 ? job.threads() : Math.max(1, task.cpus());
        ExecutorTranslators.Slot slot = ExecutorTranslators.borrow(job, threads);
        task.addTaskCompletionListener((TaskCompletionListener) ctx -> ExecutorTranslators.giveBack(slot));
        Iterator<ImageInput<String>> inputs = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ImageInput<String> next() {
                Row r = rows.next();
                String path = r.getAs("path");
                byte[] content = r.getAs("content");
                String name = names.get(path);
                // The driver named every path of this same listing; a path without a name would be written nowhere.
                if (name == null) throw new IllegalStateException(path + " was not in the driver's listing of the input");
                return new ImageInput<>(name, path, () -> new ByteArrayInputStream(content));
            }
        };
        Iterator<Translated<String>> results = slot.translator().translate(inputs);
        return new Iterator<>() {
            private Translated<String> next;

            @Override
            public boolean hasNext() {
                while (next == null && results.hasNext()) {
                    Translated<String> r = results.next();
                    if (r.ok()) {
                        next = r;
                    } else {
                        System.err.println("warning: skipping " + r.skipped());
                        skipped.add(r.skipped());
                    }
                }
                return next != null;
            }

            @Override
            public Tuple2<String, byte[]> next() {
                if (!hasNext()) throw new NoSuchElementException();
                Translated<String> r = next;
                next = null;
                translated.add(1);
                return new Tuple2<>(r.key(), r.png());
            }
        };
    }
}
