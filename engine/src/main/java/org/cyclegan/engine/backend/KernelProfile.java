package org.cyclegan.engine.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-kernel wall time, call count and flops, filled by a backend while profiling is on (see
 * {@link Backend#setProfile}). The {@code bench --profile} command prints it as the per-op profile of one iteration.
 */
public final class KernelProfile {
    /** One kernel's totals. */
    public static final class Entry {
        public final String kernel;
        public long calls;
        public long nanos;
        public double flops;

        Entry(String kernel) {
            this.kernel = kernel;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public synchronized void add(String kernel, long nanos, double flops) {
        Entry e = entries.computeIfAbsent(kernel, Entry::new);
        e.calls++;
        e.nanos += nanos;
        e.flops += flops;
    }

    /** Entries, most time first. */
    public synchronized List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort((a, b) -> Long.compare(b.nanos, a.nanos));
        return list;
    }

    public synchronized long totalNanos() {
        long t = 0;
        for (Entry e : entries.values()) t += e.nanos;
        return t;
    }

    public synchronized double totalFlops() {
        double f = 0;
        for (Entry e : entries.values()) f += e.flops;
        return f;
    }
}
