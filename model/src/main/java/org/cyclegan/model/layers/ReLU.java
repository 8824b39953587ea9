package org.cyclegan.model.layers;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/** {@code nn.ReLU}: max(x, 0). (The reference's {@code inplace=True} is a memory saving with no effect here.) */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
