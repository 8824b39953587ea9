package org.cyclegan.kernels;

import static org.cyclegan.engine.backend.check.KernelProblem.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GraphDot;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.model.Networks;
import org.cyclegan.model.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A convolution with reflection padding ({@link ConvSpec#reflect}) is the reference's ReflectionPad2d followed by an
 * unpadded Conv2d, fused: on the cpu backend the two give the same output and the same gradients bit for bit (the
 * fused kernels read the same values in the same order; only the padded tensor is gone), on the generators' layer
 * shapes for every Winograd choice; the reference backend agrees within summation order. The ResNet generator's
 * graph then holds no padding op at all.
 */
class ReflectionPaddedConvTest {
    /** {n, cin, h, w, cout, k, pad}: the generator's layers in miniature, and a ResNet block's at 32 px (F(4×4) by shape). */
    static Stream<Arguments> layers() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {
                {1, 3, 20, 22, 8, 7, 3},     // the stem: GEMM path forward and weight gradient, col2im data gradient
                {2, 8, 13, 11, 3, 7, 3},     // the output layer: DirectConv, its data gradient as a forward convolution
                {2, 16, 9, 11, 16, 3, 1},    // a residual block's convolution
                {1, 32, 32, 32, 32, 3, 1},   // at 128 px's block resolution scaled down: F(4×4) under auto
        };
        for (int[] s : shapes) for (String winograd : new String[] {"auto", "f2", "f4", "off"}) out.add(Arguments.of(s, winograd));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} winograd={1}")
    @MethodSource("layers")
    void cpuFusedEqualsPadThenConvolveBitForBit(int[] s, String winograd) {
        try (CpuBackend cpu = CpuBackend.forTesting(2, 2_000, winograd)) {
            List<float[]> fused = run(cpu, s, true), separate = run(cpu, s, false);
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) assertArrayEquals(separate.get(i), fused.get(i), names[i]);
        }
    }

    @Test
    void referenceFusedAgreesWithPadThenConvolve() {
        Backend ref = new ReferenceBackend();
        for (int[] s : new int[][] {{1, 3, 9, 8, 4, 7, 3}, {2, 5, 6, 7, 3, 3, 1}, {1, 2, 3, 4, 2, 3, 2}}) {
            List<float[]> fused = run(ref, s, true), separate = run(ref, s, false);
            for (int i = 0; i < 4; i++) {
                float[] e = separate.get(i), a = fused.get(i);
                double maxDiff = 0, maxAbs = 0;
                for (int j = 0; j < e.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(e[j] - a[j]));
                    maxAbs = Math.max(maxAbs, Math.abs(e[j]));
                }
                assertTrue(maxDiff <= 1e-6 * maxAbs, "reference, tensor " + i + " of " + Arrays.toString(s) + ": " + maxDiff + " of " + maxAbs);
            }
        }
    }

    /** y = conv(pad(x)) + b, loss Σ y·r for a fixed random r; returns y, dL/dx, dL/dw, dL/db. */
    private static List<float[]> run(Backend be, int[] s, boolean fused) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = rand(be, 1, s[0], s[1], s[2], s[3]).requiresGrad(true);
            Tensor w = rand(be, 2, s[4], s[1], s[5], s[5]).requiresGrad(true);
            Tensor b = rand(be, 3, s[4]).requiresGrad(true);
            Tensor y = fused ? F.conv2d(x, w, b, ConvSpec.reflect(1, s[6])) : F.conv2d(F.reflectionPad2d(x, s[6]), w, b, 1, 0);
            Tensor r = rand(be, 4, y.shape());
            y.mul(r).sum().backward();
            return List.of(y.toArray(), x.grad().toArray(), w.grad().toArray(), b.grad().toArray());
        }
    }

    @Test
    void theFusionPropertyTakesTrueOrFalseOnly() {
        assertTrue(Sequential.fusePadding(null) && Sequential.fusePadding(" ") && Sequential.fusePadding("TRUE"));
        assertFalse(Sequential.fusePadding("false") || Sequential.fusePadding(" False "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.fusePadding("no"));
        assertTrue(e.getMessage().contains(Sequential.FUSE_PADDING_PROPERTY) && e.getMessage().contains("'no'"), e.getMessage());
    }

    @Test
    void theResnetGeneratorsGraphHasNoPaddingOp() {
        try (MemoryScope scope = MemoryScope.open()) {
            var g = Networks.defineG(3, 3, 8, "resnet_6blocks", "instance", false, "normal", 0.02f, new Random(1));
            Tensor y = g.forward(Tensor.zeros(1, 3, 32, 32).requiresGrad(true));
            List<String> ops = GraphDot.ops(y).stream().map(n -> n.op()).toList();
            assertFalse(ops.contains("reflection_pad2d"), ops.toString());
            // The stem, two down-sampling convolutions, 2 per block, the output layer.
            assertEquals(1 + 2 + 2 * 6 + 1, ops.stream().filter("conv2d"::equals).count(), ops.toString());
            assertTrue(ops.contains("conv_transpose2d"), ops.toString());
        }
    }
}
