package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply C = op(A)·op(B) (+ C when accumulating), row-major, with the Vector API.
 *
 * <p>The structure is the classic Goto/BLIS one:
 * <ul>
 *   <li>B is cut into blocks of KC rows × NC columns and packed into panels NR columns wide, laid out so the
 *       micro-kernel reads it sequentially;</li>
 *   <li>A is packed MR rows at a time into a KC × MR panel (column of MR values per k);</li>
 *   <li>the micro-kernel keeps an MR × NR tile of C in 2·MR vector registers and, for each k, broadcasts one value of
 *       A per row and does two fused multiply-adds per row.</li>
 * </ul>
 * Transposed operands are handled by the packing routines, so one kernel serves A·B, A·Bᵀ and Aᵀ·B — the three
 * products a convolution's forward, weight gradient and data gradient need. Threads take separate column blocks of
 * C (or separate row ranges when C has too few columns), so they never write the same element.
 */
final class Gemm {
    static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    static final int L = S.length();
    /** Micro-tile: MR rows × NR columns of C held in registers (12 accumulators at 6 × 2 vectors). */
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = Integer.getInteger("gemm.kc", 256);
    static final int NC = Integer.getInteger("gemm.ncPanels", 16) * NR;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[KC * NC], new float[KC * MR], new float[MR * NR]});

    private Gemm() {}

    /**
     * C[m×n] (+)= op(A)[m×k] · op(B)[k×n]. With {@code ta}, A is stored as k×m (A(i,p) = a[aOff + p·lda + i]),
     * else as m×k (a[aOff + i·lda + p]); likewise B with {@code tb}. C(i,j) = c[cOff + i·ldc + j].
     */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda, boolean ta,
                     float[] b, int bOff, int ldb, boolean tb,
                     float[] c, int cOff, int ldc, boolean accumulate, WorkerPool pool) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        int threads = pool == null ? 1 : pool.threads();
        int nBlocks = (n + NC - 1) / NC;
        int rowPanels = (m + MR - 1) / MR;
        // Enough column blocks: one task per block. Otherwise also split the rows so every thread has work.
        int mChunks = nBlocks >= threads ? 1 : Math.min(rowPanels, (threads + nBlocks - 1) / nBlocks);
        int panelsPerChunk = (rowPanels + mChunks - 1) / mChunks;
        int tasks = nBlocks * mChunks;
        Task task = (t) -> {
            int jb = t / mChunks, mc = t % mChunks;
            int j0 = jb * NC, nc = Math.min(NC, n - j0);
            int i0 = mc * panelsPerChunk * MR, i1 = Math.min(m, i0 + panelsPerChunk * MR);
            if (i0 < i1) block(i0, i1, j0, nc, k, a, aOff, lda, ta, b, bOff, ldb, tb, c, cOff, ldc, accumulate);
        };
        if (tasks == 1 || pool == null) {
            for (int t = 0; t < tasks; t++) task.run(t);
        } else {
            pool.forEach(tasks, task::run);
        }
    }

    @FunctionalInterface
    private interface Task {
        void run(int t);
    }

    /** Rows [i0, i1) × columns [j0, j0 + nc) of C, over the whole k. */
    private static void block(int i0, int i1, int j0, int nc, int k,
                              float[] a, int aOff, int lda, boolean ta,
                              float[] b, int bOff, int ldb, boolean tb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] buf = BUFFERS.get();
        float[] bp = buf[0], ap = buf[1], tile = buf[2];
        int panels = (nc + NR - 1) / NR;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            packB(b, bOff, ldb, tb, p0, kc, j0, nc, bp);
            boolean load = accumulate || p0 > 0;
            for (int i = i0; i < i1; i += MR) {
                int mr = Math.min(MR, i1 - i);
                packA(a, aOff, lda, ta, i, mr, p0, kc, ap);
                for (int jp = 0; jp < panels; jp++) {
                    int nr = Math.min(NR, nc - jp * NR);
                    int co = cOff + i * ldc + j0 + jp * NR;
                    if (mr == MR && nr == NR) {
                        kernel(kc, ap, bp, jp * kc * NR, c, co, ldc, load);
                    } else {
                        // Edge tile: compute the full tile into scratch, then copy its valid part. Keeping a single
                        // store path in the kernel lets the JIT keep every accumulator in a register.
                        kernel(kc, ap, bp, jp * kc * NR, tile, 0, NR, false);
                        for (int r = 0; r < mr; r++) {
                            int row = co + r * ldc;
                            for (int x = 0; x < nr; x++) c[row + x] = load ? c[row + x] + tile[r * NR + x] : tile[r * NR + x];
                        }
                    }
                }
            }
        }
    }

    /** Packs B[p0 .. p0+kc) × [j0 .. j0+nc) into NR-wide panels: panel jp holds, for each k, NR consecutive values. */
    static void packB(float[] b, int bOff, int ldb, boolean tb, int p0, int kc, int j0, int nc, float[] bp) {
        int panels = (nc + NR - 1) / NR;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * kc * NR;
            int jStart = j0 + jp * NR;
            int w = Math.min(NR, nc - jp * NR);
            if (!tb) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + jStart;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, bp, dst, w);
                    for (int x = w; x < NR; x++) bp[dst + x] = 0f;
                }
            } else {
                for (int x = 0; x < w; x++) {
                    int src = bOff + (jStart + x) * ldb + p0;
                    for (int p = 0; p < kc; p++) bp[base + p * NR + x] = b[src + p];
                }
                for (int x = w; x < NR; x++) for (int p = 0; p < kc; p++) bp[base + p * NR + x] = 0f;
            }
        }
    }

    /** Packs rows [i, i+mr) of op(A) over k in [p0, p0+kc) as kc groups of MR values (zero rows beyond mr). */
    static void packA(float[] a, int aOff, int lda, boolean ta, int i, int mr, int p0, int kc, float[] ap) {
        if (!ta) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * lda + p0;
                for (int p = 0; p < kc; p++) ap[p * MR + r] = a[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i;
                for (int r = 0; r < mr; r++) ap[p * MR + r] = a[src + r];
            }
        }
        for (int r = mr; r < MR; r++) for (int p = 0; p < kc; p++) ap[p * MR + r] = 0f;
    }

    /**
     * The MR × NR register tile: C_tile (+)= Ap · Bp over kc, with C_tile(r, x) = c[co + r·ldc + x].
     *
     * <p>Why two copies of the same loop: a vector value that reaches a control-flow join from two places (for
     * example "add the old C only when accumulating") makes the JIT of JDK 17 materialize it as an object, and the
     * kernel then runs about 4× slower. Each copy below has a single, straight store path instead.
     */
    private static void kernel(int kc, float[] ap, float[] bp, int bo, float[] c, int co, int ldc, boolean load) {
        if (load) kernelAccumulate(kc, ap, bp, bo, c, co, ldc);
        else kernelStore(kc, ap, bp, bo, c, co, ldc);
    }

    /** C_tile = Ap · Bp. */
    private static void kernelStore(int kc, float[] ap, float[] bp, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ao = 0;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x = FloatVector.broadcast(S, ap[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    /** C_tile += Ap · Bp. */
    private static void kernelAccumulate(int kc, float[] ap, float[] bp, int bo, float[] c, int co, int ldc) {
        // Start from the current C tile instead of zero: the same loop then needs no extra adds.
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + ldc), c11 = FloatVector.fromArray(S, c, co + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, co + 4 * ldc), c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, co + 5 * ldc), c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        int ao = 0;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x = FloatVector.broadcast(S, ap[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

}
