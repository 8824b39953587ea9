package org.cyclegan.kernels.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How matrix products are computed on a device, and the tile sizes of the GPU kernel, derived from the device's limits
 * rather than written for one GPU.
 *
 * <ul>
 *   <li>{@link Strategy#LOCAL} (GPUs, accelerators) — implicit_gemm.cl: a work-group of TX × TY = (TN/RN) × (TM/RM)
 *       work-items computes a TM × TN tile, each work-item RM × RN outputs in registers, staging TM × TK and TK × TN
 *       operands in local memory per step of K. The largest tile is used whose work-group fits the device's (and the
 *       built kernel's) maximum work-group size and whose staging takes at most half the local memory, leaving room for
 *       a second resident work-group. Thin products (M ≤ 16: a last layer's 3 or 1 output channels) get a 16-row tile
 *       so they do not waste most of a 64-row one.</li>
 *   <li>{@link Strategy#REGISTER} (CPU devices, or any device whose local memory is emulated in global memory) —
 *       {@link LoweredConv}: no local memory, explicit vectors. On PoCL's CPU device the local-memory tiling ran many
 *       times slower than these register-blocked vector kernels (their rates: benchmarks/RESULTS.md).</li>
 * </ul>
 * {@code -Dcyclegan.opencl.tiling=local|register} overrides the choice (and the backend contract suite runs both on PoCL, so the
 * GPU path is checked even on a machine without a GPU). {@code -Dcyclegan.opencl.gemm_tile=TMxTNxTK/RMxRN} (e.g.
 * {@code 32x32x16/4x4}) makes the local-memory path use that tile for ordinary products instead of the largest that fits,
 * so each tile can be timed on the real layer shapes of a GPU (benchmarks/gpu_check.sh sweeps them); thin products keep
 * their own.
 */
record GemmTiling(int tm, int tn, int tk, int rm, int rn) {
    enum Strategy { LOCAL, REGISTER }

    /** The system property that forces the tile of ordinary products (see the class comment). */
    static final String TILE_PROPERTY = "cyclegan.opencl.gemm_tile";

    /** The tilings for ordinary products, largest first. */
    private static final List<GemmTiling> WIDE = List.of(
            new GemmTiling(64, 64, 16, 4, 4),    // 16 x 16 = 256 work-items, 8.3 KB of local memory
            new GemmTiling(32, 32, 16, 4, 4),    // 8 x 8 = 64 work-items, 4.2 KB
            new GemmTiling(16, 16, 8, 2, 2),     // 64 work-items
            new GemmTiling(8, 8, 8, 2, 2),       // 16 work-items
            new GemmTiling(1, 1, 1, 1, 1));      // anything that runs OpenCL at all

    int tx() {
        return tn / rn;
    }

    int ty() {
        return tm / rm;
    }

    int threads() {
        return tx() * ty();
    }

    long localBytes() {
        return 4L * tk * ((tm + 1) + tn);
    }

    String defines(int mode) {
        return String.format("-D MODE=%d -D TM=%d -D TN=%d -D TK=%d -D RM=%d -D RN=%d", mode, tm, tn, tk, rm, rn);
    }

    @Override
    public String toString() {
        return "local-memory tile " + tm + "x" + tn + "x" + tk + ", " + rm + "x" + rn + " per work-item, work-group " + tx() + "x" + ty();
    }

    /** The strategy for a device, unless the system property cyclegan.opencl.tiling names one. */
    static Strategy strategyFor(DeviceInfo d) {
        String p = System.getProperty("cyclegan.opencl.tiling", "auto").trim();
        return switch (p) {
            case "local" -> Strategy.LOCAL;
            case "register" -> Strategy.REGISTER;
            case "auto", "" -> d.type() == DeviceInfo.Type.CPU || d.localMemEmulated() ? Strategy.REGISTER : Strategy.LOCAL;
            default -> throw new IllegalArgumentException("cyclegan.opencl.tiling must be auto, local or register, got '" + p + "'");
        };
    }

    /**
     * Tilings for ordinary products, largest first: the first that fits the device (and the built kernel) is used; only
     * the one {@link #TILE_PROPERTY} names when it is set.
     */
    static List<GemmTiling> wide(DeviceInfo d) {
        String spec = System.getProperty(TILE_PROPERTY, "").trim();
        if (spec.isEmpty()) return fitting(d, WIDE);
        GemmTiling forced = parse(spec);
        if (!fits(d, forced)) {
            throw new IllegalArgumentException(TILE_PROPERTY + "=" + spec + " does not fit " + d.name() + ": its work-group of "
                    + forced.threads() + " work-items and " + forced.localBytes() + " bytes of local memory, where the device allows "
                    + d.maxWorkGroupSize() + " work-items and this backend uses at most " + localBudget(d) + " bytes");
        }
        return List.of(forced);
    }

    /** Tilings for thin products (M ≤ 16), largest first. */
    static List<GemmTiling> thin(DeviceInfo d) {
        List<GemmTiling> all = new ArrayList<>();
        all.add(new GemmTiling(16, 64, 16, 1, 4));   // 16 x 16 = 256 work-items, 5.2 KB
        all.add(new GemmTiling(16, 32, 16, 2, 4));   // 8 x 8 = 64 work-items
        all.addAll(WIDE);
        return fitting(d, all);
    }

    /** A tile written TMxTNxTK/RMxRN ({@link #TILE_PROPERTY}'s value): RM must divide TM and RN divide TN. */
    static GemmTiling parse(String spec) {
        Matcher m = Pattern.compile("(\\d+)x(\\d+)x(\\d+)/(\\d+)x(\\d+)").matcher(spec.trim());
        String expected = TILE_PROPERTY + " must be TMxTNxTK/RMxRN, e.g. 32x32x16/4x4";
        if (!m.matches()) throw new IllegalArgumentException(expected + ", got '" + spec + "'");
        int[] v = new int[5];
        for (int i = 0; i < 5; i++) {
            try {
                v[i] = Integer.parseInt(m.group(i + 1));
            } catch (NumberFormatException e) {
                v[i] = 0;
            }
            if (v[i] < 1 || v[i] > 1024) throw new IllegalArgumentException(expected + " with each number from 1 to 1024, got '" + spec + "'");
        }
        if (v[0] % v[3] != 0 || v[1] % v[4] != 0) {
            throw new IllegalArgumentException(TILE_PROPERTY + "=" + spec + ": RM (" + v[3] + ") must divide TM (" + v[0] + ") and RN ("
                    + v[4] + ") divide TN (" + v[1] + ")");
        }
        return new GemmTiling(v[0], v[1], v[2], v[3], v[4]);
    }

    private static boolean fits(DeviceInfo d, GemmTiling t) {
        return t.threads() <= d.maxWorkGroupSize() && t.localBytes() <= localBudget(d);
    }

    /** Staging may take half the local memory, leaving room for a second resident work-group. */
    private static long localBudget(DeviceInfo d) {
        return Math.max(4096, d.localMemBytes() / 2);
    }

    private static List<GemmTiling> fitting(DeviceInfo d, List<GemmTiling> candidates) {
        List<GemmTiling> out = new ArrayList<>();
        for (GemmTiling t : candidates) {
            if (fits(d, t)) out.add(t);
        }
        if (out.isEmpty()) out.add(candidates.get(candidates.size() - 1));
        return out;
    }
}
