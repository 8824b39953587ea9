package org.cyclegan.train.data;

/**
 * Whether an image, at the size it has after preprocessing, can go through the networks. Images vary in size under
 * {@code --preprocess none} (and scale_width), and one that is too small (4×4 px, say) would fail deep inside the
 * first normalization layer; a data set asks this up front so that it can skip such an image by name.
 */
@FunctionalInterface
public interface SizeCheck {
    /** Accepts every size. */
    SizeCheck ANY = (width, height) -> null;

    /** Why an image of {@code width × height} (after preprocessing) does not fit, or null when it does. */
    String misfit(int width, int height);
}
