package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.cyclegan.engine.optim.GradientClipping;
import org.junit.jupiter.api.Test;

/** clip_grad_norm_: the global L2 norm bounded, the direction kept, small gradients untouched, shared gradients scaled once. */
class GradientClippingTest {
    /** Two leaves whose gradients are (3, 4) and (12): global norm 13. */
    private static List<Tensor> leavesWithGradients() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {5f}, 1).requiresGrad(true);
        a.mul(Tensor.of(new float[] {3f, 4f}, 2)).sum().add(b.mul(12f).sum()).backward();
        return List.of(a, b);
    }

    @Test void aLargeGlobalNormIsScaledDownToTheLimitKeepingTheDirection() {
        List<Tensor> p = leavesWithGradients();
        assertEquals(13.0, GradientClipping.norm(p), 1e-6);
        assertEquals(13.0, GradientClipping.clip(p, 6.5), 1e-6, "returns the norm before clipping");
        double c = 6.5 / (13 + 1e-6);   // torch's coefficient
        assertArrayEquals(new float[] {(float) (3 * c), (float) (4 * c)}, p.get(0).grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (12 * c)}, p.get(1).grad().toArray(), 1e-6f);
        assertEquals(6.5, GradientClipping.norm(p), 1e-5);
    }

    @Test void aNormBelowTheLimitIsLeftAlone() {
        List<Tensor> p = leavesWithGradients();
        GradientClipping.clip(p, 13.5);
        assertArrayEquals(new float[] {3f, 4f}, p.get(0).grad().toArray());
        assertArrayEquals(new float[] {12f}, p.get(1).grad().toArray());
    }

    @Test void aGradientTensorHandedToTwoLeavesIsScaledOnceForEach() {
        // The backward of a + b hands the same gradient tensor to both leaves; scaling it in place would scale it twice.
        Tensor a = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {2f}, 1).requiresGrad(true);
        a.add(b).mul(4f).sum().backward();
        GradientClipping.clip(List.of(a, b), Math.sqrt(2));   // norm sqrt(32) → sqrt(2): each gradient 4 → 1
        assertEquals(1f, a.grad().item(), 1e-5f);
        assertEquals(1f, b.grad().item(), 1e-5f);
    }

    @Test void parametersWithoutGradientsCountAsZeroAndTheLimitMustBePositive() {
        Tensor none = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        assertEquals(0.0, GradientClipping.clip(List.of(none), 1.0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(List.of(none), 0));
    }
}
