package org.cyclegan.train.translate;

/**
 * The outcome for one {@link ImageInput}: the translated image as PNG bytes, or, for an image that could not be read or
 * does not fit the generator, {@code png} null and {@code skipped} saying why (a sentence that names the image).
 */
public record Translated<K>(K key, String name, byte[] png, String skipped) {
    public boolean ok() {
        return png != null;
    }
}
