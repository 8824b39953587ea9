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
 *   <li>A is packed once per product into panels of MR rows (for each k, MR consecutive values), shared by all
 *       threads;</li>
 *   <li>the micro-kernel keeps an MR × NR tile of C in 2·MR vector registers and, for each k, broadcasts one value of
 *       A per row and does two fused multiply-adds per row.</li>
 * </ul>
 * Transposed operands are handled by the packing routines, so one kernel serves A·B, A·Bᵀ and Aᵀ·B — the three
 * products a convolution's forward, weight gradient and data gradient need. Threads take separate column blocks of
 * C (or separate row ranges when C has too few columns, or, when C is small and k long, separate shares of k summed
 * into separate copies of C), so they never write the same element.
 */
final class Gemm {
    static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    static final int L = S.length();
    /** Micro-tile: MR rows × NR columns of C held in registers: 6 × 2 vectors with 16 registers, 8 × 2 with 32. */
    static final int MR = L >= 16 ? 8 : 6;
    static final int NR = 2 * L;
    /** Depth of a packed block (system property gemm.kc, for tuning experiments). */
    static final int KC = positive("gemm.kc", 256);
    /** Width of a packed block of B: 16 panels (system property gemm.ncPanels, for tuning experiments). */
    static final int NC = positive("gemm.ncPanels", 16) * NR;

    /** Per thread: a packed block of B and a scratch tile for edges. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[KC * NC], new float[MR * NR]});
    /** Per calling thread: all of op(A), packed once per product and read by every worker. */
    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[0]);
    /** Per calling thread: all of B, packed once when several row chunks would each pack the same blocks. */
    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * Largest B packed whole for {@link #PACKED_B}, in floats (2 MB); a larger one is packed by each row chunk. The
     * buffer stays with the thread, so the budget is memory kept: 2 MB takes the small products of PatchGAN's deeper
     * layers (256←128, 4×4, stride 2 on 32×32 at 128 px: exactly 2 MB of B); 16 MB would also take the 128 px
     * generator's first-layer weight gradient (10.5 MB of B; measured 41 → 30 ms an iteration) for 10.5 MB more
     * resident memory.
     */
    static final int PACKED_B_BUDGET = 1 << 19;

    private Gemm() {}

    private static int positive(String property, int defaultValue) {
        int v = Integer.getInteger(property, defaultValue);
        if (v < 1) throw new IllegalArgumentException("system property " + property + " must be at least 1, got " + v);
        return v;
    }

    /**
     * C[m×n] (+)= op(A)[m×k] · op(B)[k×n]. With {@code ta}, A is stored as k×m (A(i,p) = a[aOff + p·lda + i]),
     * else as m×k (a[aOff + i·lda + p]); likewise B with {@code tb}. C(i,j) = c[cOff + i·ldc + j].
     */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda, boolean ta,
                     float[] b, int bOff, int ldb, boolean tb,
                     float[] c, int cOff, int ldc, boolean accumulate, WorkerPool pool) {
        gemm(m, n, k, a, aOff, lda, ta, (p0, kc, j0, nc, bp) -> packB(b, bOff, ldb, tb, p0, kc, j0, nc, bp),
                c, cOff, ldc, accumulate, pool);
    }

    /**
     * Writes the block B[p0 .. p0+kc) × [j0 .. j0+nc) in packed panel layout (see {@link #packB}). A convolution
     * supplies one that reads its input image directly, so the im2col matrix is never materialized.
     */
    @FunctionalInterface
    interface BPacker {
        void pack(int p0, int kc, int j0, int nc, float[] bp);
    }

    /**
     * B [k × n] stored already packed, as {@link #packB} would deliver it for every block: the block of rows
     * [p0, p0 + KC) at {@code off + p0·width}, in it the NR-wide panels one after another (panel jp at jp·kc·NR,
     * kc = its number of rows), where {@code width} is n rounded up to NR and the padding columns are zero. The products
     * read it where it is, with no copy: for a B used by many products (transformed weights).
     */
    record PackedB(float[] b, int off, int width) implements BPacker {
        /** Offset of the block of rows from p0 (kc of them), columns from j0 (a multiple of NR). */
        int at(int p0, int kc, int j0) {
            return off + p0 * width + j0 / NR * kc * NR;
        }

        @Override
        public void pack(int p0, int kc, int j0, int nc, float[] bp) {
            System.arraycopy(b, at(p0, kc, j0), bp, 0, (nc + NR - 1) / NR * kc * NR);
        }
    }

    /** C (+)= op(A) · B where B is delivered block by block by {@code packer}; called from several threads at once. */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda, boolean ta, BPacker packer,
                     float[] c, int cOff, int ldc, boolean accumulate, WorkerPool pool) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        int threads = pool == null ? 1 : pool.threads();
        // Column blocks of at most NC columns, as many as a multiple of the thread count so no thread idles at the end.
        int nPanels = (n + NR - 1) / NR;
        int nBlocks = (nPanels + NC / NR - 1) / (NC / NR);
        if (nBlocks > threads && nBlocks % threads != 0) nBlocks = Math.min(nPanels, (nBlocks + threads - 1) / threads * threads);
        int blockWidth = (nPanels + nBlocks - 1) / nBlocks * NR;
        nBlocks = (n + blockWidth - 1) / blockWidth;
        int rowPanels = (m + MR - 1) / MR;
        // Fewer column blocks than threads: also split the rows so every thread has work.
        int mChunks = nBlocks >= threads ? 1 : Math.min(rowPanels, (threads + nBlocks - 1) / nBlocks);
        int panelsPerChunk = (rowPanels + mChunks - 1) / mChunks;
        int tasks = nBlocks * mChunks;

        // Pack all of A once (every column block uses all of it): row panel rp holds, for each k, MR values.
        float[] ap = PACKED_A.get();
        if (ap.length < rowPanels * MR * k) {
            ap = new float[rowPanels * MR * k];
            PACKED_A.set(ap);
        }
        float[] packedA = ap;
        Task pack = rp -> packA(a, aOff, lda, ta, rp * MR, Math.min(MR, m - rp * MR), 0, k, packedA, rp * MR * k);
        run(pool, rowPanels, pack);

        int width = nPanels * NR;
        // Few rows and columns over a long k (a first layer's weight gradient: 64 × 147 over 65,536 positions at
        // 256 px): row chunks would each pack all of a B too large to pack once, so split k instead, each share summed
        // into its own copy of C, the copies added at the end.
        if (mChunks > 1 && !(packer instanceof PackedB) && (long) k * width > PACKED_B_BUDGET && (long) m * n <= SPLIT_K_BUDGET) {
            splitK(m, n, k, packedA, packer, c, cOff, ldc, accumulate, blockWidth, nBlocks, threads, pool);
            return;
        }
        // Rows split into chunks (few columns): every chunk would pack the same blocks of B, so pack B once, block by
        // block in parallel, and let the chunks read it in place.
        if (mChunks > 1 && !(packer instanceof PackedB) && (long) k * width <= PACKED_B_BUDGET) {
            float[] bp = PACKED_B.get();
            if (bp.length < k * width) {
                bp = new float[k * width];
                PACKED_B.set(bp);
            }
            PackedB whole = new PackedB(bp, 0, width);
            BPacker source = packer;
            int blocks = nBlocks, kBlocks = (k + KC - 1) / KC;
            run(pool, kBlocks * blocks, kj -> {
                int p0 = kj / blocks * KC, kc = Math.min(KC, k - p0), j0 = kj % blocks * blockWidth, nc = Math.min(blockWidth, n - j0);
                float[] scratch = BUFFERS.get()[0];
                source.pack(p0, kc, j0, nc, scratch);
                System.arraycopy(scratch, 0, whole.b(), whole.at(p0, kc, j0), (nc + NR - 1) / NR * kc * NR);
            });
            packer = whole;
        }

        BPacker b = packer;
        Task task = (t) -> {
            int jb = t / mChunks, mc = t % mChunks;
            int j0 = jb * blockWidth, nc = Math.min(blockWidth, n - j0);
            int i0 = mc * panelsPerChunk * MR, i1 = Math.min(m, i0 + panelsPerChunk * MR);
            if (i0 < i1) block(i0, i1, j0, nc, 0, k, k, packedA, b, c, cOff, ldc, accumulate);
        };
        run(pool, tasks, task);
    }

    /** Largest C that {@link #splitK} copies for each share of k but the first, in floats (256 KB). */
    static final int SPLIT_K_BUDGET = 1 << 16;

    /** Per calling thread: the copies of C for the shares of k after the first. */
    private static final ThreadLocal<float[]> PARTIAL_C = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * C (+)= A · B over k cut into one share per thread (whole KC blocks each): the first share sums into C itself,
     * the others into copies of C (m × n, dense), added into C at the end.
     */
    private static void splitK(int m, int n, int k, float[] packedA, BPacker packer, float[] c, int cOff, int ldc,
                               boolean accumulate, int blockWidth, int nBlocks, int threads, WorkerPool pool) {
        int kBlocks = (k + KC - 1) / KC, blocksPerShare = (kBlocks + threads - 1) / threads;
        int shares = (kBlocks + blocksPerShare - 1) / blocksPerShare, perShare = blocksPerShare * KC;   // none empty
        float[] partial = PARTIAL_C.get();
        if (partial.length < (shares - 1) * m * n) {
            partial = new float[(shares - 1) * m * n];
            PARTIAL_C.set(partial);
        }
        float[] copies = partial;
        run(pool, shares, t -> {
            int k0 = t * perShare, k1 = Math.min(k, k0 + perShare);
            for (int jb = 0; jb < nBlocks; jb++) {
                int j0 = jb * blockWidth, nc = Math.min(blockWidth, n - j0);
                if (t == 0) block(0, m, j0, nc, k0, k1, k, packedA, packer, c, cOff, ldc, accumulate);
                else block(0, m, j0, nc, k0, k1, k, packedA, packer, copies, (t - 1) * m * n, n, false);
            }
        });
        for (int t = 1; t < shares; t++) {
            int at = (t - 1) * m * n;
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc, from = at + i * n, j = 0;
                for (; j <= n - L; j += L) {
                    FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, copies, from + j)).intoArray(c, row + j);
                }
                for (; j < n; j++) c[row + j] += copies[from + j];
            }
        }
    }

    private static void run(WorkerPool pool, int tasks, Task task) {
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

    /**
     * Rows [i0, i1) × columns [j0, j0 + nc) of C, over k in [k0, k1) (k0 a multiple of KC) of the whole depth k that A
     * was packed with.
     */
    private static void block(int i0, int i1, int j0, int nc, int k0, int k1, int k, float[] ap, BPacker packer,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] buf = BUFFERS.get();
        float[] bp = buf[0], tile = buf[1];
        int panels = (nc + NR - 1) / NR;
        for (int p0 = k0; p0 < k1; p0 += KC) {
            int kc = Math.min(KC, k1 - p0);
            float[] src = bp;
            int srcOff = 0;
            if (packer instanceof PackedB packed) {
                src = packed.b();
                srcOff = packed.at(p0, kc, j0);
            } else {
                packer.pack(p0, kc, j0, nc, bp);
            }
            boolean load = accumulate || p0 > k0;
            for (int i = i0; i < i1; i += MR) {
                int mr = Math.min(MR, i1 - i);
                int ao = (i / MR) * MR * k + p0 * MR;
                for (int jp = 0; jp < panels; jp++) {
                    int nr = Math.min(NR, nc - jp * NR);
                    int co = cOff + i * ldc + j0 + jp * NR;
                    if (mr == MR && nr == NR) {
                        kernel(kc, ap, ao, src, srcOff + jp * kc * NR, c, co, ldc, load);
                    } else {
                        // Edge tile: compute the full tile into scratch, then copy its valid part. Keeping a single
                        // store path in the kernel lets the JIT keep every accumulator in a register.
                        kernel(kc, ap, ao, src, srcOff + jp * kc * NR, tile, 0, NR, false);
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

    /**
     * Packs rows [i, i+mr) of op(A) over k in [p0, p0+kc) into ap[at ..] as kc groups of MR values (zero rows beyond
     * mr).
     */
    static void packA(float[] a, int aOff, int lda, boolean ta, int i, int mr, int p0, int kc, float[] ap, int at) {
        if (!ta) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * lda + p0;
                for (int p = 0; p < kc; p++) ap[at + p * MR + r] = a[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i;
                System.arraycopy(a, src, ap, at + p * MR, mr);
            }
        }
        for (int r = mr; r < MR; r++) for (int p = 0; p < kc; p++) ap[at + p * MR + r] = 0f;
    }

    /**
     * The MR × NR register tile: C_tile (+)= Ap · Bp over kc, with C_tile(r, x) = c[co + r·ldc + x].
     *
     * <p>Why two copies of the same loop: a vector value that reaches a control-flow join from two places (for
     * example "add the old C only when accumulating") makes the JIT of JDK 17 materialize it as an object, and the
     * kernel then runs about 4× slower. Each copy below has a single, straight store path instead.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean load) {
        if (MR == 8) {
            if (load) kernelAccumulate8(kc, ap, ao, bp, bo, c, co, ldc);
            else kernelStore8(kc, ap, ao, bp, bo, c, co, ldc);
        } else {
            if (load) kernelAccumulate6(kc, ap, ao, bp, bo, c, co, ldc);
            else kernelStore6(kc, ap, ao, bp, bo, c, co, ldc);
        }
    }

    // The kernels below are generated (one line per row of the tile) so that every accumulator is a named local.
    // 6 rows × 2 vectors = 12 accumulators suit 16 vector registers (AVX2); 8 rows = 16 suit 32 (AVX-512).

    private static void kernelStore6(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ao += 6, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ao + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void kernelAccumulate6(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co + 0 * ldc), c01 = FloatVector.fromArray(S, c, co + 0 * ldc + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + 1 * ldc), c11 = FloatVector.fromArray(S, c, co + 1 * ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, co + 4 * ldc), c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, co + 5 * ldc), c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        for (int p = 0; p < kc; p++, ao += 6, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ao + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void kernelStore8(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ao + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + L);
    }

    private static void kernelAccumulate8(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co + 0 * ldc), c01 = FloatVector.fromArray(S, c, co + 0 * ldc + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + 1 * ldc), c11 = FloatVector.fromArray(S, c, co + 1 * ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, co + 4 * ldc), c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, co + 5 * ldc), c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(S, c, co + 6 * ldc), c61 = FloatVector.fromArray(S, c, co + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(S, c, co + 7 * ldc), c71 = FloatVector.fromArray(S, c, co + 7 * ldc + L);
        for (int p = 0; p < kc; p++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector x0 = FloatVector.broadcast(S, ap[ao + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + L);
    }


}
