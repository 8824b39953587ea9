package org.cyclegan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.kernels.cpu.CpuBackend;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cpu backend's stride-1 3×3 convolutions, the ResNet blocks' (256 and 128 channels, at 64, 128 and 256 px), on
 * the GEMM path ({@code off}) and as Winograd F(2×2, 3×3) and F(4×4, 3×3): the forward pass and both gradients.
 * {@link BenchMain} reports each as effective GFLOP/s: the
 * direct convolution's FLOPs ({@link ConvLayer#flops}) over the time, so the three are compared on one scale.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class Winograd3x3Benchmark {
    /** The Winograd choice, as the system property cyclegan.cpu.winograd takes it. */
    @Param({"off", "f2", "f4"})
    public String impl;

    @Param({"RES_3X3_256_18PX", "RES_3X3_256_34PX", "RES_3X3_256_66PX", "RES_3X3_128_18PX", "RES_3X3_128_34PX", "RES_3X3_128_66PX"})
    public ConvLayer layer;

    @Param({"2"})
    public int threads;

    Backend b;
    ConvCalls calls;

    @Setup
    public void setup() {
        b = CpuBackend.withWinograd(threads, impl);
        calls = new ConvCalls(b, layer);
    }

    @TearDown
    public void close() {
        b.close();
    }

    @Benchmark
    public Tensor forward() {
        return calls.forward();
    }

    @Benchmark
    public Tensor backwardData() {
        return calls.backwardData();
    }

    @Benchmark
    public Tensor backwardWeight() {
        return calls.backwardWeight();
    }
}
