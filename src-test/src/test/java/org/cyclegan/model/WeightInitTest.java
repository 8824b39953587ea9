package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.init.Init;
import org.cyclegan.model.layers.BatchNorm2d;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.ConvTranspose2d;
import org.junit.jupiter.api.Test;

/** The reference's init_weights: distributions of the weights, zero biases, batch norm's N(1, gain), determinism. */
class WeightInitTest {

    /** Every conv / transposed-conv weight of a network, in visiting order. */
    static List<Tensor> convWeights(Module net) {
        List<Tensor> out = new ArrayList<>();
        net.apply(l -> {
            if (l instanceof Conv2d c) out.add(c.weight);
            if (l instanceof ConvTranspose2d c) out.add(c.weight);
        });
        return out;
    }

    static double[] meanStd(float[] v) {
        double s = 0, s2 = 0;
        for (float x : v) { s += x; s2 += (double) x * x; }
        double mean = s / v.length;
        return new double[] {mean, Math.sqrt(s2 / v.length - mean * mean)};
    }

    static float[] concat(List<Tensor> ts) {
        int n = 0;
        for (Tensor t : ts) n += t.numel();
        float[] out = new float[n];
        int at = 0;
        for (Tensor t : ts) {
            System.arraycopy(t.toArray(), 0, out, at, t.numel());
            at += t.numel();
        }
        return out;
    }

    static void assertAllBiasesZero(Module net) {
        int[] seen = {0};
        net.namedParameters().forEach((k, v) -> {
            if (k.endsWith(".bias")) {
                seen[0]++;
                for (float x : v.toArray()) assertEquals(0f, x, k + " must start at 0");
            }
        });
        assertTrue(seen[0] > 0, "the network has biases to check");
    }

    @Test void normalInitHasMeanZeroAndStdGain() {
        Module g = Networks.defineG(3, 3, 16, "resnet_6blocks", "instance", false, "normal", 0.02f, new Random(7));
        double[] ms = meanStd(concat(convWeights(g)));
        assertEquals(0.0, ms[0], 2e-4, "mean");
        assertEquals(0.02, ms[1], 0.02 * 0.01, "std");
        assertAllBiasesZero(g);
    }

    @Test void batchNormWeightsAreNormalAroundOneAndBiasesZero() {
        Module d = Networks.defineD(3, 64, "basic", 3, "batch", "normal", 0.1f, new Random(3));
        List<Tensor> weights = new ArrayList<>();
        d.apply(l -> {
            if (l instanceof BatchNorm2d bn) {
                weights.add(bn.weight);
                for (float x : bn.bias.toArray()) assertEquals(0f, x);
                // init_weights leaves the running statistics alone.
                for (float x : bn.runningMean.toArray()) assertEquals(0f, x);
                for (float x : bn.runningVar.toArray()) assertEquals(1f, x);
            }
        });
        assertEquals(3, weights.size());
        double[] ms = meanStd(concat(weights));   // 896 values
        assertEquals(1.0, ms[0], 0.01, "mean");
        assertEquals(0.1, ms[1], 0.01, "std");
        assertAllBiasesZero(d);
    }

    @Test void xavierStdFollowsTheFans() {
        Conv2d conv = new Conv2d(64, 128, 3, 1, 1, true);
        Init.xavierNormal(conv.weight, 0.5, new Random(1));
        double expected = 0.5 * Math.sqrt(2.0 / (64 * 9 + 128 * 9));
        assertEquals(expected, meanStd(conv.weight.toArray())[1], expected * 0.02);
    }

    @Test void kaimingStdIsSqrtTwoOverFanInAndIgnoresTheGain() {
        Module g = Networks.defineG(3, 3, 32, "resnet_6blocks", "instance", false, "kaiming", 0.02f, new Random(5));
        Tensor w = convWeights(g).get(3);   // a residual block's 128 -> 128 3x3 convolution
        assertArrayEquals(new int[] {128, 128, 3, 3}, w.shape());
        double expected = Math.sqrt(2.0 / (128 * 9));
        assertEquals(expected, meanStd(w.toArray())[1], expected * 0.02);
    }

    @Test void fansReadTheTensorDimensionsAsPyTorchDoes() {
        // A transposed convolution's weight is [Cin, Cout, k, k]: PyTorch's "fan_in" is dim 1 · k·k = Cout·k·k.
        ConvTranspose2d up = new ConvTranspose2d(256, 128, 3, 2, 1, 1, true);
        assertArrayEquals(new long[] {128 * 9, 256 * 9}, Init.fanInAndFanOut(up.weight));
    }

    /** W (rows × cols, flattened) has orthonormal rows when rows ≤ cols and orthonormal columns otherwise, times gain. */
    static void assertOrthogonal(Tensor w, double gain) {
        int rows = w.dim(0), cols = w.numel() / rows;
        float[] v = w.toArray();
        boolean wide = rows <= cols;
        int n = wide ? rows : cols;
        double worst = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double dot = 0;
                int len = wide ? cols : rows;
                for (int k = 0; k < len; k++) {
                    double va = wide ? v[a * cols + k] : v[k * cols + a];
                    double vb = wide ? v[b * cols + k] : v[k * cols + b];
                    dot += va * vb;
                }
                worst = Math.max(worst, Math.abs(dot - (a == b ? gain * gain : 0)));
            }
        }
        assertTrue(worst < 1e-5 * Math.max(1, gain * gain), "W·Wᵀ (or WᵀW) differs from gain²·I by " + worst + " for " + Arrays.toString(w.shape()));
    }

    @Test void orthogonalInitGivesGainSquaredIdentity() {
        Random rng = new Random(11);
        Tensor tall = Tensor.zeros(50, 3, 2, 2);    // 50 x 12: orthonormal columns
        Init.orthogonal(tall, 1.5, rng);
        assertOrthogonal(tall, 1.5);
        Tensor wide = Tensor.zeros(6, 4, 3, 3);     // 6 x 36: orthonormal rows
        Init.orthogonal(wide, 0.7, rng);
        assertOrthogonal(wide, 0.7);
        Tensor square = Tensor.zeros(8, 8);
        Init.orthogonal(square, 1.0, rng);
        assertOrthogonal(square, 1.0);

        Module d = Networks.defineD(3, 8, "basic", 3, "instance", "orthogonal", 2.0f, new Random(2));
        for (Tensor w : convWeights(d)) assertOrthogonal(w, 2.0);
        assertAllBiasesZero(d);
    }

    @Test void theSameSeedGivesTheSameNetworkAndAnotherSeedAnother() {
        Map<String, Tensor> a = Networks.defineG(3, 3, 8, "unet_128", "batch", true, "xavier", 0.02f, new Random(42)).stateDict();
        Map<String, Tensor> b = Networks.defineG(3, 3, 8, "unet_128", "batch", true, "xavier", 0.02f, new Random(42)).stateDict();
        Map<String, Tensor> c = Networks.defineG(3, 3, 8, "unet_128", "batch", true, "xavier", 0.02f, new Random(43)).stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        String first = "model.model.0.weight";
        assertFalse(Arrays.equals(a.get(first).toArray(), c.get(first).toArray()));
    }
}
