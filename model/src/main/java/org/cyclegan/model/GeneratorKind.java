package org.cyclegan.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --netG} value, parsed once: the generator's family and its depth. {@code resnet_<N>blocks} is a ResNet of N
 * residual blocks (the reference names 9, its 256-px default, and 6, its 128-px one; any N >= 1 is taken, e.g. the 3
 * or 4 suggested for 64-px images); {@code unet_256} and {@code unet_128} are U-Nets of 8 and 7 down-samplings (for
 * images of 2^8 and 2^7 pixels). {@link #name()} is the option's spelling, which messages, saved options and the
 * networks' metadata write; {@code toString} is the same.
 */
public record GeneratorKind(Family family, int depth) {
    /** The two generator families of the reference's {@code define_G}. */
    public enum Family { RESNET, UNET }

    /** The reference's {@code --netG} values, in its order. */
    public static final List<String> NAMES = List.of("resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128");

    /** The {@code --netG} values for messages and help: the reference's, and a ResNet of any depth. */
    public static final String CHOICES = "resnet_9blocks | resnet_6blocks | resnet_<N>blocks (any N >= 1) | unet_256 | unet_128";

    /** The most residual blocks a name may ask for: far more than anyone trains, few enough to stay a small number. */
    public static final int MAX_RESNET_BLOCKS = 9999;

    // N without leading zeros, so that a name and name() are one spelling.
    private static final Pattern RESNET = Pattern.compile("resnet_(0|[1-9]\\d{0,3})blocks"), UNET = Pattern.compile("unet_(\\d{1,9})");

    public GeneratorKind {
        if (family == null) throw new IllegalArgumentException("a generator needs a family");
        int most = family == Family.RESNET ? MAX_RESNET_BLOCKS : 30;
        if (depth < 1 || depth > most) throw new IllegalArgumentException("--netG: a depth of " + depth + " is not possible");
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
     * The generator a {@code --netG} name means: {@code resnet_<N>blocks} for N from 1 to {@link #MAX_RESNET_BLOCKS},
     * or one of the reference's U-Nets. Any other name is an IllegalArgumentException that lists them ({@link #CHOICES}).
     */
    public static GeneratorKind parse(String name) {
        Matcher resnet = RESNET.matcher(name), unet = UNET.matcher(name);
        if (resnet.matches()) {
            int blocks = Integer.parseInt(resnet.group(1));
            if (blocks >= 1) return resnet(blocks);
            throw new IllegalArgumentException("--netG must be one of " + CHOICES + ", got '" + name + "': a ResNet generator needs at least 1 residual block");
        }
        if (NAMES.contains(name) && unet.matches()) return unet(Integer.numberOfTrailingZeros(Integer.parseInt(unet.group(1))));
        throw new IllegalArgumentException("--netG must be one of " + CHOICES + ", got '" + name + "'");
    }

    /** Whether {@code name} is a --netG value {@link #parse} takes. */
    public static boolean isName(String name) {
        try {
            parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean isResnet() {
        return family == Family.RESNET;
    }

    public boolean isUnet() {
        return family == Family.UNET;
    }

    /**
     * The {@code --netG} spelling: resnet_9blocks, unet_256. Every ResNet's name parses back; a U-Net's only when it is
     * one of the reference's two, since the option names no other.
     */
    public String name() {
        return isResnet() ? "resnet_" + depth + "blocks" : "unet_" + (1 << depth);
    }

    @Override
    public String toString() {
        return name();
    }
}
