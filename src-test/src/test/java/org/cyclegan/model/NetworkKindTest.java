package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cyclegan.engine.nn.Module;
import org.junit.jupiter.api.Test;

/** --netG and --netD parsed into a family and its parameter, and written back as they were given. */
class NetworkKindTest {
    @Test void everyGeneratorNameParsesToItsFamilyAndDepthAndBack() {
        assertEquals(GeneratorKind.resnet(9), GeneratorKind.parse("resnet_9blocks"));
        assertEquals(GeneratorKind.resnet(6), GeneratorKind.parse("resnet_6blocks"));
        assertEquals(GeneratorKind.unet(8), GeneratorKind.parse("unet_256"));
        assertEquals(GeneratorKind.unet(7), GeneratorKind.parse("unet_128"));
        for (String name : GeneratorKind.NAMES) assertEquals(name, GeneratorKind.parse(name).name());
        // Any number of residual blocks (the reference names only 9 and 6), spelt one way.
        assertEquals(GeneratorKind.resnet(7), GeneratorKind.parse("resnet_7blocks"));
        assertEquals(GeneratorKind.resnet(1), GeneratorKind.parse("resnet_1blocks"));
        assertEquals("resnet_4blocks", GeneratorKind.parse("resnet_4blocks").name());
        assertEquals(GeneratorKind.resnet(GeneratorKind.MAX_RESNET_BLOCKS), GeneratorKind.parse("resnet_9999blocks"));
        for (String bad : new String[] {"resnet_0blocks", "resnet_blocks", "resnet_04blocks", "resnet_-1blocks", "resnet_10000blocks", "resnet_4", "unet_64"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratorKind.parse(bad), bad);
            assertTrue(e.getMessage().contains("--netG") && e.getMessage().contains(GeneratorKind.CHOICES), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratorKind.parse("resnet_0blocks")).getMessage().contains("at least 1 residual block"));
    }

    @Test void aDiscriminatorKeepsItsLayerOptionAndTakesTheLayersItsFamilyHas() {
        DiscriminatorKind basic = DiscriminatorKind.parse("basic", 5);
        assertEquals(3, basic.stridedLayers(), "basic is n_layers with 3, whatever --n_layers_D says");
        assertEquals(5, basic.nLayersD(), "the option as given, which the networks' metadata records");
        assertEquals(2, DiscriminatorKind.parse("n_layers", 2).stridedLayers());
        for (String name : DiscriminatorKind.NAMES) assertEquals(name, DiscriminatorKind.parse(name, 3).name());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscriminatorKind.parse("n_layers", 0)).getMessage().contains("--n_layers_D"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscriminatorKind.parse("patch", 3)).getMessage().contains("--netD"));
    }

    @Test void theNetworksAreBuiltWithTheParsedDepth() {
        Module resnet = Networks.defineG(3, 3, 2, GeneratorKind.resnet(2), "instance", false, "normal", 0.02f, new Random(0));
        assertTrue(resnet.stateDict().containsKey("model.11.conv_block.1.weight") && !resnet.stateDict().containsKey("model.12.conv_block.1.weight"),
                "two residual blocks: model.10 and model.11");
        Module d = Networks.defineD(3, 2, DiscriminatorKind.parse("n_layers", 1), "instance", "normal", 0.02f, new Random(0));
        assertEquals(Networks.defineD(3, 2, "n_layers", 1, "instance", "normal", 0.02f, new Random(0)).stateDict().keySet(), d.stateDict().keySet());
    }
}
