package org.cyclegan.train.gan;

import java.util.Random;

/**
 * A {@link Random} whose state can be read and restored, so that a training run saved to disk continues with exactly
 * the numbers an uninterrupted run would have drawn. {@code java.util.Random} keeps its seed private; this class runs
 * the same 48-bit linear congruential generator itself (same constants, same seed scrambling), so for a given seed every
 * method returns what {@code new Random(seed)} returns, and {@link #state()} is the whole truth about what comes next.
 *
 * <p>The state is the generator's 48-bit seed plus the second Gaussian that the polar method computes and keeps for
 * the next {@link #nextGaussian()} call. Like {@code Random}, instances are safe to share between threads.
 */
public final class ResumableRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;

    /** Everything that decides the next numbers: the LCG seed and the pending Gaussian, if any. */
    public record State(long seed, boolean haveNextGaussian, double nextGaussian) {}

    private long seed;
    private boolean haveNextGaussian;
    private double nextGaussian;

    public ResumableRandom(long seed) {
        super(0L);   // Random's own generator is never used: next(bits) below replaces it
        setSeed(seed);
    }

    /** Same scrambling as {@code Random.setSeed}; forgets a pending Gaussian. */
    @Override
    public synchronized void setSeed(long seed) {
        this.seed = (seed ^ MULTIPLIER) & MASK;
        this.haveNextGaussian = false;
    }

    @Override
    protected synchronized int next(int bits) {
        seed = (seed * MULTIPLIER + ADDEND) & MASK;
        return (int) (seed >>> (48 - bits));
    }

    /** The Marsaglia polar method, as {@code Random.nextGaussian}, with the spare value held where {@link #state()} sees it. */
    @Override
    public synchronized double nextGaussian() {
        if (haveNextGaussian) {
            haveNextGaussian = false;
            return nextGaussian;
        }
        double v1, v2, s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextGaussian = v2 * multiplier;
        haveNextGaussian = true;
        return v1 * multiplier;
    }

    public synchronized State state() {
        return new State(seed, haveNextGaussian, nextGaussian);
    }

    public synchronized void restore(State state) {
        if ((state.seed() & ~MASK) != 0) throw new IllegalArgumentException("random state: seed " + state.seed() + " has more than 48 bits");
        this.seed = state.seed();
        this.haveNextGaussian = state.haveNextGaussian();
        this.nextGaussian = state.nextGaussian();
    }

    /** The state as one line of text (for checkpoint metadata): {@code seed:gaussianBits} or {@code seed:-}. */
    public synchronized String encode() {
        return Long.toString(seed) + ':' + (haveNextGaussian ? Long.toHexString(Double.doubleToRawLongBits(nextGaussian)) : "-");
    }

    /** Restores a state written by {@link #encode()}; a malformed text is an IllegalArgumentException quoting it. */
    public void decode(String text) {
        int colon = text.indexOf(':');
        try {
            if (colon < 0) throw new NumberFormatException();
            long s = Long.parseLong(text.substring(0, colon));
            String g = text.substring(colon + 1);
            restore(g.equals("-") ? new State(s, false, 0)
                    : new State(s, true, Double.longBitsToDouble(Long.parseUnsignedLong(g, 16))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("random state: cannot read '" + text + "'");
        }
    }
}
