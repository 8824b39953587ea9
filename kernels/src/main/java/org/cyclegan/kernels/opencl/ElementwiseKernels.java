package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.UnaryOp;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * elementwise.cl: unary functions, leaky relu, binary ops (same shape, with a scalar, or broadcast through strides),
 * and the copies behind broadcastTo, concat and slice. One work-item per output element; the driver picks the
 * work-group size, since these kernels share nothing between work-items.
 */
final class ElementwiseKernels {
    private final KernelLauncher launcher;
    private final cl_kernel unary, leakyRelu, binarySame, binaryScalar, binaryScalarTensor, binaryStrided, gatherStrided, copyRows;

    /** Builds elementwise.cl now: a build failure shows when the backend starts. */
    ElementwiseKernels(OpenClDevice device) {
        this.launcher = device.launcher;
        Programs.Program p = device.programs.program("elementwise.cl", "");
        this.unary = p.kernel("unary");
        this.leakyRelu = p.kernel("leaky_relu");
        this.binarySame = p.kernel("binary_same");
        this.binaryScalar = p.kernel("binary_scalar");
        this.binaryScalarTensor = p.kernel("binary_scalar_tensor");
        this.binaryStrided = p.kernel("binary_strided");
        this.gatherStrided = p.kernel("gather_strided");
        this.copyRows = p.kernel("copy_rows");
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

    /** One work-item per element of an n-element output. */
    private void run(String name, double flops, cl_kernel kernel, int n, Object... args) {
        launcher.run(name, flops, kernel, new long[] {n}, null, args);
    }

    void unary(UnaryOp op, cl_mem x, cl_mem y, int n) {
        run("unary." + op, n, unary, n, x, y, code(op), n);
    }

    void leakyRelu(cl_mem x, cl_mem y, float slope, int n) {
        run("leaky_relu", n, leakyRelu, n, x, y, slope, n);
    }

    void binarySame(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n) {
        run("binary." + op, n, binarySame, n, a, b, y, code(op), n);
    }

    void binaryScalar(BinaryOp op, cl_mem a, float s, cl_mem y, int n) {
        run("binary_scalar." + op, n, binaryScalar, n, a, s, y, code(op), n);
    }

    /** a op b[0], with b a one-element tensor left on the device. */
    void binaryScalarTensor(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n) {
        run("binary." + op, n, binaryScalarTensor, n, a, b, y, code(op), n);
    }

    void binaryStrided(BinaryOp op, cl_mem a, cl_mem b, cl_mem y, int n, Layout4.Geometry g) {
        run("binary." + op, n, binaryStrided, n, a, b, y, code(op), n, g.shape(), g.strides()[0], g.strides()[1]);
    }

    void gatherStrided(cl_mem x, cl_mem y, int n, Layout4.Geometry g) {
        run("broadcast_to", 0, gatherStrided, n, x, y, n, g.shape(), g.strides()[0]);
    }

    void copyRows(String name, cl_mem src, int srcOffset, int srcPitch, cl_mem dst, int dstOffset, int dstPitch, int rows, int cols) {
        int n = rows * cols;
        run(name, 0, copyRows, n, src, srcOffset, srcPitch, dst, dstOffset, dstPitch, rows, cols);
    }
}
