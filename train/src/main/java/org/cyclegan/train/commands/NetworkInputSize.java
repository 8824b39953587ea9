package org.cyclegan.train.commands;

import org.cyclegan.train.data.SizeCheck;
import org.cyclegan.train.gan.CycleGanConfig;

/**
 * The image sizes the networks take, in one place for the size options ({@link ModelOptions#checkSize}) and for the
 * images of a folder ({@link SizeCheck}): each side a multiple of {@code multiple} and at least {@code minimum}.
 *
 * <p>ResNet generators: two stride-2 convolutions down and two transposed ones up, so multiples of 4 come back at their
 * own size; after the two down-samplings the residual blocks' reflection padding of 1 needs at least 2 pixels, so each
 * side at least 8 (a 4×4 image reaches the blocks as 1×1 and fails). U-Nets halve the image 7 (unet_128) or 8
 * (unet_256) times and concatenate each level with its mirror, so only multiples of 128 or 256 fit. The PatchGAN
 * discriminator halves the image n_layers times, then two 4×4 stride-1 convolutions need at least 3×3 left.
 */
record NetworkInputSize(int multiple, int minimum, String networks) implements SizeCheck {
    /** What a generator alone (translate, test) takes. */
    static NetworkInputSize generator(String netG) {
        return switch (netG) {
            case "unet_128" -> new NetworkInputSize(128, 128, "--netG unet_128");
            case "unet_256" -> new NetworkInputSize(256, 256, "--netG unet_256");
            default -> new NetworkInputSize(4, 8, "--netG " + netG);
        };
    }

    /** What a CycleGAN's generators and discriminators (train) take. */
    static NetworkInputSize cycleGan(CycleGanConfig config) {
        NetworkInputSize g = generator(config.netG);
        int minForD = config.netD.equals("pixel") ? 1 : (1 << (config.netD.equals("basic") ? 3 : config.nLayersD)) * 3;
        return new NetworkInputSize(g.multiple, Math.max(g.minimum, minForD), "--netG " + config.netG + " and --netD " + config.netD);
    }

    boolean fits(int size) {
        return size % multiple == 0 && size >= minimum;
    }

    /** "use a multiple of 4 of at least 24". */
    String rule() {
        return "use a multiple of " + multiple + " of at least " + minimum;
    }

    @Override
    public String misfit(int width, int height) {
        if (fits(width) && fits(height)) return null;
        String why = width < minimum || height < minimum ? "too small" : "a size";
        return why + " for " + networks + " (" + width + "x" + height + " after preprocessing; each side must be a multiple of " + multiple
                + " of at least " + minimum + ")";
    }
}
