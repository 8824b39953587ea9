package org.cyclegan.train.translate;

import java.io.IOException;
import java.io.InputStream;

/**
 * One image to translate: {@code key} says where its result goes (translate: the input file; the Spark job: the output
 * name), {@code name} names it in messages, and {@code open} gives its encoded bytes (a file, or bytes already read).
 */
public record ImageInput<K>(K key, String name, Opener open) {
    /** Opens the encoded image; the stream is closed by the reader. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }
}
