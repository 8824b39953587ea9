package org.cyclegan.engine.backend;

/** Amounts to pad the last two (H, W) dimensions, in PyTorch's order: left, right, top, bottom. */
public record Padding(int left, int right, int top, int bottom) {
    public Padding {
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("pad2d: padding must be >= 0, got " + this);
        }
    }

    public static Padding all(int p) {
        return new Padding(p, p, p, p);
    }

    /** How the border is filled. */
    public enum Mode {
        /** Zeros outside the input. */
        ZERO,
        /** Mirror without repeating the edge: [a b c] padded by 2 gives [c b | a b c | b a]. */
        REFLECT;

        /**
         * Where coordinate {@code o} of a padded axis reads from in an axis of {@code size} entries padded by
         * {@code before} in front, or −1 where zero padding reads nothing.
         */
        public int source(int o, int before, int size) {
            return index(o - before, size);
        }

        /**
         * Where coordinate {@code i} of an axis of {@code size} entries reads from, i outside [0, size) in its
         * padding (at most size − 1 before or after it, for a reflection): i itself inside, −1 in zero padding.
         */
        public int index(int i, int size) {
            if (i >= 0 && i < size) return i;
            if (this == ZERO) return -1;
            return i < 0 ? -i : 2 * (size - 1) - i;   // mirror about the edge element, which is not repeated
        }
    }
}
