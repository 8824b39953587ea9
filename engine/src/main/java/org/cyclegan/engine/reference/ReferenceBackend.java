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
 *
 * <p>The loops read and write elements through {@link Values} ({@code x.get(i)}, {@code y.set(i, v)}), in double,
 * so the same loops serve two precisions. This backend stores float32 in {@link HostStorage} (a {@code float[]}): a
 * value is rounded to float where it is stored, so each kernel gives what a float32 loop gives. Its subclass
 * {@link Float64ReferenceBackend} stores float64 and runs these loops unrounded, for the gradient check in double.
 * Where a kernel computes in float32 arithmetic (the optimizer steps, in PyTorch's order) each operation's result
 * goes through {@link Precision#round}, float32's rounding, which float64 leaves out.
 */
public sealed class ReferenceBackend implements Backend permits Float64ReferenceBackend {

    public static final BackendProvider PROVIDER = new BackendProvider() {
        @Override public String name() { return "reference"; }
        @Override public int priority() { return 0; }
        @Override public String unavailableReason() { return null; }
        @Override public Backend create() { return new ReferenceBackend(); }
        @Override public java.util.List<String> devices() { return java.util.List.of("plain Java loops on one thread (the oracle: slow)"); }
    };

    private final Precision precision;

    /** The reference backend in float32, the engine's precision. */
    public ReferenceBackend() {
        this(Precision.FLOAT32);
    }

    /** The same loops over storage of {@code precision}: how {@link Float64ReferenceBackend} is made. */
    ReferenceBackend(Precision precision) {
        this.precision = precision;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (plain Java loops, single thread)";
    }

    // ---- memory -------------------------------------------------------------------------------------------

    private Values values(Tensor t) {
        return precision.view(t.storage());
    }

    private Values zeros(int size) {
        return precision.zeros(size);
    }

    private Tensor make(Values values, int... shape) {
        return Tensor.wrap(this, values.storage(), shape);
    }

    /** Rounds one operation's result as this backend's arithmetic does (to float in float32). */
    private double round(double x) {
        return precision.round(x);
    }

    @Override
    public Storage allocate(int size) {
        return zeros(size).storage();
    }

    @Override
    public Storage upload(float[] values) {
        return precision.upload(values);
    }

    @Override
    public float[] download(Storage storage) {
        return precision.download(storage);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.numel() != dst.numel()) throw new IllegalArgumentException("copy: " + src.numel() + " elements into " + dst.numel());
        values(dst).copy(values(src), 0, 0, src.numel());
    }

    @Override
    public Tensor full(int[] shape, float value) {
        Values v = zeros(Shape.numel(shape));
        for (int i = 0; i < v.length(); i++) v.set(i, value);
        return make(v, shape);
    }

    // ---- element-wise ---------------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        Values in = values(x);
        Values out = zeros(in.length());
        for (int i = 0; i < in.length(); i++) out.set(i, op.apply(in.get(i)));
        return make(out, x.shape());
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        Values in = values(x);
        Values out = zeros(in.length());
        for (int i = 0; i < in.length(); i++) {
            double v = in.get(i);
            out.set(i, v > 0 ? v : slope * v);   // float32: slope · v is exact in double, so set rounds it to the float product
        }
        return make(out, x.shape());
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        int[] aStrides = Shape.broadcastStrides(a.shape(), shape);
        int[] bStrides = Shape.broadcastStrides(b.shape(), shape);
        Values da = values(a), db = values(b);
        Values out = zeros(Shape.numel(shape));
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length(); i++) {
            out.set(i, op.apply(da.get(offset(index, aStrides)), db.get(offset(index, bStrides))));
            increment(index, shape);
        }
        return make(out, shape);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        Values in = values(a);
        Values out = zeros(in.length());
        for (int i = 0; i < in.length(); i++) out.set(i, op.apply(in.get(i), s));
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
        Values in = values(x);
        int[] index = new int[shape.length];
        for (int i = 0; i < in.length(); i++) {
            acc[offset(index, outStrides)] += in.get(i);
            increment(index, shape);
        }
        Values out = zeros(acc.length);
        for (int i = 0; i < acc.length; i++) out.set(i, acc[i]);
        return make(out, outShape);
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        int[] strides = Shape.broadcastStrides(x.shape(), shape);
        Values in = values(x);
        Values out = zeros(Shape.numel(shape));
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length(); i++) {
            out.set(i, in.get(offset(index, strides)));
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
        Values out = zeros(Shape.numel(shape));
        int rowLength = shape[axis] * inner;   // one "row" = everything under one outer index
        int at = 0;
        for (Tensor t : xs) {
            int block = t.dim(axis) * inner;
            Values in = values(t);
            for (int o = 0; o < outer; o++) out.copy(in, o * block, o * rowLength + at, block);
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
        Values in = values(x);
        Values out = zeros(Shape.numel(shape));
        for (int o = 0; o < outer; o++) out.copy(in, o * rowLength + start * inner, o * length * inner, length * inner);
        return make(out, shape);
    }

    // ---- linear algebra and convolution ---------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int n = tb ? b.dim(0) : b.dim(1);
        Values da = values(a), db = values(b);
        int lda = a.dim(1), ldb = b.dim(1);
        Values out = zeros(m * n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? da.get(p * lda + i) : da.get(i * lda + p);
                    double bv = tb ? db.get(j * ldb + p) : db.get(p * ldb + j);
                    s += av * bv;
                }
                out.set(i * n + j, s);
            }
        }
        return make(out, m, n);
    }

    /**
     * y[n,co,oh,ow] = bias[co] + Σ_{ci,kh,kw} x[n, ci, oh·s − p + kh, ow·s − p + kw] · w[co,ci,kh,kw], where a row or
     * column outside x is zero or, with reflection padding, the one it mirrors ({@link ConvSpec#row}).
     */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = s.outH(h, kh), ow = s.outW(wd, kw);
        Values X = values(x), W = values(w), B = bias == null ? null : values(bias);
        Values Y = zeros(n * cout * oh * ow);
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++) {
                        double acc = B == null ? 0 : B.get(co);
                        for (int ci = 0; ci < cin; ci++)
                            for (int i = 0; i < kh; i++) {
                                int iy = s.row(y * s.strideH() - s.padH() + i, h);
                                if (iy < 0) continue;
                                for (int j = 0; j < kw; j++) {
                                    int ix = s.column(xo * s.strideW() - s.padW() + j, wd);
                                    if (ix < 0) continue;
                                    acc += X.get(((b * cin + ci) * h + iy) * wd + ix) * W.get(((co * cin + ci) * kh + i) * kw + j);
                                }
                            }
                        Y.set(((b * cout + co) * oh + y) * ow + xo, acc);
                    }
        return make(Y, n, cout, oh, ow);
    }

    /**
     * The adjoint of {@link #conv2d}: for each position (iy, ix) of the padded input, the sum over (co, i, j) with
     * iy = oy·s − p + i and ix = ox·s − p + j for some in-range (oy, ox) of dy[n,co,oy,ox] · w[co,ci,i,j]; that sum
     * goes to the element of x the position reads ({@link ConvSpec#row}): inside x the position itself, in zero padding
     * nowhere, in a reflection the mirrored element, which so gathers the sums of two or more positions.
     */
    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvSpec s) {
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int oh = dy.dim(2), ow = dy.dim(3);
        Values DY = values(dy), W = values(w);
        double[] dx = new double[Shape.numel(xShape)];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < cin; ci++)
                for (int iy = -s.padH(); iy < h + s.padH(); iy++)
                    for (int ix = -s.padW(); ix < wd + s.padW(); ix++) {
                        int sy = s.row(iy, h), sx = s.column(ix, wd);
                        if (sy < 0 || sx < 0) continue;
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
                                    acc += DY.get(((b * cout + co) * oh + oy) * ow + ox) * W.get(((co * cin + ci) * kh + i) * kw + j);
                                }
                            }
                        }
                        dx[((b * cin + ci) * h + sy) * wd + sx] += acc;
                    }
        Values DX = zeros(dx.length);
        for (int i = 0; i < dx.length; i++) DX.set(i, dx[i]);
        return make(DX, xShape);
    }

    /** dw[co,ci,i,j] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n, ci, oy·s − p + i, ox·s − p + j], x read as the forward reads it. */
    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor dy, int[] wShape, ConvSpec s) {
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int cout = wShape[0], kh = wShape[2], kw = wShape[3];
        int oh = dy.dim(2), ow = dy.dim(3);
        Values X = values(x), DY = values(dy);
        Values DW = zeros(Shape.numel(wShape));
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        double acc = 0;
                        for (int b = 0; b < n; b++)
                            for (int y = 0; y < oh; y++) {
                                int iy = s.row(y * s.strideH() - s.padH() + i, h);
                                if (iy < 0) continue;
                                for (int xo = 0; xo < ow; xo++) {
                                    int ix = s.column(xo * s.strideW() - s.padW() + j, wd);
                                    if (ix < 0) continue;
                                    acc += DY.get(((b * cout + co) * oh + y) * ow + xo) * X.get(((b * cin + ci) * h + iy) * wd + ix);
                                }
                            }
                        DW.set(((co * cin + ci) * kh + i) * kw + j, acc);
                    }
        return make(DW, wShape);
    }

    // ---- padding and normalization ----------------------------------------------------------------------------

    @Override
    public Tensor pad2d(Tensor x, Padding p, Padding.Mode mode) {
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        Values X = values(x);
        Values Y = zeros(planes * oh * ow);
        for (int c = 0; c < planes; c++)
            for (int y = 0; y < oh; y++) {
                int sy = mode.source(y, p.top(), h);
                for (int xo = 0; xo < ow; xo++) {
                    int sx = mode.source(xo, p.left(), w);
                    if (sy >= 0 && sx >= 0) Y.set((c * oh + y) * ow + xo, X.get((c * h + sy) * w + sx));
                }
            }
        return make(Y, x.dim(0), x.dim(1), oh, ow);
    }

    @Override
    public Tensor pad2dBackward(Tensor dy, int[] xShape, Padding p, Padding.Mode mode) {
        int planes = xShape[0] * xShape[1], h = xShape[2], w = xShape[3];
        int oh = dy.dim(2), ow = dy.dim(3);
        Values DY = values(dy);
        double[] acc = new double[planes * h * w];
        for (int c = 0; c < planes; c++)
            for (int y = 0; y < oh; y++) {
                int sy = mode.source(y, p.top(), h);
                for (int xo = 0; xo < ow; xo++) {
                    int sx = mode.source(xo, p.left(), w);
                    if (sy >= 0 && sx >= 0) acc[(c * h + sy) * w + sx] += DY.get((c * oh + y) * ow + xo);
                }
            }
        Values DX = zeros(acc.length);
        for (int i = 0; i < acc.length; i++) DX.set(i, acc[i]);
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
        Values X = values(x);
        Values Y = zeros(X.length());
        Values mean = zeros(groups), var = zeros(groups), invStd = zeros(groups);
        for (int g = 0; g < groups; g++) {
            int[] idx = groupOffsets(shape, perInstance, g);
            double mu = 0;
            for (int i : idx) mu += X.get(i);
            mu /= idx.length;
            double v = 0;
            for (int i : idx) v += (X.get(i) - mu) * (X.get(i) - mu);
            v /= idx.length;   // biased, as PyTorch normalizes
            double inv = 1.0 / Math.sqrt(v + eps);
            for (int i : idx) Y.set(i, (X.get(i) - mu) * inv);
            mean.set(g, mu);
            var.set(g, v);
            invStd.set(g, inv);
        }
        int[] statShape = perInstance ? new int[] {shape[0], shape[1]} : new int[] {shape[1]};
        return new NormResult(make(Y, shape), make(mean, statShape), make(var, statShape), make(invStd, statShape));
    }

    @Override
    public Tensor normalizeBackward(Tensor dy, Tensor xhat, Tensor invStd, boolean perInstance) {
        int[] shape = dy.shape();
        Values DY = values(dy), XH = values(xhat), INV = values(invStd);
        Values DX = zeros(DY.length());
        for (int g = 0; g < INV.length(); g++) {
            int[] idx = groupOffsets(shape, perInstance, g);
            double meanDy = 0, meanDyXhat = 0;
            for (int i : idx) {
                meanDy += DY.get(i);
                meanDyXhat += DY.get(i) * XH.get(i);
            }
            meanDy /= idx.length;
            meanDyXhat /= idx.length;
            for (int i : idx) DX.set(i, INV.get(g) * (DY.get(i) - meanDy - XH.get(i) * meanDyXhat));
        }
        return make(DX, shape);
    }

    // ---- optimizers ---------------------------------------------------------------------------------------------
    //
    // The steps are float arithmetic in PyTorch's order (see Backend): in float32 every operation's result is rounded
    // to float. Written in double, each operation is wrapped in round(...), which is float32's rounding and does
    // nothing in float64; set(...) rounds the last one. So the float32 step is the float loop's, bit for bit, and the
    // float64 step is the same formula unrounded.

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, float beta1, float beta2, float eps,
                           float weightDecay, float stepSize, float bc2Sqrt) {
        Values P = values(param), G = values(grad), M = values(m), V = values(v);
        double oneMinusBeta1 = round(1.0 - beta1), oneMinusBeta2 = round(1.0 - beta2);
        for (int i = 0; i < P.length(); i++) {
            double g = weightDecay != 0f ? round(G.get(i) + round(weightDecay * P.get(i))) : G.get(i);
            M.set(i, round(M.get(i) * beta1) + round(g * oneMinusBeta1));
            V.set(i, round(V.get(i) * beta2) + round(round(oneMinusBeta2 * g) * g));
            double denom = round(round(round(Math.sqrt(V.get(i))) / bc2Sqrt) + eps);
            P.set(i, P.get(i) + round(-stepSize * round(M.get(i) / denom)));
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buf, float lr, float momentum, float dampening,
                          float weightDecay, boolean nesterov, boolean firstStep) {
        Values P = values(param), G = values(grad), B = buf == null ? null : values(buf);
        double oneMinusDampening = round(1.0 - dampening);
        for (int i = 0; i < P.length(); i++) {
            double g = weightDecay != 0f ? round(G.get(i) + round(weightDecay * P.get(i))) : G.get(i);
            if (B != null) {
                B.set(i, firstStep ? g : round(B.get(i) * momentum) + round(oneMinusDampening * g));
                g = nesterov ? round(g + round(momentum * B.get(i))) : B.get(i);
            }
            P.set(i, P.get(i) - round(lr * g));
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
