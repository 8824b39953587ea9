package org.cyclegan.train.doctor;

/**
 * How far the generators move their inputs: the mean over a few fixed training images of mean |G_A(a) − a| (A
 * images) and of mean |G_B(b) − b| (B images), on the [−1, 1] scale training works on; NaN for a generator that had no
 * image. {@code when} says which generators were measured, for the evidence ("after epoch 3", "latest_net_G_A/G_B").
 */
public record CopyDistance(double gA, double gB, int imagesA, int imagesB, String when) {
    /** The distance of generator {@code g} ("G_A" or "G_B"). */
    public double of(String g) {
        return g.equals("G_A") ? gA : gB;
    }

    public int images(String g) {
        return g.equals("G_A") ? imagesA : imagesB;
    }
}
