package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.cyclegan.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The reference's ImagePool rule: fill first; then half the time swap a random stored image for the new one. */
class ImagePoolTest {

    private static Tensor image(float v) {
        return Tensor.full(v, 1, 3, 2, 2);
    }

    @Test void returnsNewImagesUntilFullThenMixesHistoryAndNew() {
        ImagePool pool = new ImagePool(3, new ResumableRandom(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(i, pool.query(image(i)).toArray()[0], "while filling, the new image comes back");
        }
        assertEquals(3, pool.count());
        int fromHistory = 0, fresh = 0;
        Set<Float> stored = new HashSet<>();
        for (int i = 3; i < 203; i++) {
            float got = pool.query(image(i)).toArray()[0];
            boolean newStored = false;
            for (Tensor t : pool.images()) newStored |= t.toArray()[0] == i;
            if (got == i) {
                fresh++;
                assertTrue(!newStored, "a new image returned as is is not stored");
            } else {
                fromHistory++;
                assertTrue(newStored, "the new image takes the place of the one handed out");
            }
            assertTrue(got <= i, "never an image from the future");
        }
        for (Tensor t : pool.images()) stored.add(t.toArray()[0]);
        assertEquals(3, pool.count(), "the pool never grows beyond its size");
        assertEquals(3, stored.size());
        assertTrue(fromHistory > 70 && fresh > 70, "about half from history: " + fromHistory + " vs " + fresh);
    }

    @Test void storesACopyNotTheCallersTensor() {
        ImagePool pool = new ImagePool(2, new ResumableRandom(1));
        Tensor t = image(7);
        Tensor back = pool.query(t);
        assertArrayEquals(t.toArray(), back.toArray());
        assertTrue(back != t, "a detached copy is stored");
    }

    @Test void historySurvivesTrainingStepScopesAndNestedScopes() {
        // As in training: every query inside a step's MemoryScope, here also inside an outer (epoch) scope.
        ImagePool pool = new ImagePool(1, new ResumableRandom(3));
        try (org.cyclegan.engine.MemoryScope epoch = org.cyclegan.engine.MemoryScope.open()) {
            for (int i = 0; i < 20; i++) {
                try (org.cyclegan.engine.MemoryScope step = org.cyclegan.engine.MemoryScope.open()) {
                    float got = pool.query(image(i)).toArray()[0];
                    assertTrue(got <= i);
                }
                assertEquals(1, pool.images().size());
                pool.images().get(0).toArray();   // still readable after the step's scope closed
            }
        }
        pool.images().get(0).toArray();   // and after the outer scope
    }

    @Test void sizeZeroPassesImagesThrough() {
        ImagePool pool = new ImagePool(0, new ResumableRandom(1));
        Tensor t = image(1);
        assertSame(t, pool.query(t));
        assertEquals(0, pool.count());
    }

    @Test void batchesAreHandledPerImage() {
        ImagePool pool = new ImagePool(4, new ResumableRandom(1));
        Tensor batch = Tensor.of(new float[] {1, 2, 3}, 3, 1, 1, 1);
        assertArrayEquals(new float[] {1, 2, 3}, pool.query(batch).toArray());
        assertEquals(3, pool.count());
    }
}
