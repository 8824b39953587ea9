// Register-blocked GEMM for CPU devices: C = A · B (+ C) (+ bias per row), no local memory.
//
// On a CPU device (PoCL) a work-item is a loop iteration on one core, and "local memory" is ordinary memory plus
// barriers, so the GPU tiling of implicit_gemm.cl only costs there: on PoCL it ran many times slower than this kernel
// (whose rates are in benchmarks/RESULTS.md, "OpenCL backend on PoCL"). Here each work-item instead computes RM rows
// × (2·VW) columns of C with explicit vectors: per step of k it loads two VW-wide vectors of B's row k and multiplies
// them by RM scalars of A's column k, keeping all 2·RM accumulators in vector registers (VW 16 and RM 8 on AVX-512: 16
// of its 32 registers; VW 8 and RM 6 on AVX2: 12 of 16). The compiler sees plain vector code with no dependence
// between work-items, which is what PoCL turns into tight SIMD loops.
//
// Operands: A(m, k) = A[aOff + m·aRow + k·aCol] (so a transposed A is just other strides), B(k, n) = B[bOff + k·ldb + n]
// (rows contiguous: the lowering kernels write B that way), C(m, n) = C[cOff + m·ldc + n].
#if VW == 16
typedef float16 floatv;
#define VLOAD vload16
#define VSTORE vstore16
#else
typedef float8 floatv;
#define VLOAD vload8
#define VSTORE vstore8
#endif
#define CW (2 * VW)

// Launch: global (ceil(N / CW), ceil(M / RM)); the driver picks the work-group size.
kernel void gemm_blocked(global const float* A, int aOff, int aRow, int aCol,
                         global const float* B, int bOff, int ldb,
                         global float* C, int cOff, int ldc,
                         global const float* bias, int hasBias, int accumulate, int M, int N, int K) {
    const int n0 = get_global_id(0) * CW, m0 = get_global_id(1) * RM;
    if (n0 >= N || m0 >= M) return;
    floatv acc0[RM], acc1[RM];
    for (int i = 0; i < RM; i++) acc0[i] = acc1[i] = (floatv) 0.0f;
    // Rows past M read row M − 1 (always valid) and are never stored, so the inner loop has no row test.
    int rowOff[RM];
    for (int i = 0; i < RM; i++) rowOff[i] = aOff + min(m0 + i, M - 1) * aRow;
    global const float* b = B + bOff + n0;

    if (n0 + CW <= N) {
        for (int k = 0; k < K; k++, b += ldb) {
            floatv b0 = VLOAD(0, b), b1 = VLOAD(0, b + VW);
            for (int i = 0; i < RM; i++) {
                floatv a = (floatv) A[rowOff[i] + k * aCol];
                acc0[i] = fma(a, b0, acc0[i]);
                acc1[i] = fma(a, b1, acc1[i]);
            }
        }
    } else {
        // The last, partial column block: read only columns that exist (B may end right after column N − 1).
        int valid = N - n0;
        for (int k = 0; k < K; k++, b += ldb) {
            float t[CW];
            for (int j = 0; j < CW; j++) t[j] = j < valid ? b[j] : 0.0f;
            floatv b0 = VLOAD(0, t), b1 = VLOAD(0, t + VW);
            for (int i = 0; i < RM; i++) {
                floatv a = (floatv) A[rowOff[i] + k * aCol];
                acc0[i] = fma(a, b0, acc0[i]);
                acc1[i] = fma(a, b1, acc1[i]);
            }
        }
    }

    for (int i = 0; i < RM && m0 + i < M; i++) {
        floatv add = hasBias ? (floatv) bias[m0 + i] : (floatv) 0.0f;
        floatv r0 = acc0[i] + add, r1 = acc1[i] + add;
        global float* c = C + cOff + (m0 + i) * ldc + n0;
        if (n0 + CW <= N) {
            if (accumulate) {
                r0 += VLOAD(0, c);
                r1 += VLOAD(0, c + VW);
            }
            VSTORE(r0, 0, c);
            VSTORE(r1, 0, c + VW);
        } else {
            float t[CW];
            VSTORE(r0, 0, t);
            VSTORE(r1, 0, t + VW);
            for (int j = 0; j < N - n0; j++) c[j] = accumulate ? c[j] + t[j] : t[j];
        }
    }
}
