package org.cyclegan.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The strided transpose against its definition, on both of its paths (gathers, and scalar blocks for rows 2 KB apart). */
class TransposeTest {
    private static final int L = VectorWidth.SPECIES.length();

    /** Transposes a rows × cols matrix held in a larger array and checks every destination value, and nothing else written. */
    private static void check(int rows, int cols, int srcRow, int srcCol, int dstRow, boolean add) {
        Random random = new Random(rows * 31L + cols * 7L + srcRow);
        int srcOff = srcCol < 0 ? 5 + (cols - 1) * -srcCol : 5, dstOff = 3;
        float[] src = new float[srcOff + rows * srcRow + cols * Math.abs(srcCol) + 8];
        for (int i = 0; i < src.length; i++) src[i] = random.nextFloat() - 0.5f;
        float[] bias = new float[cols];
        for (int c = 0; c < cols; c++) bias[c] = random.nextFloat();
        float[] dst = new float[dstOff + cols * dstRow + 4];
        java.util.Arrays.fill(dst, Float.NaN);
        Transpose.gathered(src, srcOff, srcRow, srcCol, dst, dstOff, dstRow, rows, cols, add ? bias : null);
        boolean[] written = new boolean[dst.length];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                float expected = src[srcOff + r * srcRow + c * srcCol] + (add ? bias[c] : 0f);
                int at = dstOff + c * dstRow + r;
                assertEquals(expected, dst[at], 0f, "rows " + rows + " cols " + cols + " srcRow " + srcRow + " at r " + r + " c " + c);
                written[at] = true;
            }
        }
        for (int i = 0; i < dst.length; i++) if (!written[i]) assertEquals(Float.NaN, dst[i], "written outside: " + i);
    }

    @Test void gathersWholeVectorsAndTheRestScalar() {
        check(2 * L, 34, 34 * 34, 1, 2 * L + 1, false);      // channels-last copy: rows a plane apart
        check(3 * L + 5, 7, 1157, 1, 3 * L + 5, false);     // a partial vector of rows
        check(L - 1, 9, 9, -1, L + 3, false);               // fewer rows than a vector; reversed source rows
        check(2 * L, 13, 9 * 37, 1, 2 * L, true);           // plus a value per column
    }

    @Test void rowsTwoKilobytesApartTakeTheScalarBlocks() {
        check(2 * L, 32, 32 * 32, 1, 2 * L, false);         // 32×32 planes: 4 KB apart
        check(L + 3, 40, 512, 1, L + 7, true);
        check(5, 3, 1024, -1, 5, false);
    }
}
