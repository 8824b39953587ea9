package org.cyclegan.model.networks;

import java.util.Locale;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.BatchNorm2d;
import org.cyclegan.model.layers.Identity;
import org.cyclegan.model.layers.InstanceNorm2d;

/**
 * The reference's {@code --norm}: what {@code get_norm_layer} returns, and whether convolutions next to it get a bias.
 */
public enum Norm {
    /** {@code BatchNorm2d(affine=True, track_running_stats=True)}. */
    BATCH,
    /** {@code InstanceNorm2d(affine=False, track_running_stats=False)}: CycleGAN's default. */
    INSTANCE,
    /** {@code Identity}: no normalization. */
    NONE;

    /** A norm layer over {@code channels} channels, as {@code norm_layer(channels)}. */
    public Module create(int channels) {
        return switch (this) {
            case BATCH -> new BatchNorm2d(channels);
            case INSTANCE -> new InstanceNorm2d(channels);
            case NONE -> new Identity();
        };
    }

    /**
     * The reference's {@code use_bias}: {@code norm_layer.func == nn.InstanceNorm2d} (or {@code norm_layer ==
     * nn.InstanceNorm2d} when it is not a partial). A batch norm's β makes a bias redundant; instance norm without
     * affine parameters has none, so the convolution keeps its bias. For {@code none}, {@code norm_layer} is a plain
     * function, so the test is false and those convolutions have no bias either; reproduced as is, so that parameter
     * counts and state dicts match the reference.
     */
    public boolean convBias() {
        return this == INSTANCE;
    }

    /** Parses the option value {@code batch | instance | none}. */
    public static Norm parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "batch" -> BATCH;
            case "instance" -> INSTANCE;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("--norm: normalization layer '" + name + "' is not known; use batch, instance or none");
        };
    }

    /** The option value, as the reference spells it. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
