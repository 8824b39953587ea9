package org.cyclegan.model;

import static org.cyclegan.testing.Fixtures.intParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.networks.NLayerDiscriminator;
import org.cyclegan.model.networks.Norm;
import org.cyclegan.model.networks.PixelDiscriminator;
import org.cyclegan.model.networks.ResnetGenerator;
import org.cyclegan.model.networks.UnetGenerator;
import org.cyclegan.testing.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Trainable-parameter counts at the reference's default sizes (3 channels, ngf = ndf = 64), equal to PyTorch's.
 * The networks are built with their constructors (no initialization: only shapes matter here).
 */
class ParameterCountTest {

    static Module generator(String netG, Norm norm) {
        return switch (netG) {
            case "resnet_9blocks" -> new ResnetGenerator(3, 3, 64, norm, false, 9, null);
            case "resnet_6blocks" -> new ResnetGenerator(3, 3, 64, norm, false, 6, null);
            case "unet_128" -> new UnetGenerator(3, 3, 7, 64, norm, false, null);
            case "unet_256" -> new UnetGenerator(3, 3, 8, 64, norm, false, null);
            default -> throw new IllegalArgumentException(netG);
        };
    }

    static Module discriminator(String netD, int nLayers, Norm norm) {
        return switch (netD) {
            case "basic" -> new NLayerDiscriminator(3, 64, 3, norm);
            case "n_layers" -> new NLayerDiscriminator(3, 64, nLayers, norm);
            case "pixel" -> new PixelDiscriminator(3, 64, norm);
            default -> throw new IllegalArgumentException(netD);
        };
    }

    // The CycleGAN defaults (instance norm), as published for the reference.
    @Test void resnet9blocksGenerator() { assertEquals(11_378_179L, generator("resnet_9blocks", Norm.INSTANCE).parameterCount()); }
    @Test void resnet6blocksGenerator() { assertEquals(7_837_699L, generator("resnet_6blocks", Norm.INSTANCE).parameterCount()); }
    @Test void basicDiscriminator() { assertEquals(2_764_737L, discriminator("basic", 3, Norm.INSTANCE).parameterCount()); }

    /** Every network and norm, against the counts PyTorch measured (fixture net_param_counts). */
    @TestFactory Stream<DynamicTest> everyNetworkAndNormMatchesPyTorch() {
        Fixtures f = Fixtures.load("net_param_counts");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : f.cases()) {
            tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> {
                Norm norm = Norm.parse((String) c.get("norm"));
                String net = (String) c.get("net");
                Module layer = c.get("kind").equals("G") ? generator(net, norm) : discriminator(net, intParam(c, "n_layers"), norm);
                long expected = ((Number) c.get("params")).longValue();
                assertEquals(expected, layer.parameterCount(), c.get("name") + " parameter count");
            }));
        }
        return tests.stream();
    }
}
