package org.cyclegan.train.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The reference's {@code --preprocess} choices. */
public enum Preprocess {
    /** Resize to load_size × load_size (bicubic), then a random crop_size × crop_size crop. */
    RESIZE_AND_CROP(true, false, true),
    /** A random crop_size × crop_size crop of the image as it is. */
    CROP(false, false, true),
    /** Width to load_size, height max(load_size·h/w, crop_size) (truncated), as the reference's __scale_width. */
    SCALE_WIDTH(false, true, false),
    /** scale_width, then a random crop. */
    SCALE_WIDTH_AND_CROP(false, true, true),
    /** Sizes only rounded to multiples of 4 (the reference's __make_power_2(base=4)). */
    NONE(false, false, false);

    final boolean resize, scaleWidth, crop;

    Preprocess(boolean resize, boolean scaleWidth, boolean crop) {
        this.resize = resize;
        this.scaleWidth = scaleWidth;
        this.crop = crop;
    }

    /** Whether images end as crop_size × crop_size squares. */
    public boolean crops() {
        return crop;
    }

    /** The option value as the user types it: {@code resize_and_crop}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an option value; an unknown one is an IllegalArgumentException listing the valid ones. */
    public static Preprocess parse(String value) {
        for (Preprocess p : values()) if (p.optionValue().equals(value)) return p;
        throw new IllegalArgumentException("--preprocess: unknown value '" + value + "', expected one of "
                + Arrays.stream(values()).map(Preprocess::optionValue).collect(Collectors.joining(", ")));
    }
}
