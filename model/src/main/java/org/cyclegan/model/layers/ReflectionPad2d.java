package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/** {@code nn.ReflectionPad2d(p)}: mirrors p rows and columns at every border, without repeating the edge. */
public final class ReflectionPad2d extends Module {
    private final int padding;

    public ReflectionPad2d(int padding) {
        this.padding = padding;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.reflectionPad2d(x, padding);
    }

    @Override
    public String toString() {
        return "ReflectionPad2d(" + padding + ")";
    }
}
