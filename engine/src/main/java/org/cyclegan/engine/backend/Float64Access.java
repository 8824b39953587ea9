package org.cyclegan.engine.backend;

/**
 * What a backend that stores float64 offers beside the float32 edges of {@link Backend}: values set and read in
 * double, unrounded. {@code upload(float[])} widens and {@code download} rounds to float, as the contract asks; a
 * check that needs every bit (a gradient check in double) uses these instead.
 */
public interface Float64Access {
    /** A storage holding a copy of {@code data}. */
    Storage uploadDouble(double[] data);

    /** A copy of the storage's values, in double. */
    double[] downloadDouble(Storage storage);
}
