package org.cyclegan.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.ConvSpec;
import org.junit.jupiter.api.Test;

/** Which convolutions the cpu backend runs as Winograd convolutions, and how the system property's value is read. */
class WinogradChoiceTest {
    /** conv2d of x [1, cin, h, w] with a k×k kernel to cout channels. */
    private static ConvGeometry conv(int cin, int cout, int h, int w, int k, int stride, int pad) {
        return ConvGeometry.of(new int[] {1, cin, h, w}, new int[] {cout, cin, k, k}, ConvSpec.of(stride, pad));
    }

    @Test void autoTakesF2ForStride1By3WithEnoughChannelsAndOutput() {
        assertEquals(2, WinogradChoice.AUTO.tile(conv(256, 256, 18, 18, 3, 1, 0)));   // a ResNet block's conv at 64 px
        assertEquals(2, WinogradChoice.AUTO.tile(conv(16, 16, 6, 7, 3, 1, 0)));       // the smallest: 16 channels, 4×5 output
        assertEquals(0, WinogradChoice.AUTO.tile(conv(15, 256, 18, 18, 3, 1, 0)), "too few input channels");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(256, 8, 18, 18, 3, 1, 0)), "too few output channels");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(64, 64, 5, 18, 3, 1, 0)), "output under 4 rows");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(64, 128, 32, 32, 3, 2, 1)), "stride 2");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(64, 64, 32, 32, 4, 1, 1)), "4×4 kernel");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(64, 64, 32, 32, 7, 1, 0)), "7×7 kernel");
    }

    @Test void autoTakesF4FromA32By32OutputBatchIncluded() {
        assertEquals(4, WinogradChoice.AUTO.tile(conv(256, 256, 34, 34, 3, 1, 0)));   // a ResNet block's conv at 128 px
        assertEquals(4, WinogradChoice.AUTO.tile(conv(16, 16, 32, 32, 3, 1, 1)));     // 16 channels, 32×32 output
        assertEquals(2, WinogradChoice.AUTO.tile(conv(256, 256, 33, 34, 3, 1, 0)), "31×32 output: one row short");
        ConvGeometry batchOfTwo = ConvGeometry.of(new int[] {2, 64, 18, 34}, new int[] {64, 64, 3, 3}, ConvSpec.of(1, 0));
        assertEquals(4, WinogradChoice.AUTO.tile(batchOfTwo), "2 × 16×32 outputs");
        assertEquals(0, WinogradChoice.AUTO.tile(conv(8, 256, 66, 66, 3, 1, 0)), "too few input channels, however large");
    }

    @Test void forcedChoicesTakeEveryStride1By3AndNothingElse() {
        ConvGeometry tiny = conv(1, 2, 3, 5, 3, 1, 1);
        assertEquals(2, WinogradChoice.F2.tile(tiny));
        assertEquals(4, WinogradChoice.F4.tile(tiny));
        assertEquals(0, WinogradChoice.OFF.tile(conv(256, 256, 18, 18, 3, 1, 0)));
        assertEquals(0, WinogradChoice.F4.tile(conv(64, 128, 32, 32, 3, 2, 1)), "stride 2");
        assertEquals(0, WinogradChoice.F2.tile(conv(64, 64, 32, 32, 1, 1, 0)), "1×1 kernel");
    }

    @Test void propertyValuesAreAutoOffF2F4InAnyCaseAndBlankIsAuto() {
        assertEquals(WinogradChoice.AUTO, WinogradChoice.parse(null));
        assertEquals(WinogradChoice.AUTO, WinogradChoice.parse(" "));
        assertEquals(WinogradChoice.OFF, WinogradChoice.parse("off"));
        assertEquals(WinogradChoice.F2, WinogradChoice.parse("F2"));
        assertEquals(WinogradChoice.F4, WinogradChoice.parse(" f4 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WinogradChoice.parse("on"));
        assertTrue(e.getMessage().contains(WinogradChoice.PROPERTY) && e.getMessage().contains("'on'"), e.getMessage());
    }
}
