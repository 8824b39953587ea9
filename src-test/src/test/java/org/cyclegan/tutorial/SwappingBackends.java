package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;

/** Chapter 9: a backend is only kernels; the same graph on two backends gives the same gradients. */
final class SwappingBackends {
    private SwappingBackends() {}

    static void run() {
        // tutorial:begin twoBackends
        float[] image = Tensor.randn(new Random(0), 1, 2, 5, 5).toArray();
        float[] kernel = Tensor.randn(new Random(1), 3, 2, 3, 3).toArray();
        try (Backend cpu = new CpuBackend(2)) {
            float[] onReference = weightGradient(new ReferenceBackend(), image, kernel);
            float[] onCpu = weightGradient(cpu, image, kernel);
            assertArrayEquals(onReference, onCpu, 1e-4f);   // sums in another order: close, not equal
        }
        // tutorial:end twoBackends
        // tutorial:begin kernel
        Backend ref = new ReferenceBackend();
        Tensor x = Tensor.of(ref, image, 1, 2, 5, 5).requiresGrad(true);
        Tensor w = Tensor.of(ref, kernel, 3, 2, 3, 3);
        Tensor y = F.conv2d(x, w, null, 1, 1);
        Tensor g = Tensor.ones(y.shape()).to(ref);
        y.backward(g);
        Tensor dx = ref.conv2dBackwardData(g, w, x.shape(), ConvSpec.of(1, 1));   // the kernel conv_transpose2d runs
        assertArrayEquals(dx.toArray(), x.grad().toArray());
        // tutorial:end kernel
    }

    // tutorial:begin weightGradient
    static float[] weightGradient(Backend backend, float[] image, float[] kernel) {
        Tensor x = Tensor.of(backend, image, 1, 2, 5, 5);
        Tensor w = Tensor.of(backend, kernel, 3, 2, 3, 3).requiresGrad(true);
        F.conv2d(x, w, null, 1, 1).tanh().sum().backward();
        return w.grad().toArray();
    }
    // tutorial:end weightGradient
}
