package org.cyclegan.engine.autograd;

import org.cyclegan.engine.Tensor;

/**
 * The backward half of an op: given the gradient of the loss with respect to the op's output, return the gradient
 * with respect to each input, in the order the inputs were recorded (null for an input that needs none).
 * Most are written with ordinary tensor ops, so the chain rule reads like the math; a few call a backend kernel
 * instead (convolution weights, normalization, padding), each inside an op of its own or beside a composed form, so
 * that every rule can be differentiated again (see {@link Autograd}).
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
