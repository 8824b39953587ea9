package org.cyclegan.train.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cyclegan.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The adversarial losses' values, wgangp's against the reference's formula. */
class GanLossTest {
    private static final float[] PREDICTION = {0.5f, -1f, 2f, 0.1f};   // mean 0.4

    @Test void wgangpIsMinusTheMeanForRealAndTheMeanForFake() {
        GanLoss loss = new GanLoss(GanLoss.parse("wgangp"));
        assertEquals(-0.4f, loss.apply(Tensor.of(PREDICTION, 1, 1, 2, 2), true).item(), 1e-7f);
        assertEquals(0.4f, loss.apply(Tensor.of(PREDICTION, 1, 1, 2, 2), false).item(), 1e-7f);
    }

    @Test void wgangpsGeneratorLossPullsEveryPatchScoreUpEqually() {
        // The generator asks for "real": its loss is -mean(D(G(x))), whose gradient is -1/N on each output.
        Tensor prediction = Tensor.of(PREDICTION, 1, 1, 2, 2).requiresGrad(true);
        new GanLoss(GanLoss.Mode.WGANGP).apply(prediction, true).backward();
        assertArrayEquals(new float[] {-0.25f, -0.25f, -0.25f, -0.25f}, prediction.grad().toArray(), 1e-7f);
    }

    @Test void lsganAndVanillaAreUnchanged() {
        Tensor p = Tensor.of(PREDICTION, 1, 1, 2, 2);
        // mean((p - 1)^2) = (0.25 + 4 + 1 + 0.81) / 4
        assertEquals(6.06f / 4, new GanLoss(GanLoss.Mode.LSGAN).apply(p, true).item(), 1e-6f);
        double bce = 0;
        for (float v : PREDICTION) bce += Math.log1p(Math.exp(v));   // target 0: softplus(p)
        assertEquals(bce / 4, new GanLoss(GanLoss.Mode.VANILLA).apply(p, false).item(), 1e-6);
    }

    @Test void anUnknownModeNamesTheModesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GanLoss.parse("hinge"));
        assertTrue(e.getMessage().contains("lsgan, vanilla, wgangp"), e.getMessage());
    }
}
