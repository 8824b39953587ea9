package org.cyclegan.model;

import java.util.List;
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
 * The reference's {@code define_G} and {@code define_D}: build a network by its option name and initialize it with
 * {@code init_weights}. All randomness (the initial weights, and the dropout masks of a generator with dropout) comes
 * from the {@link Random} given, so a seed reproduces a network exactly.
 */
public final class Networks {
    /** The {@code --netG} values. */
    public static final List<String> GENERATORS = List.of("resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128");
    /** The {@code --netD} values. */
    public static final List<String> DISCRIMINATORS = List.of("basic", "n_layers", "pixel");

    private Networks() {}

    /**
     * {@code define_G(input_nc, output_nc, ngf, netG, norm, use_dropout, init_type, init_gain)}.
     *
     * @param netG resnet_9blocks | resnet_6blocks | unet_256 | unet_128
     * @param norm batch | instance | none
     * @param initType normal | xavier | kaiming | orthogonal
     */
    public static Module defineG(int inputNc, int outputNc, int ngf, String netG, String norm, boolean useDropout,
                                 String initType, float initGain, Random rng) {
        checkPositive("input_nc", inputNc);
        checkPositive("output_nc", outputNc);
        checkPositive("ngf", ngf);
        Norm normKind = Norm.parse(norm);
        InitType init = InitType.parse(initType);
        // The dropout masks get their own generator, seeded from rng, so that they do not shift the initial weights.
        Random dropoutRng = new Random(rng.nextLong());
        Module net = switch (netG) {
            case "resnet_9blocks" -> new ResnetGenerator(inputNc, outputNc, ngf, normKind, useDropout, 9, dropoutRng);
            case "resnet_6blocks" -> new ResnetGenerator(inputNc, outputNc, ngf, normKind, useDropout, 6, dropoutRng);
            case "unet_128" -> new UnetGenerator(inputNc, outputNc, 7, ngf, normKind, useDropout, dropoutRng);
            case "unet_256" -> new UnetGenerator(inputNc, outputNc, 8, ngf, normKind, useDropout, dropoutRng);
            default -> throw new IllegalArgumentException("--netG: generator model '" + netG + "' is not known; use one of " + GENERATORS);
        };
        WeightInit.initWeights(net, init, initGain, rng);
        return net;
    }

    /**
     * {@code define_D(input_nc, ndf, netD, n_layers_D, norm, init_type, init_gain)}. {@code nLayersD} only matters
     * for {@code n_layers}; {@code basic} is n_layers = 3.
     *
     * @param netD basic | n_layers | pixel
     */
    public static Module defineD(int inputNc, int ndf, String netD, int nLayersD, String norm, String initType,
                                 float initGain, Random rng) {
        checkPositive("input_nc", inputNc);
        checkPositive("ndf", ndf);
        Norm normKind = Norm.parse(norm);
        InitType init = InitType.parse(initType);
        Module net = switch (netD) {
            case "basic" -> new NLayerDiscriminator(inputNc, ndf, 3, normKind);
            case "n_layers" -> {
                checkPositive("n_layers_D", nLayersD);
                yield new NLayerDiscriminator(inputNc, ndf, nLayersD, normKind);
            }
            case "pixel" -> new PixelDiscriminator(inputNc, ndf, normKind);
            default -> throw new IllegalArgumentException("--netD: discriminator model '" + netD + "' is not known; use one of " + DISCRIMINATORS);
        };
        WeightInit.initWeights(net, init, initGain, rng);
        return net;
    }

    private static void checkPositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException("--" + option + " must be at least 1, got " + value);
    }
}
