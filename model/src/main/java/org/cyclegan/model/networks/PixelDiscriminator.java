package org.cyclegan.model.networks;

import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.LeakyReLU;
import org.cyclegan.model.layers.Sequential;

/**
 * The 1×1 PixelGAN discriminator: judges every pixel on its own (colour statistics, no spatial structure).
 * <pre>
 *   Conv 1×1 → ndf (bias), LeakyReLU 0.2, Conv 1×1 → 2·ndf, norm, LeakyReLU 0.2, Conv 1×1 → 1
 * </pre>
 * Unlike {@link NLayerDiscriminator}, the reference gives the last convolution {@code bias=use_bias}, so with batch
 * norm it has no bias. Keys: {@code net.0.weight}, {@code net.2.weight}, … (the reference names this Sequential
 * {@code net}).
 */
public final class PixelDiscriminator extends Module {
    private final Sequential net;

    public PixelDiscriminator(int inputNc, int ndf, Norm norm) {
        boolean useBias = norm.convBias();
        net = registerModule("net", new Sequential(
                new Conv2d(inputNc, ndf, 1, 1, 0, true),
                new LeakyReLU(0.2f),
                new Conv2d(ndf, ndf * 2, 1, 1, 0, useBias),
                norm.create(ndf * 2),
                new LeakyReLU(0.2f),
                new Conv2d(ndf * 2, 1, 1, 1, 0, useBias)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x);
    }
}
