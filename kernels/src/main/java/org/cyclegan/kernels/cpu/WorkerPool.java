package org.cyclegan.kernels.cpu;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads, sized once to the cores we may use. {@link #forEach} runs task indices
 * 0..n-1 on the workers and the calling thread together and returns when all are done; tasks are taken from a shared
 * counter so uneven tasks balance themselves. Calls must not nest (a task must not call forEach).
 */
final class WorkerPool implements AutoCloseable {
    private final int threads;
    private final Thread[] workers;
    private final BlockingQueue<Job>[] inboxes;
    /** True on a thread while it runs a task of this pool's (worker or caller), to refuse nested loops. */
    private final ThreadLocal<Boolean> inTask = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile boolean closed;

    /** One parallel loop in flight. */
    private static final class Job {
        final int n;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int n, IntConsumer body) {
            this.n = n;
            this.body = body;
        }

        void work(ThreadLocal<Boolean> inTask) {
            inTask.set(Boolean.TRUE);
            try {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    try {
                        if (failure.get() == null) body.accept(i);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);   // rethrown by forEach on the calling thread
                    } finally {
                        done.incrementAndGet();
                    }
                }
            } finally {
                inTask.set(Boolean.FALSE);
            }
        }
    }

    @SuppressWarnings("unchecked")
    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.inboxes = new BlockingQueue[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            BlockingQueue<Job> inbox = new ArrayBlockingQueue<>(1);
            inboxes[w] = inbox;
            workers[w] = new Thread(() -> {
                try {
                    while (true) inbox.take().work(inTask);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cpu-backend-" + (w + 1));
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs body(0) … body(n−1) in parallel; rethrows the first failure. */
    void forEach(int n, IntConsumer body) {
        if (n <= 0) return;
        if (closed) throw new IllegalStateException("the cpu backend was closed");
        if (inTask.get()) throw new IllegalStateException("WorkerPool.forEach must not be nested");
        if (n == 1 || threads == 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        Job job = new Job(n, body);
        int helpers = Math.min(workers.length, n - 1);
        for (int w = 0; w < helpers; w++) {
            try {
                inboxes[w].put(job);   // waits only if the worker has not yet picked up the previous, finished job
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dispatching work", e);
            }
        }
        job.work(inTask);
        // Tasks are short (a GEMM slice, a group of planes): spin briefly, then yield the core.
        for (int spins = 0; job.done.get() < n; spins++) {
            if (spins < 10_000) Thread.onSpinWait();
            else Thread.yield();
        }
        Throwable t = job.failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        if (t != null) throw new IllegalStateException(t);
    }

    /** Splits [0, total) into about one contiguous range per thread and runs body(start, end) on each. */
    void forRange(int total, int grain, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads, (total + grain - 1) / Math.max(1, grain)));
        int per = (total + chunks - 1) / chunks;
        forEach(chunks, c -> {
            int s = c * per, e = Math.min(total, s + per);
            if (s < e) body.run(s, e);
        });
    }

    /**
     * Below this many elements a loop runs on the calling thread alone: waking the workers would cost more than the
     * work. Split loops give each task at least about this many elements.
     */
    static final int MIN_TASK_ELEMENTS = 1 << 15;

    /** The grain for {@link #forRange} over units of {@code unitElements} elements each (planes, groups of planes). */
    static int grain(int unitElements) {
        return Math.max(1, MIN_TASK_ELEMENTS / Math.max(1, unitElements));
    }

    /**
     * Runs body over [0, n) in about one range per thread, each starting at a multiple of the vector length so that
     * only the last one has a scalar tail; on the calling thread alone below {@link #MIN_TASK_ELEMENTS}.
     */
    void forVectorRanges(int n, RangeBody body) {
        if (n < MIN_TASK_ELEMENTS) {
            body.run(0, n);
            return;
        }
        int lanes = VectorWidth.SPECIES.length();
        int per = ((n + threads - 1) / threads + lanes - 1) / lanes * lanes;
        forEach(threads, c -> {
            int s = c * per, e = Math.min(n, s + per);
            if (s < e) body.run(s, e);
        });
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    /** Stops the worker threads; later calls to forEach fail. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) t.interrupt();
    }
}
