package org.cyclegan.model;

/**
 * The image sizes a generator, or a CycleGAN's generators and discriminators together, can take: each side a multiple
 * of {@code multiple} and at least {@code minimum}. {@code networks} names them for messages ("--netG resnet_6blocks").
 *
 * <p>ResNet generators: two stride-2 convolutions down and two transposed ones up, so multiples of 4 come back at their
 * own size; after the two down-samplings the residual blocks' reflection padding of 1 needs at least 2 pixels, so each
 * side at least 8 (a 4×4 image reaches the blocks as 1×1 and fails). U-Nets halve the image at each of their levels (7
 * for unet_128, 8 for unet_256) and concatenate each level with its mirror, so only multiples of 2^levels fit. The
 * PatchGAN discriminator halves the image n_layers times, then two 4×4 stride-1 convolutions need at least 3×3 left;
 * the pixel discriminator takes any size.
 */
public record NetworkInputSize(int multiple, int minimum, String networks) {
    /** What a generator alone (translate, test) takes. */
    public static NetworkInputSize generator(GeneratorKind netG) {
        String networks = "--netG " + netG.name();
        if (netG.isUnet()) return new NetworkInputSize(1 << netG.depth(), 1 << netG.depth(), networks);
        return new NetworkInputSize(4, 8, networks);
    }

    /** What a CycleGAN's generators and discriminators (train) take. */
    public static NetworkInputSize cycleGan(GeneratorKind netG, DiscriminatorKind netD) {
        NetworkInputSize g = generator(netG);
        int minForD = netD.family() == DiscriminatorKind.Family.PIXEL ? 1 : (1 << netD.stridedLayers()) * 3;
        return new NetworkInputSize(g.multiple, Math.max(g.minimum, minForD), g.networks + " and --netD " + netD.name());
    }

    public boolean fits(int size) {
        return size % multiple == 0 && size >= minimum;
    }

    /** "use a multiple of 4 of at least 24". */
    public String rule() {
        return "use a multiple of " + multiple + " of at least " + minimum;
    }

    /**
     * Refuses an image size the networks cannot take (the value of a size option): an IllegalArgumentException saying
     * "32 does not fit --netG unet_128 and --netD basic: use a multiple of 128 of at least 128".
     */
    public void check(int size) {
        if (!fits(size)) throw new IllegalArgumentException(size + " does not fit " + networks + ": " + rule());
    }

    /** Why a {@code width} × {@code height} image does not fit, or null when it does. */
    public String misfit(int width, int height) {
        if (fits(width) && fits(height)) return null;
        String why = width < minimum || height < minimum ? "too small" : "a size";
        return why + " for " + networks + " (" + width + "x" + height + " after preprocessing; each side must be a multiple of " + multiple
                + " of at least " + minimum + ")";
    }
}
