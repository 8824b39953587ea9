// Matrix products and the three convolution kernels as one tiled GEMM, C[M, N] = A[M, K] · B[K, N].
//
// A convolution is a matrix product whose operands are never built: this kernel only asks fetch_a(m, k) and
// fetch_b(k, n) for an element, and each MODE answers by reading the image and the weights where they lie ("implicit
// GEMM"). So no im2col matrix is written to memory, and all four products share one tiling:
//
//   MODE 1  matmul              A = op(a), B = op(b)                         M = rows, N = cols, K = inner
//   MODE 2  conv2d forward      A = w [Cout, Cin·KH·KW], B = the input patch of each output position
//                               M = Cout, N = OH·OW, K = Cin·KH·KW; dimension z = sample
//   MODE 3  backward data       A = w read as [Cin, Cout·taps], B = dy at the positions each tap came from
//                               M = Cin, N = input positions of one stride phase, K = Cout·taps; z = (sample, phase)
//   MODE 4  backward weight     A = dy [Cout, N·OH·OW], B = the input patches, K summed over samples and positions
//                               M = Cout, N = Cin·KH·KW, K = N·OH·OW, cut into chunks; z = chunk (split-K)
//
// Backward data with stride s: an input row iy is reached only by taps kh with (iy + pad − kh) divisible by s. Rows
// with the same iy mod s (a "phase") share those taps, so each phase is a smaller stride-1 product over only the taps
// that reach it: no work is spent on the zeros a stride leaves, and each dx element is written by exactly one
// work-item (no atomics, deterministic).
//
// Backward weight has a long K (every output position of every sample) and a small M × N, which would leave most of a
// GPU idle; the host cuts K into chunks, one per z, and adds the chunks' partial products afterwards (sum_parts).
//
// Tiling (host-chosen from the device's limits, see GemmTiling.java): a work-group of TX × TY work-items computes a
// TM × TN tile of C, each work-item an RM × RN block of it in registers (rows ty + i·TY, columns tx + j·TX, so
// neighbouring work-items touch neighbouring columns). Each step of K, the work-group stages TM × TK of A and TK × TN
// of B in local memory and every work-item reads them from there: one global read serves TM or TN multiply-adds.
// This is the GPU path; CPU devices use lowering.cl + gemm_blocked.cl instead (local memory is emulated there).
//
// Geometry arrives as one int16, named in common.cl (G_CIN ... G_KCHUNK). A plain matmul (MODE 1) uses its first four
// entries for the operands' row lengths and transposes, named below, besides G_M, G_N and G_K.

#define TX (TN / RN)
#define TY (TM / RM)

#if MODE == 1
#define G_LDA g.s0
#define G_LDB g.s1
#define G_TA g.s2
#define G_TB g.s3
#endif

// What a work-group's z index means, worked out once per work-group.
typedef struct {
    int sample;     // MODE 2, 3
    int ry, rx;     // MODE 3: the stride phase (input rows/columns congruent to ry/rx)
    int kh0, kw0;   // MODE 3: the first tap reaching that phase; later ones are kh0 + s, kh0 + 2s, ...
    int tapsH, tapsW, phaseW;   // MODE 3: taps per phase in each direction, positions per phase row
    int kBegin, kEnd;           // the part of K this work-group sums (all of it except in MODE 4)
} Ctx;

inline Ctx context(int16 g, int z) {
    Ctx c;
    c.sample = z;
    c.ry = c.rx = c.kh0 = c.kw0 = c.tapsH = c.tapsW = c.phaseW = 0;
    c.kBegin = 0;
    c.kEnd = G_K;
#if MODE == 3
    int phases = G_SH * G_SW;
    c.sample = z / phases;
    int phase = z % phases;
    c.ry = phase / G_SW;
    c.rx = phase % G_SW;
    c.kh0 = (c.ry + G_PH) % G_SH;
    c.kw0 = (c.rx + G_PW) % G_SW;
    c.tapsH = (G_KH + G_SH - 1) / G_SH;
    c.tapsW = (G_KW + G_SW - 1) / G_SW;
    c.phaseW = (G_W + G_SW - 1) / G_SW;
#elif MODE == 4
    c.kBegin = z * G_KCHUNK;
    c.kEnd = min(G_K, c.kBegin + G_KCHUNK);
#endif
    return c;
}

// A[m, k], or 0 outside the matrix.
inline float fetch_a(global const float* A, int16 g, Ctx c, int m, int k) {
    if (m >= G_M || k >= c.kEnd) return 0.0f;
#if MODE == 1
    return G_TA ? A[k * G_LDA + m] : A[m * G_LDA + k];
#elif MODE == 2
    return A[m * G_K + k];                                        // w[co][ci][kh][kw], row co
#elif MODE == 3
    int taps = c.tapsH * c.tapsW;
    int co = k / taps, t = k - co * taps;
    int kh = c.kh0 + G_SH * (t / c.tapsW), kw = c.kw0 + G_SW * (t % c.tapsW);
    if (kh >= G_KH || kw >= G_KW) return 0.0f;                    // a phase with fewer taps than the most
    return A[((co * G_CIN + m) * G_KH + kh) * G_KW + kw];         // w[co][ci = m][kh][kw]
#else
    int positions = G_OH * G_OW;
    int s = k / positions, p = k - s * positions;
    return A[(s * G_COUT + m) * positions + p];                   // dy[s][co = m][p]
#endif
}

#if MODE == 2 || MODE == 4
// The input element under tap (ci, kh, kw) at output position (oy, ox), or 0 in the zero padding.
inline float patch(global const float* X, int16 g, int s, int ci, int kh, int kw, int oy, int ox) {
    int iy = oy * G_SH - G_PH + kh, ix = ox * G_SW - G_PW + kw;
    if (iy < 0 || iy >= G_H || ix < 0 || ix >= G_W) return 0.0f;
    return X[((s * G_CIN + ci) * G_H + iy) * G_W + ix];
}
#endif

// B[k, n], or 0 outside the matrix.
inline float fetch_b(global const float* B, int16 g, Ctx c, int k, int n) {
    if (n >= G_N || k >= c.kEnd) return 0.0f;
#if MODE == 1
    return G_TB ? B[n * G_LDB + k] : B[k * G_LDB + n];
#elif MODE == 2
    int kk = G_KH * G_KW;
    int ci = k / kk, r = k - ci * kk;
    return patch(B, g, c.sample, ci, r / G_KW, r % G_KW, n / G_OW, n % G_OW);
#elif MODE == 3
    int iy = c.ry + G_SH * (n / c.phaseW), ix = c.rx + G_SW * (n % c.phaseW);
    int taps = c.tapsH * c.tapsW;
    int co = k / taps, t = k - co * taps;
    int kh = c.kh0 + G_SH * (t / c.tapsW), kw = c.kw0 + G_SW * (t % c.tapsW);
    if (iy >= G_H || ix >= G_W || kh >= G_KH || kw >= G_KW) return 0.0f;
    int oy = (iy + G_PH - kh) / G_SH, ox = (ix + G_PW - kw) / G_SW;   // exact: the phase guarantees divisibility
    if (oy < 0 || oy >= G_OH || ox < 0 || ox >= G_OW) return 0.0f;
    return B[((c.sample * G_COUT + co) * G_OH + oy) * G_OW + ox];     // dy[sample][co][oy][ox]
#else
    int positions = G_OH * G_OW;
    int s = k / positions, p = k - s * positions;
    int kk = G_KH * G_KW;
    int ci = n / kk, r = n - ci * kk;
    return patch(B, g, s, ci, r / G_KW, r % G_KW, p / G_OW, p % G_OW);
#endif
}

// C[m, n] = v (+ bias[m]).
inline void store_c(global float* C, global const float* bias, int hasBias, int16 g, Ctx c, int z, int m, int n, float v) {
    if (m >= G_M || n >= G_N) return;
#if MODE == 1
    C[m * G_N + n] = v;
#elif MODE == 2
    C[(c.sample * G_M + m) * G_N + n] = hasBias ? v + bias[m] : v;
#elif MODE == 3
    int iy = c.ry + G_SH * (n / c.phaseW), ix = c.rx + G_SW * (n % c.phaseW);
    if (iy < G_H && ix < G_W) C[((c.sample * G_CIN + m) * G_H + iy) * G_W + ix] = v;
#else
    C[(z * G_M + m) * G_N + n] = v;                               // chunk z's partial dw (the dw itself with one chunk)
#endif
}

// Launch: global (ceil(N / TN) · TX, ceil(M / TM) · TY, z count), local (TX, TY, 1).
__attribute__((reqd_work_group_size(TX, TY, 1)))
kernel void implicit_gemm(global const float* A, global const float* B, global float* C,
                          global const float* bias, int hasBias, int16 g) {
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int tileN = get_group_id(0) * TN, tileM = get_group_id(1) * TM;
    const int z = get_group_id(2);
    const Ctx c = context(g, z);

    float acc[RM][RN];
    for (int i = 0; i < RM; i++)
        for (int j = 0; j < RN; j++) acc[i][j] = 0.0f;

    // +1 column: consecutive work-items store consecutive k of one row, which would otherwise hit one memory bank.
    local float As[TK][TM + 1];
    local float Bs[TK][TN];
    const int tid = ty * TX + tx;
    for (int k0 = c.kBegin; k0 < c.kEnd; k0 += TK) {
        for (int e = tid; e < TM * TK; e += TX * TY) {            // k fastest: A's rows are contiguous along k
            int kk = e % TK, mm = e / TK;
            As[kk][mm] = fetch_a(A, g, c, tileM + mm, k0 + kk);
        }
        for (int e = tid; e < TK * TN; e += TX * TY) {            // n fastest: B's rows are contiguous along n
            int nn = e % TN, kk = e / TN;
            Bs[kk][nn] = fetch_b(B, g, c, k0 + kk, tileN + nn);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; kk++) {
            float a[RM], b[RN];
            for (int i = 0; i < RM; i++) a[i] = As[kk][ty + i * TY];
            for (int j = 0; j < RN; j++) b[j] = Bs[kk][tx + j * TX];
            for (int i = 0; i < RM; i++)
                for (int j = 0; j < RN; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int i = 0; i < RM; i++)
        for (int j = 0; j < RN; j++) store_c(C, bias, hasBias, g, c, z, tileM + ty + i * TY, tileN + tx + j * TX, acc[i][j]);
}
