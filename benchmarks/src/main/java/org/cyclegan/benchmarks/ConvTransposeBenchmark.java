package org.cyclegan.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.ConvSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * conv_transpose2d 256→128, k3, stride 2, pad 1, output padding 1, 64×64 → 128×128 (the generator's first up-sampling
 * at 256 px). As in the engine, its forward is conv2d's data-gradient kernel, its data gradient is conv2d forward and
 * its weight gradient is conv2d's weight-gradient kernel with input and output swapped.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvTransposeBenchmark {
    static final int CIN = 256, COUT = 128, H = 64, K = 3;
    static final ConvSpec SPEC = ConvSpec.of(2, 1);
    static final int[] OUT = {1, COUT, 2 * H, 2 * H};

    /** 2 · (multiply-adds) of one pass. */
    public static final double FLOPS = 2.0 * CIN * COUT * K * K * H * H;

    /** reference is the plain-loop oracle (seconds per call at these shapes); cpu-N is the cpu backend on N threads; opencl the
     * first GPU (else the first OpenCL device, e.g. PoCL on the CPU), opencl:N a device of the devices listing. */
    @Param({"cpu-1", "cpu-2", "opencl", "reference"})
    public String backend;

    Backend b;
    Tensor x, w, dy;

    @Setup
    public void setup() {
        b = Backends.create(backend);
        Random r = new Random(1);
        x = Tensor.randn(r, 1, CIN, H, H).to(b);
        w = Tensor.randn(r, CIN, COUT, K, K).mul(0.05f).to(b);
        dy = Tensor.randn(r, OUT).to(b);
    }

    @Benchmark
    public Tensor forward() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2dBackwardData(x, w, OUT, SPEC);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }

    @Benchmark
    public Tensor backwardData() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2d(dy, w, null, SPEC);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }

    @Benchmark
    public Tensor backwardWeight() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2dBackwardWeight(dy, x, w.shape(), SPEC);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }
}
