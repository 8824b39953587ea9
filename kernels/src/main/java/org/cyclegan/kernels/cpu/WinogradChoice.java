package org.cyclegan.kernels.cpu;

import java.util.Locale;
import org.cyclegan.engine.backend.ConvGeometry;

/**
 * Which stride-1 3×3 convolutions run as Winograd convolutions ({@link WinogradConv}) and with which output tile,
 * F(2×2, 3×3) or F(4×4, 3×3); every other convolution, and these when the choice says so, take the GEMM path.
 *
 * <p>The system property {@code cyclegan.cpu.winograd} sets it for a backend built without an explicit choice:
 * {@code auto} (the default: by shape, see {@link #tile}), {@code off} (always the GEMM path), {@code f2} or
 * {@code f4} (every stride-1 3×3 convolution with that tile, whatever its size: for tests and benchmarks).
 */
enum WinogradChoice {
    AUTO, OFF, F2, F4;

    static final String PROPERTY = "cyclegan.cpu.winograd";

    /**
     * AUTO's thresholds: both channel counts at least this, so each of the transformed products is a GEMM of useful
     * depth and width and the transforms (linear in the channel counts) stay small next to it.
     */
    static final int MIN_CHANNELS = 16;

    /** The choice the system property asks for (AUTO when it is not set). */
    static WinogradChoice fromSystemProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    /** auto, off, f2 or f4 (any case); null or blank is auto. */
    static WinogradChoice parse(String value) {
        if (value == null || value.isBlank()) return AUTO;
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " must be auto, off, f2 or f4, got '" + value + "'");
        }
    }

    /**
     * AUTO's threshold for F(4×4): at least this many output positions (batch included). Below it the weights'
     * transforms, paid once a call and twice F(2×2)'s, outweigh the saving. JMH ({@code Winograd3x3Benchmark}, 256
     * channels, 2 threads, an Intel AVX-512 machine), F(4×4) against F(2×2) for the forward pass, data gradient and
     * weight gradient: at 16×16 outputs 1.57/1.39, 1.73/1.50, 1.52/1.51 ms; at 32×32 12–22 % less; at 64×64 22–30 % less.
     */
    static final int MIN_F4_POSITIONS = 32 * 32;

    /**
     * The output tile m of F(m×m, 3×3) for convolution {@code g}, or 0 for the GEMM path: one tile for the layer's
     * forward pass and both its gradients (the data gradient runs as the forward convolution of dy).
     *
     * <p>AUTO: F(4×4, 3×3) when both channel counts are at least {@link #MIN_CHANNELS} and the output has at least
     * {@link #MIN_F4_POSITIONS} positions (the ResNet blocks from 128 px up); F(2×2, 3×3) for smaller outputs down to
     * 4×4; else the GEMM path. In multiplications F(2×2) needs 16 per 4 outputs and channel pair against the direct
     * convolution's 36 (2.25× fewer), F(4×4) 36 per 16 (4× fewer); the transforms add a few operations per channel
     * and tile, and the weights' once per call.
     *
     * <p>Numerics: F(2×2)'s error is that of the GEMM path; F(4×4)'s about ten times larger (measured at 256 channels:
     * 1e-5 of the output's largest value against 1e-6), held to {@code ContractProblems.WINOGRAD_4X4} (1e-4) by the
     * backend contract. The PyTorch step-parity fixtures (32 px, their ResNet blocks 8×8) run F(2×2); with F(4×4)
     * forced on every 3×3 convolution a few of their Adam updates move past the limits.
     *
     * <p>Why one tile for all three passes: with the forward pass at F(2×2) and the gradients at F(4×4), some JVMs (JDK
     * 17) compiled the transforms with their vectors boxed, 150–620 MB allocated an iteration at 128 px, even with the
     * two sizes' code in separate classes; with one size per layer every JVM seen allocated 7 MB.
     */
    int tile(ConvGeometry g) {
        if (!WinogradConv.applies(g)) return 0;
        return switch (this) {
            case OFF -> 0;
            case F2 -> 2;
            case F4 -> 4;
            case AUTO -> {
                if (g.cin() < MIN_CHANNELS || g.cout() < MIN_CHANNELS || g.oh() < 4 || g.ow() < 4) yield 0;
                yield (long) g.n() * g.oh() * g.ow() >= MIN_F4_POSITIONS ? 4 : 2;
            }
        };
    }
}
