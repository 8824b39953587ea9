package org.cyclegan.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.NormResult;
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

/** Instance norm forward and backward on 1×256×64×64 (the ResNet blocks' activations at 256 px). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class InstanceNormBenchmark {
    static final int[] SHAPE = {1, 256, 64, 64};
    static final double ELEMENTS = 256.0 * 64 * 64;
    /** Flops counted per element: forward 5 (sum, subtract, square-add, multiply-add); backward 6. */
    public static final double FORWARD_FLOPS = 5 * ELEMENTS, BACKWARD_FLOPS = 6 * ELEMENTS;

    @Param({"reference", "cpu-1", "cpu-2", "opencl"})
    public String backend;

    Backend b;
    Tensor x, dy;
    NormResult r;

    @Setup
    public void setup() {
        b = Backends.create(backend);
        Random rng = new Random(1);
        x = Tensor.randn(rng, SHAPE).to(b);
        dy = Tensor.randn(rng, SHAPE).to(b);
        r = b.normalize(x, true, 1e-5f);
    }

    @Benchmark
    public NormResult forward() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.normalize(x, true, 1e-5f);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }

    @Benchmark
    public Tensor backward() {
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.normalizeBackward(dy, r.xhat(), r.invStd(), true);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }
}
