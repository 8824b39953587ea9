package org.cyclegan.train.commands;

import java.util.List;
import java.util.Random;
import org.cyclegan.model.DiscriminatorKind;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.GanLoss;
import org.cyclegan.train.gan.GradientPenalty;

/** The network options every model-building command shares, declared and read in one place. */
public final class ModelOptions {
    private ModelOptions() {}

    /**
     * Declares --netG (with the given default and help), --upsample, --netD, --n_layers_D, --ngf, --ndf, --norm, --gan_mode with
     * wgangp's --lambda_gp and --gp_type, and --recompute.
     */
    static CommandLine declare(CommandLine cl, String netGDefault, String netGHelp) {
        return cl.option("netG", netGDefault, netGHelp + "; " + ANY_RESNET_HELP)
                .option("upsample", "transpose", UPSAMPLE_HELP)
                .option("netD", "basic", "discriminator: " + String.join(" | ", DiscriminatorKind.NAMES))
                .option("n_layers_D", "3", "discriminator layers when --netD n_layers")
                .option("ngf", "64", "generator filters in the first conv layer")
                .option("ndf", "64", "discriminator filters in the first conv layer")
                .option("norm", "instance", "instance | batch | none")
                .option("gan_mode", "lsgan", "lsgan | vanilla | wgangp (" + WGANGP_HELP + ")")
                .option("lambda_gp", "10.0", "wgangp: weight of the gradient penalty; 0 computes none (the reference's wgangp exactly: a WGAN without any Lipschitz constraint)")
                .option("gp_type", "mixed", "wgangp: where the penalty takes D's gradient: mixed (per-sample random points between real and fake) | real | fake")
                .flag("recompute", RECOMPUTE_HELP);
    }

    /** What every command's --netG help adds: the ResNet of any depth. */
    static final String ANY_RESNET_HELP = "also resnet_<N>blocks, a ResNet of N residual blocks for any N >= 1 (3 or 4 suit 64 px images)";

    /** The --upsample choices; translate and test read the choice from the generator's file. */
    static final String UPSAMPLE_HELP = "resnet generators' two up-sampling stages: transpose (3x3 stride-2 transposed convolution, the reference)"
            + " | resize_conv (nearest-neighbour x2, then a 3x3 convolution: avoids the checkerboard artifacts of transposed convolutions)";

    /** What wgangp is here, and where it departs from the reference. */
    static final String WGANGP_HELP = "WGAN loss, -mean(D(real)) + mean(D(fake)), plus WGAN-GP's gradient penalty in every D step, halved with them: 0.5·(loss_real + loss_fake + penalty)."
            + " The reference's wgangp never applies the penalty it defines (its CycleGAN never calls cal_gradient_penalty): a WGAN"
            + " with neither penalty nor weight clipping has no Lipschitz constraint, so here the penalty is on by default, the one"
            + " deliberate departure from the reference's defaults; --lambda_gp 0 gives the reference's behaviour";

    /** The --recompute trade, as measured (README, Memory). */
    static final String RECOMPUTE_HELP = "resnet generators: keep only each residual block's input and recompute the block during backward:"
            + " same results, less memory, more time (measured at 256 px, resnet_9blocks: peak RSS -28%, time +22%; 128 px, resnet_6blocks: -9%, +20%)";

    /** A config with those options applied; {@code netGWhenUnset} is used when --netG was left empty. */
    public static CycleGanConfig read(CommandLine cl, GeneratorKind netGWhenUnset) {
        return read(cl, netGWhenUnset, 64);
    }

    /** As {@link #read(CommandLine, GeneratorKind)}; {@code widthWhenUnset} is used when --ngf or --ndf was declared with an empty default and left so. */
    public static CycleGanConfig read(CommandLine cl, GeneratorKind netGWhenUnset, int widthWhenUnset) {
        CycleGanConfig config = new CycleGanConfig();
        config.netG = cl.string("netG").isEmpty() ? netGWhenUnset : netG(cl);
        config.upsample = upsample(cl, config.netG);
        String netD = cl.choice("netD", DiscriminatorKind.NAMES);
        config.netD = DiscriminatorKind.parse(netD, cl.integer("n_layers_D", 1));
        config.ngf = cl.integerOr("ngf", widthWhenUnset, 1);
        config.ndf = cl.integerOr("ndf", widthWhenUnset, 1);
        config.norm = cl.choice("norm", List.of("instance", "batch", "none"));
        config.ganMode = cl.choice("gan_mode", GanLoss.NAMES);
        config.lambdaGp = cl.real("lambda_gp");
        if (config.lambdaGp < 0) throw new UsageException(cl.command() + ": --lambda_gp must be >= 0, got " + cl.string("lambda_gp"));
        config.gpType = cl.choice("gp_type", GradientPenalty.TYPES);
        config.recompute = cl.flag("recompute");
        return config;
    }

    /** The --netG value; a name {@link GeneratorKind#parse} refuses is a usage error. */
    private static GeneratorKind netG(CommandLine cl) {
        try {
            return GeneratorKind.parse(cl.string("netG"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(cl.command() + ": " + e.getMessage());
        }
    }

    /** The --upsample value; anything but the reference's transpose is a usage error with a U-Net generator. */
    static GeneratorUpsampling upsample(CommandLine cl, GeneratorKind netG) {
        GeneratorUpsampling upsample = GeneratorUpsampling.parse(cl.choice("upsample", GeneratorUpsampling.NAMES));
        if (upsample != GeneratorUpsampling.TRANSPOSE && !netG.isResnet()) {
            throw new UsageException(cl.command() + ": --upsample " + upsample + " applies to the resnet generators, not --netG " + netG);
        }
        return upsample;
    }

    /** Refuses an image size the networks cannot take; {@code option} names it in the message ("train: --crop_size"). */
    static void checkSize(String option, int size, CycleGanConfig config) {
        try {
            config.inputSize().check(size);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " " + e.getMessage());
        }
    }

    /** The CycleGAN for {@code config}; options that it refuses are a usage error of {@code command}. */
    static CycleGan build(String command, CycleGanConfig config, Random seeds) {
        try {
            return new CycleGan(config, seeds);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }
}
