package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResumableRandomTest {
    @Test void drawsExactlyWhatJavaUtilRandomDrawsForTheSameSeed() {
        for (long seed : new long[] {0, 1, -7, 123456789012345L}) {
            Random want = new Random(seed);
            ResumableRandom got = new ResumableRandom(seed);
            for (int i = 0; i < 200; i++) {
                assertEquals(want.nextInt(), got.nextInt());
                assertEquals(want.nextInt(37), got.nextInt(37));
                assertEquals(want.nextLong(), got.nextLong());
                assertEquals(want.nextFloat(), got.nextFloat());
                assertEquals(want.nextDouble(), got.nextDouble());
                assertEquals(want.nextGaussian(), got.nextGaussian(), "gaussian " + i + " for seed " + seed);
                assertEquals(want.nextBoolean(), got.nextBoolean());
            }
        }
    }

    @Test void aRestoredStateContinuesTheSameSequenceEvenWithAGaussianPending() {
        ResumableRandom r = new ResumableRandom(42);
        r.nextInt();
        r.nextGaussian();   // leaves the second Gaussian of the pair pending
        String saved = r.encode();
        assertTrue(r.state().haveNextGaussian());
        double[] expected = {r.nextGaussian(), r.nextDouble(), r.nextGaussian(), r.nextInt(1000)};
        ResumableRandom other = new ResumableRandom(7);
        other.decode(saved);
        double[] got = {other.nextGaussian(), other.nextDouble(), other.nextGaussian(), other.nextInt(1000)};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], "draw " + i);
    }

    @Test void malformedStatesAreRefused() {
        ResumableRandom r = new ResumableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> r.decode("12"));
        assertThrows(IllegalArgumentException.class, () -> r.decode("x:-"));
        assertThrows(IllegalArgumentException.class, () -> r.decode("1:zz"));
        assertThrows(IllegalArgumentException.class, () -> r.decode(Long.toString(1L << 50) + ":-"));
    }
}
