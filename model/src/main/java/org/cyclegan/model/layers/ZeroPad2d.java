package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/** {@code nn.ZeroPad2d(p)}: p rows and columns of zeros at every border. */
public final class ZeroPad2d extends Module {
    private final int padding;

    public ZeroPad2d(int padding) {
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.zeroPad2d(x, padding);
    }

    @Override
    public String toString() {
        return "ZeroPad2d(" + padding + ")";
    }
}
