package org.cyclegan.model.init;

import java.util.Random;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Tensor initializers with the semantics of {@code torch.nn.init}, writing in place into an existing tensor (a
 * registered parameter) and drawing every number from the {@link Random} given, so that a seed fixes a network.
 * The numbers differ from PyTorch's (another generator), the distributions are the same.
 */
public final class Init {
    private Init() {}

    /** Fills w with samples of N(mean, std²). */
    public static void normal(Tensor w, double mean, double std, Random rng) {
        float[] v = new float[w.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * rng.nextGaussian());
        write(w, v);
    }

    /** Fills w with {@code value}. */
    public static void constant(Tensor w, float value) {
        float[] v = new float[w.numel()];
        java.util.Arrays.fill(v, value);
        write(w, v);
    }

    /** Glorot / Xavier normal: std = gain·√(2 / (fan_in + fan_out)). */
    public static void xavierNormal(Tensor w, double gain, Random rng) {
        long[] fans = fanInAndFanOut(w);
        normal(w, 0, gain * Math.sqrt(2.0 / (fans[0] + fans[1])), rng);
    }

    /**
     * He / Kaiming normal as {@code kaiming_normal_(w, a, mode='fan_in')} with its default nonlinearity
     * {@code leaky_relu}: std = √(2 / (1 + a²)) / √fan_in.
     */
    public static void kaimingNormal(Tensor w, double a, Random rng) {
        long fanIn = fanInAndFanOut(w)[0];
        normal(w, 0, Math.sqrt(2.0 / (1 + a * a)) / Math.sqrt(fanIn), rng);
    }

    /**
     * {@code orthogonal_(w, gain)}: view w as a matrix of rows = w.dim(0) by cols = everything else, fill it with
     * N(0, 1), take its QR decomposition and keep Q with the signs of R's diagonal folded in (that makes the result
     * uniformly distributed over orthogonal matrices, not just any Q). The rows are orthonormal when rows ≤ cols,
     * the columns otherwise; the result is scaled by gain.
     *
     * <p>Cost: a Householder QR of the tall m × n matrix, about 4·m·n² flops in EJML's double-precision loops
     * (~2.6 s for a 512 × 8192 U-Net weight on the project's 2-core machine, ~1 minute for all of unet_256 at ngf 64;
     * resnet_9blocks takes ~2.5 s). Only {@code --init_type orthogonal} pays it, once, at network creation.
     */
    public static void orthogonal(Tensor w, double gain, Random rng) {
        if (w.rank() < 2) throw new IllegalArgumentException("orthogonal init: only tensors with 2 or more dimensions are supported, got " + Shape.str(w.shape()));
        int rows = w.dim(0);
        int cols = w.numel() / rows;
        // Decompose the tall orientation: m ≥ n, so Q (m × n) has orthonormal columns.
        boolean transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;
        DMatrixRMaj a = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < a.data.length; i++) a.data[i] = rng.nextGaussian();
        if (transpose) a = CommonOps_DDRM.transpose(a, null);
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, n);
        if (!qr.decompose(a)) throw new IllegalStateException("orthogonal init: QR decomposition failed for " + m + "x" + n);
        DMatrixRMaj q = qr.getQ(null, true);   // m × n
        DMatrixRMaj r = qr.getR(null, true);   // n × n
        float[] out = new float[rows * cols];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double value = gain * (r.get(j, j) < 0 ? -q.get(i, j) : q.get(i, j));
                // Back to rows × cols: element (i, j) of the tall matrix is (j, i) of the wide one.
                out[transpose ? j * cols + i : i * cols + j] = (float) value;
            }
        }
        write(w, out);
    }

    /**
     * PyTorch's {@code _calculate_fan_in_and_fan_out}: fan_in = dim(1)·k·k, fan_out = dim(0)·k·k. It reads the tensor's
     * dimensions, not the layer's meaning, so for a transposed convolution's [Cin, Cout, k, k] weight "fan_in" is
     * Cout·k·k; reproduced as is.
     */
    public static long[] fanInAndFanOut(Tensor w) {
        if (w.rank() < 2) throw new IllegalArgumentException("fan in and fan out cannot be computed for a tensor of shape " + Shape.str(w.shape()));
        long receptive = 1;
        for (int d = 2; d < w.rank(); d++) receptive *= w.dim(d);
        return new long[] {w.dim(1) * receptive, w.dim(0) * receptive};
    }

    private static void write(Tensor w, float[] values) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            w.backend().copy(Tensor.of(w.backend(), values, w.shape()), w);
        }
    }
}
