package org.cyclegan.train.data;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One domain of a data set: an ordered list of images that can be read as 8-bit RGB. Implemented by a folder on disk
 * ({@link ImageFolder}) and by the data set embedded in the jar ({@link EmbeddedDataset}).
 */
public interface ImageSource {
    /** What this is, for messages: the folder path, or the embedded resource folder. */
    String description();

    /** The image paths (or resource names), in the order indices refer to. */
    List<String> paths();

    default int size() {
        return paths().size();
    }

    /** Reads image {@code index} as TYPE_INT_RGB; failures name the file. Safe to call from any one thread at a time. */
    BufferedImage read(int index) throws ImageReadException;
}
