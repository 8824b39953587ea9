package org.cyclegan.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FP32 ceiling of one core as the JVM sees it: 12 independent chains of vector fused multiply-adds, no memory
 * traffic. Kernel results are best read as a share of this number, measured on the same machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakFlopsBenchmark {
    public static final int STEPS = 1_000_000;

    @Param({"256", "512"})
    public int bits;

    /** 2 flops × lanes × 12 chains per step. */
    public static double flops(int bits) {
        return 2.0 * (bits / 32) * 12 * STEPS;
    }

    float a = 1.0000001f, b = 0.9999999f;

    @Benchmark
    public float fma() {
        return bits == 512 ? run512() : run256();
    }

    // Two copies, one per width: the species must be a constant in each loop for the JIT to use vector registers.
    private float run512() {
        final VectorSpecies<Float> s = FloatVector.SPECIES_512;
        FloatVector x = FloatVector.broadcast(s, a), y = FloatVector.broadcast(s, b);
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < STEPS; i++) {
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3);
            c4 = x.fma(y, c4); c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7);
            c8 = x.fma(y, c8); c9 = x.fma(y, c9); c10 = x.fma(y, c10); c11 = x.fma(y, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    private float run256() {
        final VectorSpecies<Float> s = FloatVector.SPECIES_256;
        FloatVector x = FloatVector.broadcast(s, a), y = FloatVector.broadcast(s, b);
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < STEPS; i++) {
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3);
            c4 = x.fma(y, c4); c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7);
            c8 = x.fma(y, c8); c9 = x.fma(y, c9); c10 = x.fma(y, c10); c11 = x.fma(y, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
