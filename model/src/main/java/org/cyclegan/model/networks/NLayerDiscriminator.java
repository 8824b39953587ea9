package org.cyclegan.model.networks;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.LeakyReLU;
import org.cyclegan.model.layers.Sequential;

/**
 * The PatchGAN discriminator: a fully convolutional net whose every output value judges one overlapping patch of the
 * input as real or fake. With {@code n_layers = 3} (the reference's {@code basic}) each value sees a 70×70 patch and a
 * 256² input gives a 30×30 map.
 * <pre>
 *   Conv 4×4 s2 (ndf, bias, no norm), LeakyReLU 0.2
 *   n_layers − 1 × [Conv 4×4 s2 → min(2^n, 8)·ndf, norm, LeakyReLU 0.2]
 *   Conv 4×4 s1 → min(2^n_layers, 8)·ndf, norm, LeakyReLU 0.2
 *   Conv 4×4 s1 → 1 channel (bias), no sigmoid: the GAN loss works on logits
 * </pre>
 * Keys: {@code model.0.weight}, {@code model.2.weight}, … as the reference's Sequential {@code model}.
 */
public final class NLayerDiscriminator extends Module {
    private static final int KW = 4;
    private static final int PADW = 1;
    private static final float SLOPE = 0.2f;

    private final Sequential model;

    public NLayerDiscriminator(int inputNc, int ndf, int nLayers, Norm norm) {
        if (nLayers < 0) throw new IllegalArgumentException("NLayerDiscriminator: n_layers must be >= 0, got " + nLayers);
        boolean useBias = norm.convBias();
        List<Module> layers = new ArrayList<>();
        layers.add(new Conv2d(inputNc, ndf, KW, 2, PADW, true));
        layers.add(new LeakyReLU(SLOPE));

        // Gradually increase the number of filters, capped at 8·ndf.
        int nfMult = 1;
        for (int n = 1; n < nLayers; n++) {
            int nfMultPrev = nfMult;
            nfMult = filterMult(n);
            layers.add(new Conv2d(ndf * nfMultPrev, ndf * nfMult, KW, 2, PADW, useBias));
            layers.add(norm.create(ndf * nfMult));
            layers.add(new LeakyReLU(SLOPE));
        }
        int nfMultPrev = nfMult;
        nfMult = filterMult(nLayers);
        layers.add(new Conv2d(ndf * nfMultPrev, ndf * nfMult, KW, 1, PADW, useBias));
        layers.add(norm.create(ndf * nfMult));
        layers.add(new LeakyReLU(SLOPE));

        // One-channel prediction map.
        layers.add(new Conv2d(ndf * nfMult, 1, KW, 1, PADW, true));
        model = registerModule("model", new Sequential(layers));
    }

    /** The reference's {@code min(2**n, 8)}, written so that a large n cannot overflow the shift. */
    private static int filterMult(int n) {
        return n >= 3 ? 8 : 1 << n;
    }

    @Override
    public Tensor forward(Tensor x) {
        return model.forward(x);
    }
}
