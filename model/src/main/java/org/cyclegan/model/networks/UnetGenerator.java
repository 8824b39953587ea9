package org.cyclegan.model.networks;

import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * The U-Net generator of pix2pix: {@code numDowns} stride-2 4×4 convolutions down to a bottleneck, as many transposed
 * convolutions back up, and skip connections that concatenate each level's input with its output. Built from the
 * inside out, as the reference does: the innermost block, {@code numDowns − 5} middle blocks at 8·ngf (with dropout
 * when asked), then levels of 4·ngf, 2·ngf and ngf channels, and the outermost level around them all.
 *
 * <p>{@code unet_128} has 7 downs and {@code unet_256} 8: an input must be at least 2^numDowns pixels on each side
 * (128 or 256), or the innermost convolution has nothing left to convolve. Its single child is {@code model}, the
 * outermost block, so keys start {@code model.model.0.weight}.
 */
public final class UnetGenerator extends Module {
    private final UnetSkipConnectionBlock model;

    /**
     * @param dropoutRng masks for the middle blocks' dropout; may be null when {@code useDropout} is false
     */
    public UnetGenerator(int inputNc, int outputNc, int numDowns, int ngf, Norm norm, boolean useDropout, Random dropoutRng) {
        if (numDowns < 5) throw new IllegalArgumentException("UnetGenerator: num_downs must be >= 5, got " + numDowns);
        UnetSkipConnectionBlock block = UnetSkipConnectionBlock.innermost(ngf * 8, ngf * 8, norm);
        for (int i = 0; i < numDowns - 5; i++) {
            block = UnetSkipConnectionBlock.middle(ngf * 8, ngf * 8, block, norm, useDropout, dropoutRng);
        }
        // Gradually reduce the number of filters from 8·ngf to ngf.
        block = UnetSkipConnectionBlock.middle(ngf * 4, ngf * 8, block, norm, false, null);
        block = UnetSkipConnectionBlock.middle(ngf * 2, ngf * 4, block, norm, false, null);
        block = UnetSkipConnectionBlock.middle(ngf, ngf * 2, block, norm, false, null);
        model = registerModule("model", UnetSkipConnectionBlock.outermost(outputNc, ngf, inputNc, block, norm));
    }

    @Override
    public Tensor forward(Tensor x) {
        return model.forward(x);
    }
}
