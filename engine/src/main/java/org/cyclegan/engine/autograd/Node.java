package org.cyclegan.engine.autograd;

import org.cyclegan.engine.Tensor;

/**
 * One recorded op in the graph: its name (for error messages and graph printing), the tensors it consumed and how to
 * send a gradient back to them. A tensor produced by an op points to its node through {@code Tensor.gradFn()}.
 */
public record Node(String op, Tensor[] inputs, Backward backward) {}
