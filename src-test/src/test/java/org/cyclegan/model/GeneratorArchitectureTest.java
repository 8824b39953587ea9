package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.model.interop.ReferenceStateDict;
import org.junit.jupiter.api.Test;

/**
 * Reading a generator's options back from its state-dict keys and shapes (every generator, norm and dropout setting,
 * at odd widths and channel counts), and the reference loader's allowances: the DataParallel prefix and the instance
 * norm statistics of old checkpoints, dropped only where the layer really is an instance norm.
 */
class GeneratorArchitectureTest {
    private static Map<String, int[]> shapes(Module net) {
        Map<String, int[]> out = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }

    @Test void everyReferenceGeneratorIsRecognizedFromItsKeys() {
        for (String name : GeneratorKind.NAMES) {
            GeneratorKind netG = GeneratorKind.parse(name);
            for (String norm : List.of("instance", "batch", "none")) {
                for (boolean dropout : List.of(false, true)) {
                    // U-Net dropout adds no key, so it cannot be seen (and does nothing in evaluation).
                    boolean visible = dropout && netG.isResnet();
                    GeneratorArchitecture a = new GeneratorArchitecture(netG, 3, norm, 2, 1, dropout);
                    Optional<GeneratorArchitecture> got = GeneratorArchitecture.infer(shapes(a.build()));
                    assertEquals(Optional.of(new GeneratorArchitecture(netG, 3, norm, 2, 1, visible)), got, a.describe());
                }
            }
        }
    }

    @Test void discriminatorsAndOtherNetworksAreNotGenerators() {
        assertEquals(Optional.empty(), GeneratorArchitecture.infer(shapes(Networks.defineD(3, 4, "basic", 3, "instance", "normal", 0.02f, new Random(0)))));
        assertEquals(Optional.empty(), GeneratorArchitecture.infer(shapes(Networks.defineD(3, 4, "pixel", 3, "batch", "normal", 0.02f, new Random(0)))));
        // A resnet with a gap in its numbering (blocks 4 and 5 taken out): no generator has these keys.
        Map<String, int[]> fourBlocks = shapes(new GeneratorArchitecture(GeneratorKind.resnet(6), 2, "instance", 3, 3, false).build());
        fourBlocks.keySet().removeIf(k -> k.startsWith("model.14.") || k.startsWith("model.15."));
        assertEquals(Optional.empty(), GeneratorArchitecture.infer(fourBlocks));
    }

    @Test void dataParallelPrefixIsRemovedOnlyWhenEveryKeyHasIt() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        all.put("module.model.1.weight", Tensor.scalar(1f));
        all.put("module.model.1.bias", Tensor.scalar(2f));
        assertEquals(List.of("model.1.weight", "model.1.bias"), List.copyOf(ReferenceStateDict.withoutDataParallelPrefix(all).keySet()));
        Map<String, Tensor> some = new LinkedHashMap<>(all);
        some.put("model.1.bias", Tensor.scalar(3f));
        assertEquals(some.keySet(), ReferenceStateDict.withoutDataParallelPrefix(some).keySet());
    }

    @Test void instanceNormStatisticsAreDroppedOnlyOnInstanceNormLayers() {
        Module instance = new GeneratorArchitecture(GeneratorKind.resnet(6), 2, "instance", 3, 3, false).build();
        Map<String, Tensor> state = new LinkedHashMap<>(instance.stateDict());
        state.put("model.2.running_mean", Tensor.zeros(2));                        // model.2 is an InstanceNorm2d
        state.put("model.10.conv_block.2.running_var", Tensor.ones(8));
        state.put("model.2.num_batches_tracked", Tensor.scalar(0f));
        state.put("model.1.running_mean", Tensor.zeros(2));                        // model.1 is a convolution: kept
        Map<String, Tensor> patched = ReferenceStateDict.withoutInstanceNormStatistics(instance, state);
        assertEquals(List.of("model.2.running_mean", "model.10.conv_block.2.running_var", "model.2.num_batches_tracked"),
                ReferenceStateDict.instanceNormStatistics(instance, state));
        assertTrue(patched.containsKey("model.1.running_mean") && !patched.containsKey("model.2.running_mean"));
        // Batch norm's statistics are real state: never dropped.
        Module batch = new GeneratorArchitecture(GeneratorKind.resnet(6), 2, "batch", 3, 3, false).build();
        assertEquals(List.of(), ReferenceStateDict.instanceNormStatistics(batch, batch.stateDict()));
    }
}
