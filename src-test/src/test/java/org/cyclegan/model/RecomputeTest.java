package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.networks.ResnetGenerator;
import org.cyclegan.testing.CpuByDefault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recomputed residual blocks: the same gradients as kept ones, bit for bit, for less memory. */
class RecomputeTest {
    @RegisterExtension final CpuByDefault cpu = new CpuByDefault();

    @Test void recomputeHasTheGradientOfItsFunction() {
        Random r = new Random(5);
        Tensor w = Tensor.randn(r, 3).requiresGrad(true);
        GradCheck.Report rep = GradCheck.check(in -> F.recompute("tanh_mul", x -> x.mul(in.get(1)).tanh().mul(x), in.get(0), List.of(in.get(1))),
                List.of(Tensor.randn(r, 3).requiresGrad(true), w), 1e-2, 1e-3, 1e-2);
        assertTrue(rep.passed(), rep.toString());
    }

    private static float[][] gradients(Module g, Tensor x, boolean recompute) {
        ((ResnetGenerator) g).setRecompute(recompute);
        for (Tensor p : g.parameters()) p.zeroGrad();
        Tensor input = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
        float[][] out;
        try (MemoryScope scope = MemoryScope.open()) {
            g.forward(input).mul(g.forward(input)).mean().backward();
            List<Tensor> ps = g.parameters();
            out = new float[ps.size() + 1][];
            for (int i = 0; i < ps.size(); i++) out[i] = ps.get(i).grad().toArray();
            out[ps.size()] = input.grad().toArray();
        }
        return out;
    }

    @Test void aRecomputedGeneratorHasExactlyTheSameGradients() {
        Module g = Networks.defineG(3, 3, 4, "resnet_6blocks", "instance", false, "normal", 0.02f, new Random(1));
        Tensor x = Tensor.uniform(new Random(2), -1f, 1f, 1, 3, 16, 16);
        float[][] kept = gradients(g, x, false), recomputed = gradients(g, x, true);
        for (int i = 0; i < kept.length; i++) assertArrayEquals(kept[i], recomputed[i], 0f, "gradient " + i);
    }

    @Test void recomputingABlockWithDropoutIsRefused() {
        Module g = Networks.defineG(3, 3, 4, "resnet_6blocks", "instance", true, "normal", 0.02f, new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ((ResnetGenerator) g).setRecompute(true));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }
}
