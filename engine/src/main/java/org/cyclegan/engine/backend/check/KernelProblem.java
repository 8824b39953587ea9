package org.cyclegan.engine.backend.check;

import java.util.Random;
import java.util.function.Function;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;

/**
 * One kernel call on fixed random inputs: {@code compute} makes its inputs on the backend it is given (from seeds, so
 * every backend gets the same numbers) and returns the kernel's result. A backend agrees with the reference on it when
 * the relative error of the whole result in the max norm is at most {@code tolerance}.
 *
 * @param family the kernel or kernel variant it exercises, as the self-check reports it ("conv2dBackwardWeight")
 * @param name this problem, with its shape ("conv [1, 3, 13, 11, 5, 7, 1, 0] backward weight")
 */
public record KernelProblem(String family, String name, double tolerance, Function<Backend, Tensor> compute) {

    /** Standard normal values from {@code seed}, on {@code b}. */
    public static Tensor rand(Backend b, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(b, v, shape);
    }
}
