package org.cyclegan.model.layers;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * {@code nn.LeakyReLU(slope)}: x for x &gt; 0, slope·x otherwise. CycleGAN uses slope 0.2 in its discriminators and
 * in the U-Net's down path. (Where the reference's {@code inplace=True} changes a result, in the U-Net's skip
 * connections, {@code UnetSkipConnectionBlock} reproduces it explicitly.)
 */
public final class LeakyReLU extends Module {
    private final float slope;

    public LeakyReLU(float slope) {
        this.slope = slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + slope + ")";
    }
}
