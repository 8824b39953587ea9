package org.cyclegan.train.data;

import java.io.IOException;

/** A data set that cannot be used as a whole (a missing or empty folder, no readable images); the message names it. */
public final class DataSetException extends IOException {
    public DataSetException(String message) {
        super(message);
    }
}
