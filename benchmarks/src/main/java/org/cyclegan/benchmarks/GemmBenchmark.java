package org.cyclegan.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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

/** Square SGEMM C = A·B: the cpu backend against EJML's float GEMM (the baseline) and the reference loops. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"cpu-1", "cpu-2", "opencl", "ejml", "reference"})
    public String impl;

    /** M×N×K; the square case plus the three products of the 256→256 3×3 convolution on 64×64. */
    @Param({"1024x1024x1024", "256x4096x2304", "2304x4096x256", "256x2304x4096"})
    public String shape;

    int m, n, k;

    Backend b;
    Tensor a, bm;
    FMatrixRMaj ea, eb, ec;

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        Random r = new Random(1);
        float[] av = Tensor.randn(r, m, k).toArray(), bv = Tensor.randn(r, k, n).toArray();
        if (impl.equals("ejml")) {
            ea = new FMatrixRMaj(m, k, true, av);
            eb = new FMatrixRMaj(k, n, true, bv);
            ec = new FMatrixRMaj(m, n);
        } else {
            b = Backends.create(impl);
            a = Tensor.of(b, av, m, k);
            bm = Tensor.of(b, bv, k, n);
        }
    }

    @Benchmark
    public Object multiply() {
        if (ec != null) {
            CommonOps_FDRM.mult(ea, eb, ec);
            return ec;
        }
        try (MemoryScope scope = MemoryScope.open()) {   // outputs come from the pool, as in training
            var result = b.matmul(a, bm, false, false);
            b.synchronize();   // device backends queue kernels: time them to the end
            return result;
        }
    }
}
