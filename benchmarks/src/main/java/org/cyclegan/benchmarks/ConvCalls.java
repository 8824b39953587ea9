package org.cyclegan.benchmarks;

import java.util.Random;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;

/**
 * One layer's convolution calls on a backend, with fixed random inputs: what the convolution benchmarks time. Each
 * call's output comes from the backend's pool, as in training, and device backends are waited for, so a call is timed
 * to its end.
 */
final class ConvCalls {
    private final Backend b;
    private final ConvLayer layer;
    private final Tensor x, w, bias, dy;

    ConvCalls(Backend b, ConvLayer layer) {
        this.b = b;
        this.layer = layer;
        Random r = new Random(1);
        x = Tensor.randn(r, 1, layer.cin, layer.h, layer.w).to(b);
        w = Tensor.randn(r, layer.cout, layer.cin, layer.k, layer.k).mul(0.05f).to(b);
        bias = Tensor.randn(r, layer.cout).to(b);
        dy = Tensor.randn(r, 1, layer.cout, layer.oh(), layer.ow()).to(b);
    }

    Tensor forward() {
        try (MemoryScope scope = MemoryScope.open()) {
            var result = b.conv2d(x, w, bias, layer.spec());
            b.synchronize();
            return result;
        }
    }

    Tensor backwardData() {
        try (MemoryScope scope = MemoryScope.open()) {
            var result = b.conv2dBackwardData(dy, w, x.shape(), layer.spec());
            b.synchronize();
            return result;
        }
    }

    Tensor backwardWeight() {
        try (MemoryScope scope = MemoryScope.open()) {
            var result = b.conv2dBackwardWeight(x, dy, w.shape(), layer.spec());
            b.synchronize();
            return result;
        }
    }
}
