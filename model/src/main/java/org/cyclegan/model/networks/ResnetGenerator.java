package org.cyclegan.model.networks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.ConvTranspose2d;
import org.cyclegan.model.layers.ReLU;
import org.cyclegan.model.layers.ReflectionPad2d;
import org.cyclegan.model.layers.Sequential;
import org.cyclegan.model.layers.Tanh;
import org.cyclegan.model.layers.Upsample;

/**
 * CycleGAN's generator (Johnson et al.'s fast-style-transfer network): a 7×7 stem, two stride-2 down-samplings, n
 * residual blocks at 4·ngf channels, two stride-2 transposed convolutions back up, and a 7×7 convolution to the
 * output channels with tanh. {@code resnet_9blocks} is the 256-px default, {@code resnet_6blocks} the 128-px one.
 *
 * <p>One {@code nn.Sequential} called {@code model}, so the keys are {@code model.1.weight} (stem),
 * {@code model.4.weight} and {@code model.7.weight} (down), {@code model.10.conv_block.1.weight} (first residual
 * block), …, up to the last convolution, the only one that always has a bias.
 *
 * <p>With {@link GeneratorUpsampling#RESIZE_CONV} each up-sampling stage is {@code Upsample, Conv2d, norm, ReLU}
 * instead of {@code ConvTranspose2d, norm, ReLU}: one more layer per stage, so from the first stage on the indices are
 * those an {@code nn.Sequential} of that layer list numbers: for n blocks, the two stages' convolutions are
 * {@code model.<11+n>} and {@code model.<15+n>} (the Upsample layers {@code model.<10+n>} and {@code model.<14+n>} have
 * no parameters) and the last convolution is {@code model.<19+n>} instead of {@code model.<17+n>}.
 */
public final class ResnetGenerator extends Module {
    /** Down-samplings (and up-samplings) around the residual blocks; fixed at 2 in the reference. */
    static final int N_DOWNSAMPLING = 2;

    private final Sequential model;

    /** The reference's generator, with transposed convolutions. */
    public ResnetGenerator(int inputNc, int outputNc, int ngf, Norm norm, boolean useDropout, int nBlocks, Random dropoutRng) {
        this(inputNc, outputNc, ngf, norm, useDropout, nBlocks, GeneratorUpsampling.TRANSPOSE, dropoutRng);
    }

    /**
     * @param upsampling the up-sampling stages: the reference's transposed convolutions, or resize-convolutions
     * @param dropoutRng masks for the residual blocks' dropout; may be null when {@code useDropout} is false
     */
    public ResnetGenerator(int inputNc, int outputNc, int ngf, Norm norm, boolean useDropout, int nBlocks, GeneratorUpsampling upsampling,
                           Random dropoutRng) {
        if (nBlocks < 0) throw new IllegalArgumentException("ResnetGenerator: n_blocks must be >= 0, got " + nBlocks);
        boolean useBias = norm.convBias();
        List<Module> layers = new ArrayList<>();

        // c7s1-ngf: reflection-padded 7×7 convolution, norm, ReLU.
        layers.add(new ReflectionPad2d(3));
        layers.add(new Conv2d(inputNc, ngf, 7, 1, 0, useBias));
        layers.add(norm.create(ngf));
        layers.add(new ReLU());

        // d(2·ngf), d(4·ngf): 3×3 stride-2 convolutions halve the size and double the channels.
        for (int i = 0; i < N_DOWNSAMPLING; i++) {
            int mult = 1 << i;
            layers.add(new Conv2d(ngf * mult, ngf * mult * 2, 3, 2, 1, useBias));
            layers.add(norm.create(ngf * mult * 2));
            layers.add(new ReLU());
        }

        // R(4·ngf) × n_blocks.
        int mult = 1 << N_DOWNSAMPLING;
        for (int i = 0; i < nBlocks; i++) layers.add(new ResnetBlock(ngf * mult, norm, useDropout, useBias, dropoutRng));

        // u(2·ngf), u(ngf): 3×3 stride-2 transposed convolutions; output_padding 1 makes them exactly double the size.
        // Or resize-convolutions: nearest-neighbour ×2, then a 3×3 stride-1 convolution with the same channels.
        for (int i = 0; i < N_DOWNSAMPLING; i++) {
            int m = 1 << (N_DOWNSAMPLING - i);
            if (upsampling == GeneratorUpsampling.RESIZE_CONV) {
                layers.add(new Upsample(2));
                layers.add(new Conv2d(ngf * m, ngf * m / 2, 3, 1, 1, useBias));
            } else {
                layers.add(new ConvTranspose2d(ngf * m, ngf * m / 2, 3, 2, 1, 1, useBias));
            }
            layers.add(norm.create(ngf * m / 2));
            layers.add(new ReLU());
        }

        // c7s1-output_nc with tanh; this convolution always has a bias.
        layers.add(new ReflectionPad2d(3));
        layers.add(new Conv2d(ngf, outputNc, 7, 1, 0, true));
        layers.add(new Tanh());

        model = registerModule("model", new Sequential(layers));
    }

    /** Recomputes each residual block during backward instead of keeping its activations (see {@link ResnetBlock#setRecompute}). */
    public void setRecompute(boolean on) {
        for (Module layer : model.layers()) if (layer instanceof ResnetBlock block) block.setRecompute(on);
    }

    @Override
    public Tensor forward(Tensor x) {
        return model.forward(x);
    }
}
