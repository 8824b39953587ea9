package org.cyclegan.model;

import java.util.Random;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.init.InitType;
import org.cyclegan.model.init.WeightInit;
import org.cyclegan.model.networks.NLayerDiscriminator;
import org.cyclegan.model.networks.Norm;
import org.cyclegan.model.networks.PixelDiscriminator;
import org.cyclegan.model.networks.ResnetGenerator;
import org.cyclegan.model.networks.UnetGenerator;

/**
 * The reference's {@code define_G} and {@code define_D}: build a network of a {@link GeneratorKind} or
 * {@link DiscriminatorKind} (or by its option name, as the reference's functions take it) and initialize it with
 * {@code init_weights}. All randomness (the initial weights, and the dropout masks of a generator with dropout) comes
 * from the {@link Random} given, so a seed reproduces a network exactly.
 */
public final class Networks {
    private Networks() {}

    /**
     * {@code define_G(input_nc, output_nc, ngf, netG, norm, use_dropout, init_type, init_gain)}.
     *
     * @param norm batch | instance | none
     * @param initType normal | xavier | kaiming | orthogonal
     */
    public static Module defineG(int inputNc, int outputNc, int ngf, GeneratorKind netG, String norm, boolean useDropout,
                                String initType, float initGain, Random rng) {
        return defineG(inputNc, outputNc, ngf, netG, GeneratorUpsampling.TRANSPOSE, norm, useDropout, initType, initGain, rng);
    }

    /**
     * As {@link #defineG(int, int, int, GeneratorKind, String, boolean, String, float, Random)}, with the ResNet
     * generators' up-sampling stages chosen ({@code --upsample}); a U-Net takes only the reference's
     * {@link GeneratorUpsampling#TRANSPOSE}.
     */
    public static Module defineG(int inputNc, int outputNc, int ngf, GeneratorKind netG, GeneratorUpsampling upsampling, String norm,
                                boolean useDropout, String initType, float initGain, Random rng) {
        if (upsampling != GeneratorUpsampling.TRANSPOSE && !netG.isResnet()) {
            throw new IllegalArgumentException("--upsample " + upsampling + " applies to the resnet generators, not --netG " + netG);
        }
        checkPositive("input_nc", inputNc);
        checkPositive("output_nc", outputNc);
        checkPositive("ngf", ngf);
        Norm normKind = Norm.parse(norm);
        InitType init = InitType.parse(initType);
        // The dropout masks get their own generator, seeded from rng, so that they do not shift the initial weights.
        Random dropoutRng = new Random(rng.nextLong());
        Module net = switch (netG.family()) {
            case RESNET -> new ResnetGenerator(inputNc, outputNc, ngf, normKind, useDropout, netG.depth(), upsampling, dropoutRng);
            case UNET -> new UnetGenerator(inputNc, outputNc, netG.depth(), ngf, normKind, useDropout, dropoutRng);
        };
        WeightInit.initWeights(net, init, initGain, rng);
        return net;
    }

    /** {@link #defineG(int, int, int, GeneratorKind, String, boolean, String, float, Random)} by the {@code --netG} name. */
    public static Module defineG(int inputNc, int outputNc, int ngf, String netG, String norm, boolean useDropout,
                                String initType, float initGain, Random rng) {
        return defineG(inputNc, outputNc, ngf, GeneratorKind.parse(netG), norm, useDropout, initType, initGain, rng);
    }

    /** {@code define_D(input_nc, ndf, netD, n_layers_D, norm, init_type, init_gain)}; {@code basic} is n_layers = 3. */
    public static Module defineD(int inputNc, int ndf, DiscriminatorKind netD, String norm, String initType, float initGain, Random rng) {
        checkPositive("input_nc", inputNc);
        checkPositive("ndf", ndf);
        Norm normKind = Norm.parse(norm);
        InitType init = InitType.parse(initType);
        Module net = switch (netD.family()) {
            case BASIC, N_LAYERS -> new NLayerDiscriminator(inputNc, ndf, netD.stridedLayers(), normKind);
            case PIXEL -> new PixelDiscriminator(inputNc, ndf, normKind);
        };
        WeightInit.initWeights(net, init, initGain, rng);
        return net;
    }

    /**
     * {@link #defineD(int, int, DiscriminatorKind, String, String, float, Random)} by the {@code --netD} name and
     * {@code --n_layers_D} (which only {@code n_layers} reads).
     */
    public static Module defineD(int inputNc, int ndf, String netD, int nLayersD, String norm, String initType,
                                float initGain, Random rng) {
        return defineD(inputNc, ndf, DiscriminatorKind.parse(netD, nLayersD), norm, initType, initGain, rng);
    }

    private static void checkPositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException("--" + option + " must be at least 1, got " + value);
    }
}
