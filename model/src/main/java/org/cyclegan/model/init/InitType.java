package org.cyclegan.model.init;

import java.util.Locale;

/** The reference's {@code --init_type}. */
public enum InitType {
    /** N(0, gain²): the pix2pix / CycleGAN papers' choice and the default, with gain 0.02. */
    NORMAL,
    /** Glorot: N(0, (gain·√(2 / (fan_in + fan_out)))²). */
    XAVIER,
    /** He, for ReLU nets: N(0, 2 / fan_in). The reference passes no gain, so {@code --init_gain} is ignored. */
    KAIMING,
    /** A (semi-)orthogonal matrix times gain. */
    ORTHOGONAL;

    public static InitType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> NORMAL;
            case "xavier" -> XAVIER;
            case "kaiming" -> KAIMING;
            case "orthogonal" -> ORTHOGONAL;
            default -> throw new IllegalArgumentException("--init_type: initialization method '" + name
                    + "' is not known; use normal, xavier, kaiming or orthogonal");
        };
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
