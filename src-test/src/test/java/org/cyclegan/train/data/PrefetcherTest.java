package org.cyclegan.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The background loader: order, failures, shutdown. */
class PrefetcherTest {
    @Test
    void deliversEveryItemInOrder() {
        try (Prefetcher<Integer> p = new Prefetcher<>("t", 50, 3, i -> {
            if (i % 7 == 0) Thread.sleep(2);
            return i * 10;
        })) {
            for (int i = 0; i < 50; i++) {
                assertTrue(p.hasNext());
                assertEquals(i * 10, p.next());
                assertTrue(p.lastWaitSeconds() >= 0);
            }
            assertFalse(p.hasNext());
            assertEquals(50, p.delivered());
            assertTrue(p.totalWaitSeconds() >= p.lastWaitSeconds());
            assertThrows(java.util.NoSuchElementException.class, p::next);
        }
    }

    @Test
    void loaderFailureReachesTheConsumerWithTheFileNamed() {
        try (Prefetcher<Integer> p = new Prefetcher<>("t", 10, 2, i -> {
            if (i == 4) throw new ImageReadException("/data/trainA/bad.png", "truncated file");
            return i;
        })) {
            for (int i = 0; i < 4; i++) assertEquals(i, p.next());
            Prefetcher.LoadException e = assertThrows(Prefetcher.LoadException.class, p::next);
            assertTrue(e.getMessage().contains("/data/trainA/bad.png"), e.getMessage());
            assertInstanceOf(ImageReadException.class, e.getCause());
            assertEquals(4, e.index());
            assertFalse(p.hasNext(), "nothing after a failure");
        }
    }

    @Test
    void runtimeExceptionsAndErrorsArePropagatedToo() {
        try (Prefetcher<Integer> p = new Prefetcher<>("t", 3, 1, i -> {
            throw new IllegalStateException("boom " + i);
        })) {
            Prefetcher.LoadException e = assertThrows(Prefetcher.LoadException.class, p::next);
            assertEquals("boom 0", e.getMessage());
        }
    }

    @Test
    void closeStopsALoaderBlockedOnAFullQueue() throws Exception {
        AtomicInteger loaded = new AtomicInteger();
        Prefetcher<Integer> p = new Prefetcher<>("t", 1000, 2, i -> {
            loaded.incrementAndGet();
            return i;
        });
        assertEquals(0, p.next());
        p.close();
        int after = loaded.get();
        assertTrue(after < 1000, "the loader stopped early: " + after);
        Thread.sleep(20);
        assertEquals(after, loaded.get(), "nothing loaded after close returned");
        assertThrows(IllegalStateException.class, p::next);
        p.close(); // idempotent
    }
}
