package org.cyclegan.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --netG} value, parsed once: the generator's family and its depth. {@code resnet_9blocks} and
 * {@code resnet_6blocks} are ResNets of 9 and 6 residual blocks; {@code unet_256} and {@code unet_128} are U-Nets of 8
 * and 7 down-samplings (for images of 2^8 and 2^7 pixels). {@link #name()} is the option's spelling, which messages,
 * saved options and the networks' metadata write; {@code toString} is the same.
 *
 * <p>{@link #parse} takes the reference's four names; {@link #resnet} and {@link #unet} build any depth the networks
 * take.
 */
public record GeneratorKind(Family family, int depth) {
    /** The two generator families of the reference's {@code define_G}. */
    public enum Family { RESNET, UNET }

    /** The {@code --netG} values, in the reference's order. */
    public static final List<String> NAMES = List.of("resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128");

    private static final Pattern RESNET = Pattern.compile("resnet_(\\d{1,4})blocks"), UNET = Pattern.compile("unet_(\\d{1,9})");

    public GeneratorKind {
        if (family == null) throw new IllegalArgumentException("a generator needs a family");
        if (depth < 1 || depth > 30) throw new IllegalArgumentException("--netG: a depth of " + depth + " is not possible");
    }

    /** A ResNet generator of {@code blocks} residual blocks. */
    public static GeneratorKind resnet(int blocks) {
        return new GeneratorKind(Family.RESNET, blocks);
    }

    /** A U-Net generator of {@code downsamplings} stride-2 levels (unet_256 has 8). */
    public static GeneratorKind unet(int downsamplings) {
        return new GeneratorKind(Family.UNET, downsamplings);
    }

    /**
     * The generator a {@code --netG} name means: one of {@link #NAMES}, the reference's. Any other name is an
     * IllegalArgumentException that lists them.
     */
    public static GeneratorKind parse(String name) {
        if (NAMES.contains(name)) {
            Matcher resnet = RESNET.matcher(name), unet = UNET.matcher(name);
            if (resnet.matches()) return resnet(Integer.parseInt(resnet.group(1)));
            if (unet.matches()) return unet(Integer.numberOfTrailingZeros(Integer.parseInt(unet.group(1))));
        }
        throw new IllegalArgumentException("--netG: generator model '" + name + "' is not known; use one of " + NAMES);
    }

    public boolean isResnet() {
        return family == Family.RESNET;
    }

    public boolean isUnet() {
        return family == Family.UNET;
    }

    /**
     * The {@code --netG} spelling: resnet_9blocks, unet_256. The type carries any depth, but only the reference's four
     * names parse back ({@link #parse}), so a network of another depth cannot yet be saved and loaded by name.
     */
    public String name() {
        return isResnet() ? "resnet_" + depth + "blocks" : "unet_" + (1 << depth);
    }

    @Override
    public String toString() {
        return name();
    }
}
