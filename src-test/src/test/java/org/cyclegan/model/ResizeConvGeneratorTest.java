package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Upsample;
import org.cyclegan.model.networks.Norm;
import org.cyclegan.model.networks.ResnetGenerator;
import org.junit.jupiter.api.Test;

/**
 * The ResNet generator with resize-convolution up-sampling ({@code --upsample resize_conv}): its keys are those of an
 * {@code nn.Sequential} holding an Upsample before each up-sampling stage's convolution, its parameters those of the
 * transposed convolutions it replaces, and it doubles the size twice as they do.
 */
class ResizeConvGeneratorTest {

    @Test void nearestUpsamplingCopiesEachEntryIntoABlock() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        Tensor y = new Upsample(2).forward(x);
        assertArrayEquals(new int[] {1, 1, 4, 6}, y.shape());
        assertArrayEquals(new float[] {
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6}, y.toArray());
        assertTrue(new Upsample(2).stateDict().isEmpty(), "no parameters, no keys");
    }

    @Test void theCpuBackendUpsamplesAndSumsTheGradientAsTheReferenceDoes() {
        // The op is built from broadcastTo and sum, which every backend has; check the composition on the training backend.
        Random rng = new Random(3);
        float[] x = Tensor.randn(rng, 2, 3, 5, 4).toArray(), gy = Tensor.randn(rng, 2, 3, 15, 12).toArray();
        float[][] reference = upsampleAndGradient(Tensor.of(x, 2, 3, 5, 4), Tensor.of(gy, 2, 3, 15, 12));
        Backend cpu = new CpuBackend(2);
        float[][] ours = upsampleAndGradient(Tensor.of(cpu, x, 2, 3, 5, 4), Tensor.of(cpu, gy, 2, 3, 15, 12));
        assertArrayEquals(reference[0], ours[0], "forward: copies");
        assertArrayEquals(reference[1], ours[1], 1e-5f, "backward: sums of 9");
        // Each input entry's gradient is the sum of gy over its 3x3 block.
        assertEquals(gy[0] + gy[1] + gy[2] + gy[12] + gy[13] + gy[14] + gy[24] + gy[25] + gy[26], reference[1][0], 1e-5f);
    }

    private static float[][] upsampleAndGradient(Tensor x, Tensor gy) {
        x.requiresGrad(true);
        Tensor y = F.upsampleNearest2d(x, 3);
        y.backward(gy);
        return new float[][] {y.toArray(), x.grad().toArray()};
    }

    @Test void keysAreAnEquivalentSequentialsAndShiftByOnePerStage() {
        int n = 3;
        Map<String, Tensor> keys = new ResnetGenerator(3, 3, 8, Norm.INSTANCE, false, n, GeneratorUpsampling.RESIZE_CONV, null).stateDict();
        // model.13 and model.17 are the Upsample layers: no keys.
        assertTrue(keys.keySet().stream().noneMatch(k -> k.startsWith("model.13.") || k.startsWith("model.17.")), keys.keySet().toString());
        assertArrayEquals(new int[] {16, 32, 3, 3}, keys.get("model." + (11 + n) + ".weight").shape(), "a convolution: [Cout, Cin, k, k]");
        assertArrayEquals(new int[] {16}, keys.get("model." + (11 + n) + ".bias").shape(), "instance norm: convolutions carry a bias");
        assertArrayEquals(new int[] {8, 16, 3, 3}, keys.get("model." + (15 + n) + ".weight").shape());
        assertArrayEquals(new int[] {3, 8, 7, 7}, keys.get("model." + (19 + n) + ".weight").shape());
        List<String> tail = keys.keySet().stream().filter(k -> !k.contains("conv_block") && Integer.parseInt(k.split("\\.")[1]) >= 10 + n).toList();
        assertEquals(List.of("model.14.weight", "model.14.bias", "model.18.weight", "model.18.bias", "model.22.weight", "model.22.bias"), tail);

        Map<String, Tensor> batch = new ResnetGenerator(3, 3, 8, Norm.BATCH, false, n, GeneratorUpsampling.RESIZE_CONV, null).stateDict();
        assertTrue(!batch.containsKey("model.14.bias") && batch.containsKey("model.15.running_mean"), "batch norm: no bias, the norm after the conv");
    }

    @Test void parameterCountIsAHandCountAndThatOfTheTransposedConvolutions() {
        // ngf 8, 3 blocks, instance norm (convolutions with bias, norms without parameters), 3 -> 3 channels:
        int stem = 8 * 3 * 49 + 8;
        int down = (16 * 8 * 9 + 16) + (32 * 16 * 9 + 32);
        int blocks = 3 * 2 * (32 * 32 * 9 + 32);
        int up = (16 * 32 * 9 + 16) + (8 * 16 * 9 + 8);
        int last = 3 * 8 * 49 + 3;
        long hand = stem + down + blocks + up + last;
        assertEquals(hand, new ResnetGenerator(3, 3, 8, Norm.INSTANCE, false, 3, GeneratorUpsampling.RESIZE_CONV, null).parameterCount());
        assertEquals(hand, new ResnetGenerator(3, 3, 8, Norm.INSTANCE, false, 3, null).parameterCount(), "the transposed convolutions have as many");
        // The reference's resnet_9blocks size: the published 11,378,179 either way.
        assertEquals(11_378_179L, new ResnetGenerator(3, 3, 64, Norm.INSTANCE, false, 9, GeneratorUpsampling.RESIZE_CONV, null).parameterCount());
    }

    @Test void outputHasTheInputsSizeAsTheReferences() {
        Random rng = new Random(4);
        Module g = Networks.defineG(3, 2, 4, GeneratorKind.resnet(2), GeneratorUpsampling.RESIZE_CONV, "instance", false, "normal", 0.02f, rng);
        Tensor y = g.forward(Tensor.randn(rng, 1, 3, 36, 28));
        assertArrayEquals(new int[] {1, 2, 36, 28}, y.shape());
        for (float v : y.toArray()) assertTrue(v > -1 && v < 1, "tanh output");
    }

    @Test void aUnetRefusesResizeConvolutionNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Networks.defineG(3, 3, 4, GeneratorKind.unet(7),
                GeneratorUpsampling.RESIZE_CONV, "instance", false, "normal", 0.02f, new Random(0)));
        assertTrue(e.getMessage().contains("--upsample resize_conv") && e.getMessage().contains("unet_128"), e.getMessage());
        assertEquals(GeneratorUpsampling.RESIZE_CONV, GeneratorUpsampling.parse("resize_conv"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratorUpsampling.parse("bilinear")).getMessage().contains("[transpose, resize_conv]"));
    }
}
