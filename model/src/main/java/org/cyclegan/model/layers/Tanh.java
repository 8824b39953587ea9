package org.cyclegan.model.layers;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/** {@code nn.Tanh}: squashes a generator's output into [−1, 1], the range images are scaled to. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
