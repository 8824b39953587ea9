package org.cyclegan.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
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

/** conv2d forward, data gradient and weight gradient at CycleGAN's layer shapes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvBenchmark {
    /** reference is the plain-loop oracle (seconds per call at these shapes); cpu-N is the cpu backend on N threads; opencl the
     * first GPU (else the first OpenCL device, e.g. PoCL on the CPU), opencl:N a device of the devices listing. */
    @Param({"cpu-1", "cpu-2", "opencl", "reference"})
    public String backend;

    @Param({"RES_3X3_256_64PX", "STEM_7X7_3_64_262PX", "DOWN_3X3S2_128_256_128PX", "PATCH_4X4S2_128_256_64PX"})
    public ConvLayer layer;

    Backend b;
    Tensor x, w, bias, dy;

    @Setup
    public void setup() {
        b = Backends.create(backend);
        Random r = new Random(1);
        x = Tensor.randn(r, 1, layer.cin, layer.h, layer.w).to(b);
        w = Tensor.randn(r, layer.cout, layer.cin, layer.k, layer.k).mul(0.05f).to(b);
        bias = Tensor.randn(r, layer.cout).to(b);
        dy = Tensor.randn(r, 1, layer.cout, layer.oh(), layer.ow()).to(b);
    }

    @Benchmark
    public Tensor forward() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2d(x, w, bias, layer.spec());
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }

    @Benchmark
    public Tensor backwardData() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2dBackwardData(dy, w, x.shape(), layer.spec());
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }

    @Benchmark
    public Tensor backwardWeight() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.conv2dBackwardWeight(x, dy, w.shape(), layer.spec());
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }
}
