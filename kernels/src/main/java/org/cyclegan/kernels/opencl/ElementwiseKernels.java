package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.UnaryOp;
import org.jocl.cl_mem;

/**
 * elementwise.cl: unary functions, leaky relu, binary ops (same shape, with a scalar, or broadcast through strides),
 * and the copies behind broadcastTo, concat and slice. One work-item per output element; the driver picks the
 * work-group size, since these kernels share nothing between work-items.
 */
final class ElementwiseKernels {
    private static final String SRC = "elementwise.cl";
    private final OpenClRuntime rt;

    ElementwiseKernels(OpenClRuntime rt) {
        this.rt = rt;
        rt.kernel(SRC, "", "unary");   // build now: a build failure shows when the backend starts
    }

    /** Must match the U_* codes of elementwise.cl. */
    static int code(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case ABS -> 4;
            case TANH -> 5;
            case SIGMOID -> 6;
            case RELU -> 7;
            case SIGN -> 8;
            case STEP -> 9;
            case LOG1P -> 10;
        };
    }

    /** Must match the B_* codes of elementwise.cl. */
    static int code(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
        };
    }

    private void run(String kernel, int n, Object... args) {
        rt.launcher.run(kernel, n, rt.kernel(SRC, "", kernel), new long[] {n}, null, args);
    }

    void unary(UnaryOp op, cl_mem x, cl_mem y, int n) {
        rt.launcher.run("unary." + op, n, rt.kernel(SRC, "", "unary"), new long[] {n}, null, x, y, code(op), n);
    }

    void leakyRelu(cl_mem x, cl_mem y, float slope, int n) {
        run("leaky_relu", n, x, y, slope, n);
    }

    void binarySame(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n) {
        rt.launcher.run("binary." + op, n, rt.kernel(SRC, "", "binary_same"), new long[] {n}, null, a, b, y, code(op), n);
    }

    void binaryScalar(BinaryOp op, cl_mem a, float s, cl_mem y, int n) {
        rt.launcher.run("binary_scalar." + op, n, rt.kernel(SRC, "", "binary_scalar"), new long[] {n}, null, a, s, y, code(op), n);
    }

    /** a op b[0], with b a one-element tensor left on the device. */
    void binaryScalarTensor(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n) {
        rt.launcher.run("binary." + op, n, rt.kernel(SRC, "", "binary_scalar_tensor"), new long[] {n}, null, a, b, y, code(op), n);
    }

    void binaryStrided(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n, Layout4.Geometry g) {
        rt.launcher.run("binary." + op, n, rt.kernel(SRC, "", "binary_strided"), new long[] {n}, null,
                a, b, y, code(op), n, g.shape(), g.strides()[0], g.strides()[1]);
    }

    void gatherStrided(cl_mem x, cl_mem y, int n, Layout4.Geometry g) {
        rt.launcher.run("broadcast_to", 0, rt.kernel(SRC, "", "gather_strided"), new long[] {n}, null, x, y, n, g.shape(), g.strides()[0]);
    }

    void copyRows(String name, cl_mem src, int srcOffset, int srcPitch, cl_mem dst, int dstOffset, int dstPitch, int rows, int cols) {
        int n = rows * cols;
        rt.launcher.run(name, 0, rt.kernel(SRC, "", "copy_rows"), new long[] {n}, null, src, srcOffset, srcPitch, dst, dstOffset, dstPitch, rows, cols);
    }
}
