package org.cyclegan.engine.reference;

import java.util.List;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendProvider;
import org.cyclegan.engine.backend.BinaryOp;
import org.cyclegan.engine.backend.ConvSpec;
import org.cyclegan.engine.backend.HostStorage;
import org.cyclegan.engine.backend.NormResult;
import org.cyclegan.engine.backend.Padding;
import org.cyclegan.engine.backend.Storage;
import org.cyclegan.engine.backend.UnaryOp;

/**
 * The reference backend: every kernel as the plainest loops that match its definition, one output element at a time,
 * with sums accumulated in double. It is slow on purpose. It is the oracle every faster backend is tested against and
 * the text to read to learn what each kernel computes.
 */
public final class ReferenceBackend implements Backend {

    public static final BackendProvider PROVIDER = new BackendProvider() {
        @Override public String name() { return "reference"; }
        @Override public int priority() { return 0; }
        @Override public String unavailableReason() { return null; }
        @Override public Backend create() { return new ReferenceBackend(); }
        @Override public java.util.List<String> devices() { return java.util.List.of("plain Java loops on one thread (the oracle: slow)"); }
    };

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (plain Java loops, single thread)";
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private static float[] data(Tensor t) {
        return ((HostStorage) t.storage()).array();
    }

    private Tensor make(float[] values, int... shape) {
        return Tensor.wrap(this, new HostStorage(values), shape);
    }

    @Override
    public Storage allocate(int size) {
        return new HostStorage(new float[size]);
    }

    @Override
    public Storage upload(float[] values) {
        return new HostStorage(values.clone());
    }

    @Override
    public float[] download(Storage storage) {
        return ((HostStorage) storage).array().clone();
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.numel() != dst.numel()) throw new IllegalArgumentException("copy: " + src.numel() + " elements into " + dst.numel());
        System.arraycopy(data(src), 0, data(dst), 0, src.numel());
    }

    @Override
    public Tensor full(int[] shape, float value) {
        float[] v = new float[Shape.numel(shape)];
        java.util.Arrays.fill(v, value);
        return make(v, shape);
    }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        float[] in = data(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = op.apply(in[i]);
        return make(out, x.shape());
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        float[] in = data(x);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i] > 0 ? in[i] : slope * in[i];
        return make(out, x.shape());
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        int[] aStrides = Shape.broadcastStrides(a.shape(), shape);
        int[] bStrides = Shape.broadcastStrides(b.shape(), shape);
        float[] da = data(a), db = data(b);
        float[] out = new float[Shape.numel(shape)];
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = op.apply(da[offset(index, aStrides)], db[offset(index, bStrides)]);
            increment(index, shape);
        }
        return make(out, shape);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        float[] in = data(a);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = op.apply(in[i], s);
        return make(out, a.shape());
    }

    // ---- shape and reduction ------------------------------------------------------------------------------

    @Override
    public Tensor sum(Tensor x, int[] axes) {
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        for (int a : axes) outShape[a] = 1;
        int[] outStrides = Shape.broadcastStrides(outShape, shape);   // summed axes get stride 0: all land on one output
        double[] acc = new double[Shape.numel(outShape)];
        float[] in = data(x);
        int[] index = new int[shape.length];
        for (int i = 0; i < in.length; i++) {
            acc[offset(index, outStrides)] += in[i];
            increment(index, shape);
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) acc[i];
        return make(out, outShape);
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        int[] strides = Shape.broadcastStrides(x.shape(), shape);
        float[] in = data(x);
        float[] out = new float[Shape.numel(shape)];
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[offset(index, strides)];
            increment(index, shape);
        }
        return make(out, shape);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        int[] shape = xs.get(0).shape();
        shape[axis] = 0;
        for (Tensor t : xs) shape[axis] += t.dim(axis);
        int outer = Shape.outer(shape, axis), inner = Shape.inner(shape, axis);
        float[] out = new float[Shape.numel(shape)];
        int rowLength = shape[axis] * inner;   // one "row" = everything under one outer index
        int at = 0;
        for (Tensor t : xs) {
            int block = t.dim(axis) * inner;
            float[] in = data(t);
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
        float[] in = data(x);
        float[] out = new float[Shape.numel(shape)];
        for (int o = 0; o < outer; o++) System.arraycopy(in, o * rowLength + start * inner, out, o * length * inner, length * inner);
        return make(out, shape);
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int n = tb ? b.dim(0) : b.dim(1);
        float[] da = data(a), db = data(b);
        int lda = a.dim(1), ldb = b.dim(1);
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? da[p * lda + i] : da[i * lda + p];
                    float bv = tb ? db[j * ldb + p] : db[p * ldb + j];
                    s += (double) av * bv;
                }
                out[i * n + j] = (float) s;
            }
        }
        return make(out, m, n);
    }

    /** y[n,co,oh,ow] = bias[co] + Σ_{ci,kh,kw} x[n, ci, oh·s − p + kh, ow·s − p + kw] · w[co,ci,kh,kw] (zero outside x). */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = s.outH(h, kh), ow = s.outW(wd, kw);
        float[] X = data(x), W = data(w), B = bias == null ? null : data(bias);
        float[] Y = new float[n * cout * oh * ow];
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
                                    acc += (double) X[((b * cin + ci) * h + iy) * wd + ix] * W[((co * cin + ci) * kh + i) * kw + j];
                                }
                            }
                        Y[((b * cout + co) * oh + y) * ow + xo] = (float) acc;
                    }
        return make(Y, n, cout, oh, ow);
    }

    /**
     * dx[n,ci,iy,ix] = Σ over (co, i, j) with iy = oy·s − p + i and ix = ox·s − p + j for some in-range (oy, ox)
     * of dy[n,co,oy,ox] · w[co,ci,i,j]. Written as a gather (one dx element at a time) so it reads as the definition.
     */
    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = dy.dim(2), ow = dy.dim(3);
        float[] DY = data(dy), W = data(w);
        float[] DX = new float[Shape.numel(xShape)];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < cin; ci++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < wd; ix++) {
                        double acc = 0;
                        for (int i = 0; i < kh; i++) {
                            int ty = iy + s.padH() - i;             // = oy · stride when this tap was used
                            if (ty < 0 || ty % s.strideH() != 0) continue;
                            int oy = ty / s.strideH();
                            if (oy >= oh) continue;
                            for (int j = 0; j < kw; j++) {
                                int tx = ix + s.padW() - j;
                                if (tx < 0 || tx % s.strideW() != 0) continue;
                                int ox = tx / s.strideW();
                                if (ox >= ow) continue;
                                for (int co = 0; co < cout; co++) {
                                    acc += (double) DY[((b * cout + co) * oh + oy) * ow + ox] * W[((co * cin + ci) * kh + i) * kw + j];
                                }
                            }
                        }
                        DX[((b * cin + ci) * h + iy) * wd + ix] = (float) acc;
                    }
        return make(DX, xShape);
    }

    /** dw[co,ci,i,j] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n, ci, oy·s − p + i, ox·s − p + j]. */
    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = wShape[0], kh = wShape[2], kw = wShape[3];
        int oh = dy.dim(2), ow = dy.dim(3);
        float[] X = data(x), DY = data(dy);
        float[] DW = new float[Shape.numel(wShape)];
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
                                    acc += (double) DY[((b * cout + co) * oh + y) * ow + xo] * X[((b * cin + ci) * h + iy) * wd + ix];
                                }
                            }
                        DW[((co * cin + ci) * kh + i) * kw + j] = (float) acc;
                    }
        return make(DW, wShape);
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        float[] X = data(x);
        float[] Y = new float[planes * oh * ow];
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
        float[] DY = data(dy);
        double[] acc = new double[planes * h * w];
        for (int c = 0; c < planes; c++)
            for (int y = 0; y < oh; y++) {
                int sy = mode.source(y, p.top(), h);
                for (int xo = 0; xo < ow; xo++) {
                    int sx = mode.source(xo, p.left(), w);
                    if (sy >= 0 && sx >= 0) acc[(c * h + sy) * w + sx] += DY[(c * oh + y) * ow + xo];
                }
            }
        float[] DX = new float[acc.length];
        for (int i = 0; i < DX.length; i++) DX[i] = (float) acc[i];
        return make(DX, xShape);
    }

    /**
     * The elements of normalization group {@code g} as offsets into the NCHW array: group (n, c) is one plane for
     * instance norm; group c is that channel's plane in every sample for batch norm.
     */
    static int[] groupOffsets(int[] shape, boolean perInstance, int g) {
        int n = shape[0], c = shape[1], hw = shape[2] * shape[3];
        if (perInstance) {
            int[] o = new int[hw];
            for (int i = 0; i < hw; i++) o[i] = g * hw + i;
            return o;
        }
        int[] o = new int[n * hw];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < hw; i++) o[b * hw + i] = (b * c + g) * hw + i;
        return o;
    }

    @Override
    public NormResult normalize(Tensor x, boolean perInstance, float eps) {
        int[] shape = x.shape();
        int groups = perInstance ? shape[0] * shape[1] : shape[1];
        float[] X = data(x);
        float[] Y = new float[X.length];
        float[] mean = new float[groups], var = new float[groups], invStd = new float[groups];
        for (int g = 0; g < groups; g++) {
            int[] idx = groupOffsets(shape, perInstance, g);
            double mu = 0;
            for (int i : idx) mu += X[i];
            mu /= idx.length;
            double v = 0;
            for (int i : idx) v += (X[i] - mu) * (X[i] - mu);
            v /= idx.length;   // biased, as PyTorch normalizes
            double inv = 1.0 / Math.sqrt(v + eps);
            for (int i : idx) Y[i] = (float) ((X[i] - mu) * inv);
            mean[g] = (float) mu;
            var[g] = (float) v;
            invStd[g] = (float) inv;
        }
        int[] statShape = perInstance ? new int[] {shape[0], shape[1]} : new int[] {shape[1]};
        return new NormResult(make(Y, shape), make(mean, statShape), make(var, statShape), make(invStd, statShape));
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] shape = dy.shape();
        float[] DY = data(dy), XH = data(xhat), INV = data(invStd);
        float[] DX = new float[DY.length];
        for (int g = 0; g < INV.length; g++) {
            int[] idx = groupOffsets(shape, perInstance, g);
            double meanDy = 0, meanDyXhat = 0;
            for (int i : idx) {
                meanDy += DY[i];
                meanDyXhat += (double) DY[i] * XH[i];
            }
            meanDy /= idx.length;
            meanDyXhat /= idx.length;
            for (int i : idx) DX[i] = (float) (INV[g] * (DY[i] - meanDy - XH[i] * meanDyXhat));
        }
        return make(DX, shape);
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        float[] P = data(param), G = data(grad), M = data(m), V = data(v);
        for (int i = 0; i < P.length; i++) {
            float g = weightDecay != 0f ? G[i] + weightDecay * P[i] : G[i];
            M[i] = M[i] * beta1 + g * (1f - beta1);
            V[i] = V[i] * beta2 + (1f - beta2) * g * g;
            float denom = (float) Math.sqrt(V[i]) / bc2Sqrt + eps;
            P[i] = P[i] + (-stepSize) * (M[i] / denom);
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        float[] P = data(param), G = data(grad), B = buf == null ? null : data(buf);
        for (int i = 0; i < P.length; i++) {
            float g = weightDecay != 0f ? G[i] + weightDecay * P[i] : G[i];
            if (B != null) {
                B[i] = firstStep ? g : B[i] * momentum + (1f - dampening) * g;
                g = nesterov ? g + momentum * B[i] : B[i];
            }
            P[i] = P[i] - lr * g;
        }
    }

    // ---- index helpers ------------------------------------------------------------------------------------------

    static int offset(int[] index, int[] strides) {
        int o = 0;
        for (int d = 0; d < index.length; d++) o += index[d] * strides[d];
        return o;
    }

    /** Advances a row-major multi-index by one. */
    static void increment(int[] index, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) return;
            index[d] = 0;
        }
    }
}
