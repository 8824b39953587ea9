package org.cyclegan.kernels.opencl;

import java.util.Arrays;
import org.cyclegan.engine.Shape;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * reduce.cl: sums over any axes, and the sum of split-K partial products. One work-group per output (per chunk of
 * it when outputs are few and long, so a whole-tensor sum still spreads over the device, then a second pass adds the
 * chunks).
 */
final class ReductionKernels {
    private static final String SRC = "reduce.cl";
    private final OpenClDevice device;
    private final int wg;
    private final cl_kernel reduceSum, sumParts;

    /** Builds reduce.cl now, for the work-group size it will run with. */
    ReductionKernels(OpenClDevice device) {
        this.device = device;
        this.wg = workGroupSize(device, SRC, "reduce_sum");
        Programs.Program p = device.programs.program(SRC, "-D WG=" + wg);
        this.reduceSum = p.kernel("reduce_sum");
        this.sumParts = p.kernel("sum_parts");
    }

    /**
     * The work-group size WG for a kernel that sums with common.cl's work_group_total (reduce.cl's, norm.cl's), with
     * {@code source} built for it. On GPUs the largest power of two up to 256 the device allows (one work-item per lane,
     * a tree over local memory). On CPU devices a work-group runs as a loop on one core and every barrier splits that
     * loop, so a small group doing longer serial sums costs far less: 16. The built kernel may be limited below the
     * device's maximum (registers): build, ask, and rebuild smaller if needed.
     */
    static int workGroupSize(OpenClDevice device, String source, String kernel) {
        int cap = device.info.type() == DeviceInfo.Type.CPU ? 16 : 256;
        int w = 1;
        while (w * 2 <= Math.min(cap, device.info.maxWorkGroupSize())) w *= 2;
        while (w > 1 && device.programs.maxWorkGroupSize(device.programs.program(source, "-D WG=" + w).kernel(kernel)) < w) w /= 2;
        return w;
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
        int target = Math.max(8, 4 * device.info.computeUnits());
        int chunks = 1;
        if (outputs < target && count > 8 * wg) chunks = Math.min((target + outputs - 1) / outputs, (count + 8 * wg - 1) / (8 * wg));
        if (chunks == 1) {
            launch(x, out, kept, red, outputs, count, 1, flops);
            return;
        }
        long bytes = 4L * outputs * chunks;
        cl_mem parts = device.pool.take(bytes);
        try {
            launch(x, parts, kept, red, outputs, count, chunks, flops);
            // Second pass: outputs × chunks partial sums, contiguous per output.
            Layout4.Geometry k2 = new Layout4.Geometry(new int[] {1, 1, 1, outputs}, new int[][] {{0, 0, 0, chunks}});
            Layout4.Geometry r2 = new Layout4.Geometry(new int[] {1, 1, 1, chunks}, new int[][] {{0, 0, 0, 1}});
            launch(parts, out, k2, r2, outputs, chunks, 1, 0);
        } finally {
            device.pool.give(parts, bytes);   // safe at once: the queue is in order, so a later user of it waits for these
        }
    }

    private void launch(cl_mem x, cl_mem out, Layout4.Geometry kept, Layout4.Geometry red, int outputs, int count, int chunks, double flops) {
        device.launcher.run("sum", flops, reduceSum, new long[] {(long) outputs * wg, chunks}, new long[] {wg, 1},
                x, out, kept.shape(), kept.strides()[0], red.shape(), red.strides()[0], count, chunks);
    }

    /** out[i] = Σ_s parts[s·count + i]. */
    void sumParts(String name, cl_mem parts, int splits, int count, cl_mem out) {
        device.launcher.run(name, 0, sumParts, new long[] {count}, null, parts, out, splits, count);
    }
}
