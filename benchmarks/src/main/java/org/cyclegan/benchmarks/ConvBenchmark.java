package org.cyclegan.benchmarks;

import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.Tensor;
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

    @Param({"RES_3X3_256_64PX", "STEM_7X7_3_64_262PX", "HEAD_7X7_64_3_262PX", "DOWN_3X3S2_128_256_128PX", "PATCH_4X4S2_128_256_64PX",
            "PATCH_HEAD_4X4_512_1_31PX"})
    public ConvLayer layer;

    ConvCalls calls;

    @Setup
    public void setup() {
        calls = new ConvCalls(Backends.create(backend), layer);
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
