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
     * The output tile m of F(m×m, 3×3) for the forward convolution {@code g}, or 0 for the GEMM path.
     *
     * <p>AUTO: F(2×2, 3×3) when both channel counts are at least {@link #MIN_CHANNELS} and the output is at least 4×4,
     * else the GEMM path. In multiplications F(2×2) needs 16 per 4 outputs and channel pair against the direct
     * convolution's 36 (2.25× fewer), F(4×4) 36 per 16 (4× fewer); the transforms add a few operations per channel
     * and tile, and the weights' once per call. AUTO stops at F(2×2) for its numerics: its error is that of the GEMM
     * path, while F(4×4)'s is about ten times larger (measured at 256 channels: 1e-5 of the output's largest value
     * against 1e-6), enough to move a few Adam updates of the PyTorch step-parity fixtures past their limits when it
     * runs every 3×3 convolution. {@code f4} asks for it.
     *
     * <p>Nor do the gradients take F(4×4), though by the numbers they could: per call (JMH, 256 channels) it takes
     * 12–25 % less time than F(2×2) for both gradients at 34 and 66 px, and with every 3×3 gradient in F(4×4) the
     * parity fixtures stay within their limits (worst update 5e-3·lr against 4e-3·lr). But in a whole training run on
     * JDK 17 the JIT compiled some of the F(4×4) transforms without the Vector API's intrinsics in some JVMs and not
     * in others: 40 to 520 MB of boxed vectors allocated per iteration at 128 px, the same with {@code f4}
     * everywhere, and an iteration no faster than with F(2×2) alone (which allocates 7 MB).
     */
    int tile(ConvGeometry g) {
        if (!WinogradConv.applies(g)) return 0;
        return switch (this) {
            case OFF -> 0;
            case F2 -> 2;
            case F4 -> 4;
            case AUTO -> g.cin() >= MIN_CHANNELS && g.cout() >= MIN_CHANNELS && g.oh() >= 4 && g.ow() >= 4 ? 2 : 0;
        };
    }
}
