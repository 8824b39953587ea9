package org.cyclegan.model;

import java.util.Arrays;
import java.util.List;

/**
 * How a ResNet generator doubles its size twice on the way back up ({@code --upsample}). {@link #TRANSPOSE} is the
 * reference's stride-2 transposed convolution; {@link #RESIZE_CONV} is nearest-neighbour ×2 up-sampling followed by a
 * 3×3 convolution (Odena et al., "Deconvolution and Checkerboard Artifacts"): every output pixel then sees the same
 * number of input pixels, which removes the transposed convolution's checkerboard pattern.
 */
public enum GeneratorUpsampling {
    TRANSPOSE, RESIZE_CONV;

    /** The {@code --upsample} values, the reference's first. */
    public static final List<String> NAMES = Arrays.stream(values()).map(GeneratorUpsampling::optionName).toList();

    /** The option's spelling: transpose, resize_conv. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The value an {@code --upsample} name means; any other name is an IllegalArgumentException that lists them. */
    public static GeneratorUpsampling parse(String name) {
        for (GeneratorUpsampling u : values()) if (u.optionName().equals(name)) return u;
        throw new IllegalArgumentException("--upsample: '" + name + "' is not known; use one of " + NAMES);
    }

    @Override
    public String toString() {
        return optionName();
    }
}
