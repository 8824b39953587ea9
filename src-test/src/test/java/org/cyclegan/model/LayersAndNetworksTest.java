package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.BatchNorm2d;
import org.cyclegan.model.layers.Conv2d;
import org.cyclegan.model.layers.Dropout;
import org.cyclegan.model.layers.InstanceNorm2d;
import org.cyclegan.model.layers.ReLU;
import org.cyclegan.model.layers.Sequential;
import org.cyclegan.model.networks.Norm;
import org.cyclegan.model.networks.ResnetGenerator;
import org.cyclegan.model.networks.UnetGenerator;
import org.junit.jupiter.api.Test;

/** Layer behaviour that parity fixtures do not pin down, key names at full size, output shapes and option errors. */
class LayersAndNetworksTest {

    @Test void sequentialNamesItsChildrenByIndexCountingLayersWithoutParameters() {
        Sequential s = new Sequential(new Conv2d(3, 4, 3, 1, 1, true), new ReLU(), new InstanceNorm2d(4), new Conv2d(4, 2, 1, 1, 0, false));
        assertEquals(List.of("0.weight", "0.bias", "3.weight"), List.copyOf(s.stateDict().keySet()));
        assertArrayEquals(new int[] {4, 3, 3, 3}, s.stateDict().get("0.weight").shape());
    }

    @Test void batchNormHasPyTorchsStateAndCountsTrainingBatches() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertArrayEquals(new int[0], bn.numBatchesTracked.shape());
        Tensor x = Tensor.randn(new Random(1), 2, 3, 4, 4);
        bn.forward(x);
        bn.forward(x);
        assertEquals(2f, bn.numBatchesTracked.item());
        bn.eval();
        float[] meanBefore = bn.runningMean.toArray();
        bn.forward(x);
        assertEquals(2f, bn.numBatchesTracked.item(), "evaluation does not count");
        assertArrayEquals(meanBefore, bn.runningMean.toArray(), "evaluation does not update the running mean");
    }

    @Test void instanceNormHasNoState() {
        assertTrue(new InstanceNorm2d(8).stateDict().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new InstanceNorm2d(8).forward(Tensor.zeros(1, 4, 3, 3)));
    }

    @Test void dropoutDropsHalfAndRescalesInTrainingAndIsTheIdentityInEvaluation() {
        Dropout d = new Dropout(0.5f, new Random(9));
        Tensor x = Tensor.ones(1, 4, 50, 50);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            assertTrue(v == 0f || v == 2f, "kept values are scaled by 1/(1-p)");
            if (v == 0f) zeros++;
        }
        assertEquals(0.5, zeros / (double) y.length, 0.03);
        d.eval();
        assertArrayEquals(x.toArray(), d.forward(x).toArray());
    }

    @Test void resnetKeysAreTheReferences() {
        Map<String, Tensor> keys = new ResnetGenerator(3, 3, 64, Norm.INSTANCE, false, 9, null).stateDict();
        assertArrayEquals(new int[] {64, 3, 7, 7}, keys.get("model.1.weight").shape());
        assertArrayEquals(new int[] {128, 64, 3, 3}, keys.get("model.4.weight").shape());
        assertArrayEquals(new int[] {256, 128, 3, 3}, keys.get("model.7.weight").shape());
        assertArrayEquals(new int[] {256, 256, 3, 3}, keys.get("model.10.conv_block.1.weight").shape());
        assertArrayEquals(new int[] {256, 256, 3, 3}, keys.get("model.18.conv_block.5.weight").shape());
        assertArrayEquals(new int[] {256, 128, 3, 3}, keys.get("model.19.weight").shape());   // transposed: [Cin, Cout, k, k]
        assertArrayEquals(new int[] {128, 64, 3, 3}, keys.get("model.22.weight").shape());
        assertArrayEquals(new int[] {3, 64, 7, 7}, keys.get("model.26.weight").shape());
        assertArrayEquals(new int[] {3}, keys.get("model.26.bias").shape());

        Map<String, Tensor> withDropout = new ResnetGenerator(3, 3, 64, Norm.BATCH, true, 6, new Random(1)).stateDict();
        assertTrue(withDropout.containsKey("model.10.conv_block.6.weight"), "dropout shifts the second convolution to index 6");
        assertTrue(withDropout.containsKey("model.2.num_batches_tracked"));
        assertNull(withDropout.get("model.1.bias"), "no bias next to batch norm");
    }

    @Test void unetKeysNestAsTheReferences() {
        Map<String, Tensor> keys = new UnetGenerator(3, 3, 8, 64, Norm.BATCH, true, new Random(1)).stateDict();
        assertArrayEquals(new int[] {64, 3, 4, 4}, keys.get("model.model.0.weight").shape());            // outermost down
        assertArrayEquals(new int[] {128, 3, 4, 4}, keys.get("model.model.3.weight").shape());           // outermost up: [2·ngf, out]
        assertArrayEquals(new int[] {3}, keys.get("model.model.3.bias").shape());                         // always a bias
        assertArrayEquals(new int[] {128, 64, 4, 4}, keys.get("model.model.1.model.1.weight").shape());  // second level down
        assertArrayEquals(new int[] {128}, keys.get("model.model.1.model.2.weight").shape());            // its batch norm
        String innermost = "model.model" + ".1.model.3.model.3.model.3.model.3.model.3.model.3.model";
        assertArrayEquals(new int[] {512, 512, 4, 4}, keys.get(innermost + ".1.weight").shape());
        assertArrayEquals(new int[] {512, 512, 4, 4}, keys.get(innermost + ".3.weight").shape());
        assertTrue(keys.containsKey(innermost + ".4.running_var"));
    }

    @Test void outputShapesAreTheReferences() {
        Random rng = new Random(4);
        Module g = Networks.defineG(3, 3, 4, "resnet_6blocks", "instance", false, "normal", 0.02f, rng);
        assertArrayEquals(new int[] {1, 3, 36, 28}, g.forward(Tensor.randn(rng, 1, 3, 36, 28)).shape());
        Module d = Networks.defineD(3, 2, "basic", 3, "instance", "normal", 0.02f, rng);
        assertArrayEquals(new int[] {1, 1, 30, 30}, d.forward(Tensor.randn(rng, 1, 3, 256, 256)).shape(), "70x70 PatchGAN on 256²");
        Module p = Networks.defineD(3, 4, "pixel", 3, "batch", "normal", 0.02f, rng);
        assertArrayEquals(new int[] {2, 1, 5, 6}, p.forward(Tensor.randn(rng, 2, 3, 5, 6)).shape());
        Module u = Networks.defineG(3, 2, 1, "unet_128", "batch", false, "normal", 0.02f, rng);
        u.eval();
        assertArrayEquals(new int[] {1, 2, 128, 128}, u.forward(Tensor.randn(rng, 1, 3, 128, 128)).shape());
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> u.forward(Tensor.randn(rng, 1, 3, 64, 64)));
        assertTrue(tooSmall.getMessage().contains("conv2d"), tooSmall.getMessage());
    }

    @Test void unknownOptionValuesAreClearErrors() {
        Random rng = new Random(0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineG(3, 3, 8, "resnet_0blocks", "instance", false, "normal", 0.02f, rng))
                .getMessage().contains("--netG"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineG(3, 3, 8, "resnet_seven_blocks", "instance", false, "normal", 0.02f, rng))
                .getMessage().contains("--netG"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineD(3, 8, "patch", 3, "instance", "normal", 0.02f, rng))
                .getMessage().contains("--netD"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineG(3, 3, 8, "unet_128", "group", false, "normal", 0.02f, rng))
                .getMessage().contains("--norm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineD(3, 8, "basic", 3, "batch", "uniform", 0.02f, rng))
                .getMessage().contains("--init_type"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.defineG(3, 3, 0, "unet_128", "batch", false, "normal", 0.02f, rng))
                .getMessage().contains("--ngf"));
    }
}
