package org.cyclegan.engine.backend;

import org.cyclegan.engine.Tensor;

/**
 * What a normalization kernel returns: the normalized output {@code xhat = (x - mean) * invStd}, and the statistics
 * it used. {@code mean} and {@code var} (biased) have one value per normalized group: shape [N, C] for instance norm,
 * [C] for batch norm. The backward pass needs {@code xhat} and {@code invStd} only.
 */
public record NormResult(Tensor xhat, Tensor mean, Tensor var, Tensor invStd) {}
