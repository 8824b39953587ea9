package org.cyclegan.engine.reference;

import java.util.Arrays;
import java.util.List;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.Float64Access;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * {@link ReferenceBackend}'s loops in double: every tensor holds a {@code double[]} and every kernel computes and
 * stores in double, so a function of tensors made of the engine's ops is evaluated in float64 end to end. It exists
 * for the gradient check in double ({@code GradCheck}), as PyTorch's gradcheck runs on float64 tensors.
 *
 * <p>The {@link Backend} contract is float32 at its edges, and is kept: {@code upload(float[])} widens,
 * {@code download} rounds to float, scalar arguments (a {@code binaryScalar}'s s, an eps) are float values widened.
 * {@link Float64Access} sets and reads the values in double. The loops are the reference backend's, line for line,
 * with {@code float} read as {@code double}; it agrees with that backend to float32 rounding (a contract test checks it).
 * It is not offered by {@code --device}: training in double is not what it is for.
 */
public final class Float64ReferenceBackend implements Backend, Float64Access {

    /** The values of a float64 tensor; joins the thread's open {@link MemoryScope}, as host storage does. */
    static final class DoubleStorage implements Storage {
        private double[] data;
        private final int size;

        DoubleStorage(double[] data) {
            this.data = data;
            this.size = data.length;
            MemoryScope.track(this);
        }

        double[] array() {
            double[] d = data;
            if (d == null) throw new IllegalStateException("this tensor's memory was released (its MemoryScope closed or it was closed)");
            return d;
        }

        @Override public int size() { return size; }
        @Override public void release() { data = null; }
        @Override public boolean isReleased() { return data == null; }
    }

    @Override
    public String name() {
        return "reference64";
    }

    @Override
    public String description() {
        return "reference64 (the reference backend's loops in float64, single thread)";
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private static double[] data(Tensor t) {
        return ((DoubleStorage) t.storage()).array();
    }

    private Tensor make(double[] values, int... shape) {
        return Tensor.wrap(this, new DoubleStorage(values), shape);
    }

    @Override
    public Storage uploadDouble(double[] values) {
        return new DoubleStorage(values.clone());
    }

    @Override
    public double[] downloadDouble(Storage storage) {
        return ((DoubleStorage) storage).array().clone();
    }

    @Override
    public Storage allocate(int size) {
        return new DoubleStorage(new double[size]);
    }

    @Override
    public Storage upload(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return new DoubleStorage(d);
    }

    @Override
    public float[] download(Storage storage) {
        double[] d = ((DoubleStorage) storage).array();
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.numel() != dst.numel()) throw new IllegalArgumentException("copy: " + src.numel() + " elements into " + dst.numel());
        System.arraycopy(data(src), 0, data(dst), 0, src.numel());
    }

    @Override
    public Tensor full(int[] shape, float value) {
        double[] v = new double[Shape.numel(shape)];
        Arrays.fill(v, value);
        return make(v, shape);
    }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        double[] in = data(x);
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) out[i] = op.apply(in[i]);
        return make(out, x.shape());
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        double[] in = data(x);
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i] > 0 ? in[i] : slope * in[i];
        return make(out, x.shape());
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        int[] aStrides = Shape.broadcastStrides(a.shape(), shape);
        int[] bStrides = Shape.broadcastStrides(b.shape(), shape);
        double[] da = data(a), db = data(b);
        double[] out = new double[Shape.numel(shape)];
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = op.apply(da[ReferenceBackend.offset(index, aStrides)], db[ReferenceBackend.offset(index, bStrides)]);
            ReferenceBackend.increment(index, shape);
        }
        return make(out, shape);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        double[] in = data(a);
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) out[i] = op.apply(in[i], (double) s);
        return make(out, a.shape());
    }

    // ---- shape and reduction ------------------------------------------------------------------------------

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        for (int a : axes) outShape[a] = 1;
        int[] outStrides = Shape.broadcastStrides(outShape, shape);   // summed axes get stride 0: all land on one output
        double[] out = new double[Shape.numel(outShape)];
        double[] in = data(x);
        int[] index = new int[shape.length];
        for (int i = 0; i < in.length; i++) {
            out[ReferenceBackend.offset(index, outStrides)] += in[i];
            ReferenceBackend.increment(index, shape);
        }
        return make(out, outShape);
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        int[] strides = Shape.broadcastStrides(x.shape(), shape);
        double[] in = data(x);
        double[] out = new double[Shape.numel(shape)];
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[ReferenceBackend.offset(index, strides)];
            ReferenceBackend.increment(index, shape);
        }
        return make(out, shape);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        int[] shape = xs.get(0).shape();
        shape[axis] = 0;
        for (Tensor t : xs) shape[axis] += t.dim(axis);
        int outer = Shape.outer(shape, axis), inner = Shape.inner(shape, axis);
        double[] out = new double[Shape.numel(shape)];
        int rowLength = shape[axis] * inner;
        int at = 0;
        for (Tensor t : xs) {
            int block = t.dim(axis) * inner;
            double[] in = data(t);
            for (int o = 0; o < outer; o++) System.arraycopy(in, o * block, out, o * rowLength + at, block);
            at += block;
        }
        return make(out, shape);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int length) {
        int[] shape = x.shape();
        int outer = Shape.outer(shape, axis), inner = Shape.inner(shape, axis);
        int rowLength = shape[axis] * inner;
        shape[axis] = length;
        double[] in = data(x);
        double[] out = new double[Shape.numel(shape)];
        for (int o = 0; o < outer; o++) System.arraycopy(in, o * rowLength + start * inner, out, o * length * inner, length * inner);
        return make(out, shape);
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int n = tb ? b.dim(0) : b.dim(1);
        double[] da = data(a), db = data(b);
        int lda = a.dim(1), ldb = b.dim(1);
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (ta ? da[p * lda + i] : da[i * lda + p]) * (tb ? db[j * ldb + p] : db[p * ldb + j]);
                out[i * n + j] = s;
            }
        return make(out, m, n);
    }

    /** As {@link ReferenceBackend#conv2d}. */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = s.outH(h, kh), ow = s.outW(wd, kw);
        double[] X = data(x), W = data(w), B = bias == null ? null : data(bias);
        double[] Y = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++) {
                        double acc = B == null ? 0 : B[co];
                        for (int ci = 0; ci < cin; ci++)
                            for (int i = 0; i < kh; i++) {
                                int iy = y * s.strideH() - s.padH() + i;
                                if (iy < 0 || iy >= h) continue;
                                for (int j = 0; j < kw; j++) {
                                    int ix = xo * s.strideW() - s.padW() + j;
                                    if (ix < 0 || ix >= wd) continue;
                                    acc += X[((b * cin + ci) * h + iy) * wd + ix] * W[((co * cin + ci) * kh + i) * kw + j];
                                }
                            }
                        Y[((b * cout + co) * oh + y) * ow + xo] = acc;
                    }
        return make(Y, n, cout, oh, ow);
    }

    /** As {@link ReferenceBackend#conv2dBackwardData}: a gather, one dx element at a time. */
    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = dy.dim(2), ow = dy.dim(3);
        double[] DY = data(dy), W = data(w);
        double[] DX = new double[Shape.numel(xShape)];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < cin; ci++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < wd; ix++) {
                        double acc = 0;
                        for (int i = 0; i < kh; i++) {
                            int ty = iy + s.padH() - i;
                            if (ty < 0 || ty % s.strideH() != 0) continue;
                            int oy = ty / s.strideH();
                            if (oy >= oh) continue;
                            for (int j = 0; j < kw; j++) {
                                int tx = ix + s.padW() - j;
                                if (tx < 0 || tx % s.strideW() != 0) continue;
                                int ox = tx / s.strideW();
                                if (ox >= ow) continue;
                                for (int co = 0; co < cout; co++) {
                                    acc += DY[((b * cout + co) * oh + oy) * ow + ox] * W[((co * cin + ci) * kh + i) * kw + j];
                                }
                            }
                        }
                        DX[((b * cin + ci) * h + iy) * wd + ix] = acc;
                    }
        return make(DX, xShape);
    }

    /** As {@link ReferenceBackend#conv2dBackwardWeight}. */
    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = wShape[0], kh = wShape[2], kw = wShape[3];
        int oh = dy.dim(2), ow = dy.dim(3);
        double[] X = data(x), DY = data(dy);
        double[] DW = new double[Shape.numel(wShape)];
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        double acc = 0;
                        for (int b = 0; b < n; b++)
                            for (int y = 0; y < oh; y++) {
                                int iy = y * s.strideH() - s.padH() + i;
                                if (iy < 0 || iy >= h) continue;
                                for (int xo = 0; xo < ow; xo++) {
                                    int ix = xo * s.strideW() - s.padW() + j;
                                    if (ix < 0 || ix >= wd) continue;
                                    acc += DY[((b * cout + co) * oh + y) * ow + xo] * X[((b * cin + ci) * h + iy) * wd + ix];
                                }
                            }
                        DW[((co * cin + ci) * kh + i) * kw + j] = acc;
                    }
        return make(DW, wShape);
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        double[] X = data(x);
        double[] Y = new double[planes * oh * ow];
        for (int c = 0; c < planes; c++)
            for (int y = 0; y < oh; y++) {
                int sy = mode.source(y, p.top(), h);
                for (int xo = 0; xo < ow; xo++) {
                    int sx = mode.source(xo, p.left(), w);
                    if (sy >= 0 && sx >= 0) Y[(c * oh + y) * ow + xo] = X[(c * h + sy) * w + sx];
                }
            }
        return make(Y, x.dim(0), x.dim(1), oh, ow);
    }

    @Override
    public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding p, Padding.Mode mode) {
        int planes = xShape[0] * xShape[1], h = xShape[2], w = xShape[3];
        int oh = dy.dim(2), ow = dy.dim(3);
        double[] DY = data(dy);
        double[] DX = new double[planes * h * w];
        for (int c = 0; c < planes; c++)
            for (int y = 0; y < oh; y++) {
                int sy = mode.source(y, p.top(), h);
                for (int xo = 0; xo < ow; xo++) {
                    int sx = mode.source(xo, p.left(), w);
                    if (sy >= 0 && sx >= 0) DX[(c * h + sy) * w + sx] += DY[(c * oh + y) * ow + xo];
                }
            }
        return make(DX, xShape);
    }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        int[] shape = x.shape();
        int groups = perInstance ? shape[0] * shape[1] : shape[1];
        double[] X = data(x);
        double[] Y = new double[X.length];
        double[] mean = new double[groups], var = new double[groups], invStd = new double[groups];
        for (int g = 0; g < groups; g++) {
            int[] idx = ReferenceBackend.groupOffsets(shape, perInstance, g);
            double mu = 0;
            for (int i : idx) mu += X[i];
            mu /= idx.length;
            double v = 0;
            for (int i : idx) v += (X[i] - mu) * (X[i] - mu);
            v /= idx.length;   // biased, as PyTorch normalizes
            double inv = 1.0 / Math.sqrt(v + eps);
            for (int i : idx) Y[i] = (X[i] - mu) * inv;
            mean[g] = mu;
            var[g] = v;
            invStd[g] = inv;
        }
        int[] statShape = perInstance ? new int[] {shape[0], shape[1]} : new int[] {shape[1]};
        return new NormResult(make(Y, shape), make(mean, statShape), make(var, statShape), make(invStd, statShape));
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] shape = dy.shape();
        double[] DY = data(dy), XH = data(xhat), INV = data(invStd);
        double[] DX = new double[DY.length];
        for (int g = 0; g < INV.length; g++) {
            int[] idx = ReferenceBackend.groupOffsets(shape, perInstance, g);
            double meanDy = 0, meanDyXhat = 0;
            for (int i : idx) {
                meanDy += DY[i];
                meanDyXhat += DY[i] * XH[i];
            }
            meanDy /= idx.length;
            meanDyXhat /= idx.length;
            for (int i : idx) DX[i] = INV[g] * (DY[i] - meanDy - XH[i] * meanDyXhat);
        }
        return make(DX, shape);
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        double[] P = data(param), G = data(grad), M = data(m), V = data(v);
        for (int i = 0; i < P.length; i++) {
            double g = weightDecay != 0f ? G[i] + weightDecay * P[i] : G[i];
            M[i] = M[i] * beta1 + g * (1.0 - beta1);
            V[i] = V[i] * beta2 + (1.0 - beta2) * g * g;
            double denom = Math.sqrt(V[i]) / bc2Sqrt + eps;
            P[i] = P[i] + (-stepSize) * (M[i] / denom);
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        double[] P = data(param), G = data(grad), B = buf == null ? null : data(buf);
        for (int i = 0; i < P.length; i++) {
            double g = weightDecay != 0f ? G[i] + weightDecay * P[i] : G[i];
            if (B != null) {
                B[i] = firstStep ? g : B[i] * momentum + (1.0 - dampening) * g;
                g = nesterov ? g + momentum * B[i] : B[i];
            }
            P[i] = P[i] - lr * g;
        }
    }
}
