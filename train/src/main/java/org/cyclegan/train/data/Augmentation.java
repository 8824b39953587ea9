package org.cyclegan.train.data;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Training augmentations the reference does not have, each off at 0 (the reference's behaviour): a random rotation
 * within ±{@code rotateDegrees} (see {@link Rotation}) and random brightness and contrast factors in
 * [1 − {@code brightness}, 1 + {@code brightness}] and [1 − {@code contrast}, 1 + {@code contrast}] (see
 * {@link ColorJitter}). They are drawn from the transform's {@link Random} after the reference's crop and flip, and only
 * for an augmentation that is on, so with all of them off a run draws exactly the numbers the reference's transform does.
 *
 * <p>Bounds: a rotation beyond 180° repeats angles already within ±180°. A brightness or contrast range of 1 or more
 * would allow a factor of 0 (a black or uniformly grey image, which shows the generators nothing of the domain) or,
 * past it, a negative one; torchvision clips such factors at 0, we refuse the range instead.
 */
public record Augmentation(double rotateDegrees, double brightness, double contrast) {
    /** No augmentation: the reference's transform. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0);
    public static final double MAX_ROTATE_DEGREES = 180;

    public Augmentation {
        if (!(rotateDegrees >= 0 && rotateDegrees <= MAX_ROTATE_DEGREES)) {
            throw new IllegalArgumentException("--rotate: expected degrees from 0 (off) to " + (int) MAX_ROTATE_DEGREES + ", got " + rotateDegrees);
        }
        if (!(brightness >= 0 && brightness < 1) || !(contrast >= 0 && contrast < 1)) {
            throw new IllegalArgumentException("--color_jitter: brightness and contrast ranges must each be at least 0 (off) and below 1"
                    + " (a factor of 1 − 1 = 0 would blank the image), got " + brightness + "," + contrast);
        }
    }

    /** Reads the option values: {@code --rotate DEG} and {@code --color_jitter B,C}; a bad value names its option. */
    public static Augmentation parse(String rotate, String colorJitter) {
        double degrees = number("--rotate", rotate, rotate);
        String[] parts = colorJitter.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--color_jitter: expected B,C (two numbers, e.g. 0.2,0.2; 0,0 = off), got '" + colorJitter + "'");
        }
        return new Augmentation(degrees, number("--color_jitter", parts[0], colorJitter), number("--color_jitter", parts[1], colorJitter));
    }

    private static double number(String option, String text, String whole) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": expected a number, got '" + whole + "'");
    }

    public boolean isOff() {
        return rotateDegrees == 0 && brightness == 0 && contrast == 0;
    }

    /**
     * The augmented image (the same object when all are off). Draws, for each augmentation that is on and in this
     * order: the angle, uniform in [−rotate, +rotate]; the brightness factor; the contrast factor.
     */
    BufferedImage apply(BufferedImage img, Random rng) {
        BufferedImage out = img;
        if (rotateDegrees > 0) out = Rotation.rotate(out, uniform(rng, rotateDegrees));
        double b = brightness > 0 ? 1 + uniform(rng, brightness) : 1;
        double c = contrast > 0 ? 1 + uniform(rng, contrast) : 1;
        if (b != 1 || c != 1) out = ColorJitter.adjust(out, b, c);
        return out;
    }

    /** Uniform in [−range, +range]. */
    private static double uniform(Random rng, double range) {
        return (2 * rng.nextDouble() - 1) * range;
    }
}
