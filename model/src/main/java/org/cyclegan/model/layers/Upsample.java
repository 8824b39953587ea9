package org.cyclegan.model.layers;

import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/** {@code nn.Upsample(scale_factor=s, mode='nearest')}: every entry becomes an s×s block. No parameters. */
public final class Upsample extends Module {
    private final int scaleFactor;

    public Upsample(int scaleFactor) {
        if (scaleFactor < 1) throw new IllegalArgumentException("Upsample: scale factor must be >= 1, got " + scaleFactor);
        this.scaleFactor = scaleFactor;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.upsampleNearest2d(x, scaleFactor);
    }

    @Override
    public String toString() {
        return "Upsample(scale_factor=" + scaleFactor + ", mode=nearest)";
    }
}
