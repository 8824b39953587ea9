package org.cyclegan.model;

import java.util.Arrays;
import java.util.List;

/**
 * A {@code --netD} value with the {@code --n_layers_D} that goes with it, parsed once: the reference's
 * {@code define_D(netD, n_layers_D)} arguments as one value. {@code basic} is the 70×70 PatchGAN (an n_layers
 * discriminator of 3 layers), {@code n_layers} a PatchGAN of {@code nLayersD} strided layers, {@code pixel} the 1×1
 * PixelGAN. Only n_layers reads {@code nLayersD}; it is kept whatever the family, as the reference's options keep it,
 * since it is saved with the networks.
 */
public record DiscriminatorKind(Family family, int nLayersD) {
    /** The discriminator families, with their {@code --netD} spelling. */
    public enum Family {
        BASIC("basic"), N_LAYERS("n_layers"), PIXEL("pixel");

        private final String option;

        Family(String option) {
            this.option = option;
        }
    }

    /** The {@code --netD} values, in the reference's order. */
    public static final List<String> NAMES = Arrays.stream(Family.values()).map(f -> f.option).toList();

    public DiscriminatorKind {
        if (family == null) throw new IllegalArgumentException("a discriminator needs a family");
        if (family == Family.N_LAYERS && nLayersD < 1) throw new IllegalArgumentException("--n_layers_D must be at least 1, got " + nLayersD);
    }

    /** The discriminator {@code netD} names with {@code nLayersD}; an unknown name is an IllegalArgumentException naming the known ones. */
    public static DiscriminatorKind parse(String netD, int nLayersD) {
        for (Family f : Family.values()) if (f.option.equals(netD)) return new DiscriminatorKind(f, nLayersD);
        throw new IllegalArgumentException("--netD: discriminator model '" + netD + "' is not known; use one of " + NAMES);
    }

    /** The strided convolutions of a PatchGAN: 3 for basic, {@code nLayersD} for n_layers, none for pixel. */
    public int stridedLayers() {
        return switch (family) {
            case BASIC -> 3;
            case N_LAYERS -> nLayersD;
            case PIXEL -> 0;
        };
    }

    /** The {@code --netD} spelling: basic, n_layers, pixel. */
    public String name() {
        return family.option;
    }

    @Override
    public String toString() {
        return name();
    }
}
