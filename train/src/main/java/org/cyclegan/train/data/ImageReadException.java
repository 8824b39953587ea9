package org.cyclegan.train.data;

import java.io.IOException;

/**
 * An image that could not be read or prepared. The message always names the file (or resource) and says why, so that it
 * can be shown to the user as is: {@code cannot read image /data/trainA/x.png: truncated file (...)}.
 */
public final class ImageReadException extends IOException {
    private final String file;

    public ImageReadException(String file, String why) {
        this(file, why, null);
    }

    public ImageReadException(String file, String why, Throwable cause) {
        super("cannot read image " + file + ": " + why, cause);
        this.file = file;
    }

    /** The file or resource that failed. */
    public String file() {
        return file;
    }
}
