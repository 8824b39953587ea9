package org.cyclegan.model.init;

import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.meta.MetaBackend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.BatchNorm2d;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.ConvTranspose2d;

/**
 * The reference's {@code init_weights(net, init_type, init_gain)}: visit every layer (children first, as
 * {@code net.apply}) and
 * <ul>
 *   <li>convolutions and transposed convolutions (the reference matches class names containing "Conv" or "Linear";
 *       this model has no linear layers): weight by {@code initType}, bias 0;</li>
 *   <li>batch norm: weight ~ N(1, gain²), bias 0 (its weight is a vector, so only the normal distribution applies);</li>
 *   <li>everything else (instance norm without affine parameters, pads, activations) is left alone.</li>
 * </ul>
 */
public final class WeightInit {
    private WeightInit() {}

    public static void initWeights(Module net, InitType initType, float gain, Random rng) {
        // The meta backend holds shapes only: there are no values to draw (the memory estimate builds whole networks there).
        if (net.parameters().stream().anyMatch(p -> p.backend() instanceof MetaBackend)) return;
        net.apply(layer -> {
            if (layer instanceof Conv2d c) {
                initConvWeight(c.weight, initType, gain, rng);
                if (c.bias != null) Init.constant(c.bias, 0f);
            } else if (layer instanceof ConvTranspose2d c) {
                initConvWeight(c.weight, initType, gain, rng);
                if (c.bias != null) Init.constant(c.bias, 0f);
            } else if (layer instanceof BatchNorm2d bn) {
                Init.normal(bn.weight, 1.0, gain, rng);
                Init.constant(bn.bias, 0f);
            }
        });
    }

    private static void initConvWeight(Tensor w, InitType initType, float gain, Random rng) {
        switch (initType) {
            case NORMAL -> Init.normal(w, 0.0, gain, rng);
            case XAVIER -> Init.xavierNormal(w, gain, rng);
            case KAIMING -> Init.kaimingNormal(w, 0.0, rng);   // a = 0, mode fan_in; the reference passes no gain
            case ORTHOGONAL -> Init.orthogonal(w, gain, rng);
        }
    }
}
