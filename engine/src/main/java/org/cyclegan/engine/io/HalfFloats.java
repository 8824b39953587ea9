package org.cyclegan.engine.io;

/**
 * Widening of the two 16-bit float formats that weight files use to float32. Both conversions are exact: every
 * float16 and every bfloat16 value is a float32 value. (Java 17 has no {@code Float.float16ToFloat}.)
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** IEEE 754 binary16 (PyTorch {@code float16}, safetensors {@code F16}): 1 sign, 5 exponent, 10 mantissa bits. */
    public static float float16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            // Zero or subnormal: mantissa · 2^-24, exact in float32 (10 significant bits).
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));   // inf / NaN
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** bfloat16 (PyTorch {@code bfloat16}, safetensors {@code BF16}): the upper half of a float32. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
