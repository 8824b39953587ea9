package org.cyclegan.kernels.opencl;

import java.util.Arrays;
import org.cyclegan.engine.Shape;
import org.jocl.cl_mem;

/**
 * reduce.cl: sums over any axes, and the sum of split-K partial products. One work-group per output (per chunk of
 * it when outputs are few and long, so a whole-tensor sum still spreads over the device, then a second pass adds the
 * chunks).
 */
final class ReductionKernels {
    private static final String SRC = "reduce.cl";
    private final OpenClRuntime rt;
    private final int wg;
    private final String defines;

    ReductionKernels(OpenClRuntime rt) {
        this.rt = rt;
        int w = rt.reductionWorkGroup();
        // The kernel may be limited below the device's maximum (registers): build, ask, and rebuild smaller if needed.
        while (w > 1 && rt.programs.maxWorkGroupSize(rt.kernel(SRC, "-D WG=" + w, "reduce_sum")) < w) w /= 2;
        this.wg = w;
        this.defines = "-D WG=" + w;
    }

    /** Sums x (of {@code shape}) over the sorted {@code axes} into out (the kept dimensions, row-major). */
    void sum(cl_mem x, int[] shape, int[] axes, cl_mem out) {
        int[] strides = Shape.strides(shape);
        int rank = shape.length;
        int[] keptShape = shape.clone(), redShape = new int[rank];
        int[] keptStrides = strides.clone(), redStrides = strides.clone();
        Arrays.fill(redShape, 1);
        for (int a : axes) {
            redShape[a] = shape[a];
            keptShape[a] = 1;
        }
        Layout4.Geometry kept = Layout4.coalesce("sum", keptShape, keptStrides);
        Layout4.Geometry red = Layout4.coalesce("sum", redShape, redStrides);
        int outputs = Shape.numel(keptShape), count = Shape.numel(redShape);
        reduce(x, kept, red, outputs, count, out, Shape.numel(shape));
    }

    private void reduce(cl_mem x, Layout4.Geometry kept, Layout4.Geometry red, int outputs, int count, cl_mem out, double flops) {
        int target = Math.max(8, 4 * rt.device.computeUnits());
        int chunks = 1;
        if (outputs < target && count > 8 * wg) chunks = Math.min((target + outputs - 1) / outputs, (count + 8 * wg - 1) / (8 * wg));
        if (chunks == 1) {
            launch(x, out, kept, red, outputs, count, 1, flops);
            return;
        }
        long bytes = 4L * outputs * chunks;
        cl_mem parts = rt.pool.take(bytes);
        try {
            launch(x, parts, kept, red, outputs, count, chunks, flops);
            // Second pass: outputs × chunks partial sums, contiguous per output.
            Layout4.Geometry k2 = new Layout4.Geometry(new int[] {1, 1, 1, outputs}, new int[][] {{0, 0, 0, chunks}});
            Layout4.Geometry r2 = new Layout4.Geometry(new int[] {1, 1, 1, chunks}, new int[][] {{0, 0, 0, 1}});
            launch(parts, out, k2, r2, outputs, chunks, 1, 0);
        } finally {
            rt.pool.give(parts, bytes);   // safe at once: the queue is in order, so a later user of it waits for these
        }
    }

    private void launch(cl_mem x, cl_mem out, Layout4.Geometry kept, Layout4.Geometry red, int outputs, int count, int chunks, double flops) {
        rt.launcher.run("sum", flops, rt.kernel(SRC, defines, "reduce_sum"), new long[] {(long) outputs * wg, chunks}, new long[] {wg, 1},
                x, out, kept.shape(), kept.strides()[0], red.shape(), red.strides()[0], count, chunks);
    }

    /** out[i] = Σ_s parts[s·count + i]. */
    void sumParts(String name, cl_mem parts, int splits, int count, cl_mem out) {
        rt.launcher.run(name, 0, rt.kernel(SRC, defines, "sum_parts"), new long[] {count}, null, parts, out, splits, count);
    }
}
