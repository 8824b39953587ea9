package org.cyclegan.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.testing.Close;
import org.cyclegan.testing.OpenClDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The switch that forces one local-memory tile ({@code -Dcyclegan.opencl.gemm_tile}), with which a GPU's tiles are
 * timed one by one: what it accepts, what it refuses, and that a forced tile outside the built-in list (uneven per
 * work-item blocks) still computes the same products as the reference backend.
 */
class GemmTilingTest {
    /** A GPU-like device of 1024 work-items per group and 48 KiB of local memory; only its limits matter here. */
    private static final DeviceInfo GPU = new DeviceInfo(0, 0, "test platform", "OpenCL 3.0", null, null, "test GPU", "OpenCL 3.0",
            DeviceInfo.Type.GPU, 80, 1L << 34, 1L << 32, 48 * 1024, false, 1024, 1);

    @AfterEach
    void clear() {
        System.clearProperty(GemmTiling.TILE_PROPERTY);
    }

    @Test void withoutTheSwitchTheLargestFittingTileComesFirst() {
        assertEquals(new GemmTiling(64, 64, 16, 4, 4), GemmTiling.wide(GPU).get(0));
        assertEquals(new GemmTiling(32, 32, 16, 4, 4), GemmTiling.wide(GPU.withLimits(64, 16384)).get(0));
    }

    @Test void theSwitchNamesTheOnlyTileForOrdinaryProductsAndLeavesThinOnesAlone() {
        List<GemmTiling> thinBefore = GemmTiling.thin(GPU);
        System.setProperty(GemmTiling.TILE_PROPERTY, " 128x64x8/8x4 ");
        assertEquals(List.of(new GemmTiling(128, 64, 8, 8, 4)), GemmTiling.wide(GPU));
        assertEquals(thinBefore, GemmTiling.thin(GPU));
    }

    @Test void aTileIsWrittenTmByTnByTkSlashRmByRn() {
        assertEquals(new GemmTiling(32, 64, 16, 2, 8), GemmTiling.parse("32x64x16/2x8"));
        for (String bad : List.of("32x32x16", "32x32x16/4", "axbxc/dxe", "32x32x16/4x4x1", "0x32x16/1x4", "32x32x0/4x4", "99999999999x1x1/1x1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTiling.parse(bad), bad);
            assertTrue(e.getMessage().contains(GemmTiling.TILE_PROPERTY) && e.getMessage().contains("TMxTNxTK/RMxRN"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTiling.parse("30x32x16/4x4"));
        assertTrue(e.getMessage().contains("RM (4) must divide TM (30)"), e.getMessage());
    }

    @Test void aTileTheDeviceCannotHoldIsRefusedWithItsLimits() {
        System.setProperty(GemmTiling.TILE_PROPERTY, "64x64x16/2x2");   // 32 x 32 = 1024 work-items
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTiling.wide(GPU.withLimits(256, 49152)));
        assertTrue(e.getMessage().contains(GemmTiling.TILE_PROPERTY + "=64x64x16/2x2 does not fit test GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("1024 work-items") && e.getMessage().contains("allows 256"), e.getMessage());
        System.setProperty(GemmTiling.TILE_PROPERTY, "128x128x64/8x8");   // 64 KiB of staging
        e = assertThrows(IllegalArgumentException.class, () -> GemmTiling.wide(GPU));
        assertTrue(e.getMessage().contains("bytes of local memory"), e.getMessage());
    }

    @Test void aForcedTileComputesWhatTheReferenceDoes() {
        DeviceInfo device = OpenClDevices.require();
        System.setProperty(GemmTiling.TILE_PROPERTY, "24x40x8/3x5");   // 8 x 8 work-items, none of them square
        Backend ref = new ReferenceBackend();
        try (OpenClBackend cl = OpenClBackend.forTesting(device, OpenClBackend.Tiling.LOCAL_MEMORY)) {
            assertTrue(cl.description().contains("local-memory tile 24x40x8, 3x5 per work-item, work-group 8x8"), cl.description());
            Tensor a = rand(ref, 1, 131, 230), b = rand(ref, 2, 230, 211);
            Close.assertRelative(ref.matmul(a, b, false, false), cl.matmul(a.to(cl), b.to(cl), false, false), 1e-5, "matmul 131x230x211");
            ConvSpec s = ConvSpec.of(2, 1);
            Tensor x = rand(ref, 3, 2, 19, 13, 11), w = rand(ref, 4, 37, 19, 3, 3);
            Tensor y = ref.conv2d(x, w, null, s);
            Close.assertRelative(y, cl.conv2d(x.to(cl), w.to(cl), null, s), 1e-5, "conv2d forward");
            Tensor dy = rand(ref, 5, y.shape());
            Close.assertRelative(ref.conv2dBackwardData(dy, w, x.shape(), s), cl.conv2dBackwardData(dy.to(cl), w.to(cl), x.shape(), s), 1e-5, "backward data");
            Close.assertRelative(ref.conv2dBackwardWeight(x, dy, w.shape(), s), cl.conv2dBackwardWeight(x.to(cl), dy.to(cl), w.shape(), s), 1e-5, "backward weight");
        }
    }

    private static Tensor rand(Backend b, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(b, v, shape);
    }
}
