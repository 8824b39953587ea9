package org.cyclegan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.KernelProfile;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.UnaryOp;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * The cpu backend's kernel profile, which {@code bench --profile} prints: every kernel's key, call count and flops
 * (the times are not checked). Calls made while no profile is set are not counted.
 */
class CpuKernelProfileTest {
    @Test void everyKernelCallIsRecordedUnderItsKeyWithItsFlops() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Tensor x = Tensor.of(cpu, new float[120], 2, 3, 5, 4), one = Tensor.of(cpu, new float[] {2f}, 1);
            Tensor w = Tensor.of(cpu, new float[6 * 3 * 3 * 3], 6, 3, 3, 3), perChannel = Tensor.of(cpu, new float[3], 1, 3, 1, 1);
            Tensor a = Tensor.of(cpu, new float[12], 3, 4), b = Tensor.of(cpu, new float[20], 4, 5), p = Tensor.of(cpu, new float[10], 10);
            Tensor m = Tensor.of(cpu, new float[10], 10), v = Tensor.of(cpu, new float[10], 10);
            KernelProfile profile = new KernelProfile();
            cpu.setProfile(profile);
            cpu.unary(UnaryOp.TANH, x);
            cpu.leakyRelu(x, 0.2f);
            cpu.binary(BinaryOp.ADD, x, x);
            cpu.binary(BinaryOp.MUL, x, one);   // runs binaryScalar, which is recorded as well
            cpu.binaryScalar(BinaryOp.SUB, x, 1f);
            cpu.sum(x, new int[] {0, 2, 3});
            cpu.broadcastTo(perChannel, x.shape());
            cpu.concat(List.of(x, x), 1);
            cpu.slice(x, 1, 1, 2);
            cpu.matmul(a, b, false, false);
            ConvSpec s = ConvSpec.of(1, 1);
            Tensor y = cpu.conv2d(x, w, null, s);
            cpu.conv2dBackwardData(y, w, x.shape(), s);
            cpu.conv2dBackwardWeight(x, y, w.shape(), s);
            Padding pad = Padding.all(1);
            cpu.pad2dBackward(cpu.pad2d(x, pad, Padding.Mode.REFLECT), x.shape(), pad, Padding.Mode.REFLECT);
            NormResult n = cpu.normalize(x, true, 1e-5f);
            cpu.normalizeBackward(x, n.xhat(), n.invStd(), true);
            cpu.adamUpdate(p, p, m, v, 0.5f, 0.999f, 1e-8f, 0f, 1e-3f, 1f);
            cpu.sgdUpdate(p, p, null, 0.1f, 0f, 0f, 0f, false, true);   // the reference's loop, not profiled
            cpu.setProfile(null);
            cpu.unary(UnaryOp.TANH, x);

            Map<String, String> recorded = new TreeMap<>();
            for (KernelProfile.Entry e : profile.entries()) recorded.put(e.kernel, e.calls + " calls, " + e.flops + " flops");
            String conv = " 6<-3 3x3/1 on 5x4", convFlops = 2.0 * 2 * 6 * 3 * 3 * 3 * 5 * 4 + " flops";
            Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                    Map.entry("unary.TANH", "1 calls, 120.0 flops"),
                    Map.entry("leaky_relu", "1 calls, 120.0 flops"),
                    Map.entry("binary.ADD", "1 calls, 120.0 flops"),
                    Map.entry("binary.MUL", "1 calls, 120.0 flops"),
                    Map.entry("binary_scalar.MUL", "1 calls, 120.0 flops"),
                    Map.entry("binary_scalar.SUB", "1 calls, 120.0 flops"),
                    Map.entry("sum", "1 calls, 120.0 flops"),
                    Map.entry("broadcast_to", "1 calls, 0.0 flops"),
                    Map.entry("concat", "1 calls, 0.0 flops"),
                    Map.entry("slice", "1 calls, 0.0 flops"),
                    Map.entry("matmul", "1 calls, 120.0 flops"),
                    Map.entry("conv2d.forward" + conv, "1 calls, " + convFlops),
                    Map.entry("conv2d.backward_data" + conv, "1 calls, " + convFlops),
                    Map.entry("conv2d.backward_weight" + conv, "1 calls, " + convFlops),
                    Map.entry("pad2d.REFLECT", "1 calls, 0.0 flops"),
                    Map.entry("pad2d_backward.REFLECT", "1 calls, 0.0 flops"),
                    Map.entry("normalize", "1 calls, 600.0 flops"),
                    Map.entry("normalize_backward", "1 calls, 720.0 flops"),
                    Map.entry("adam", "1 calls, 100.0 flops")));
            assertEquals(expected, recorded);
        }
    }
}
