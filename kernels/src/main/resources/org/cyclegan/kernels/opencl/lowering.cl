// Lowering of convolutions to matrix products, for the CPU-device path (LoweredConv.java): the image patches are
// written out as a matrix ("im2col") so that gemm_blocked.cl can run on contiguous rows, and the data gradient's
// matrix is folded back onto the image ("col2im"). The matrices cover one sample and a band of output positions
// [p0, p0 + cols), so their size stays bounded at any image size. One work-item per element written.
//
// The geometry g (int16) is ConvKernels.geometryArgument's, named as in common.cl; these kernels read neither G_COUT
// nor the product sizes after G_PW.

// Work-items write runs of SEG consecutive elements, stepping their indices incrementally: the divisions that turn a
// flat index into (channel, row, column) are paid once per run instead of once per element.
#define SEG 32

// col[kk][j] = the input under tap kk = (ci, kh, kw) at output position p0 + j, or 0 in the zero padding: rows are
// taps, contiguous along positions (B of the forward product). x is one sample. Work-item: one tap, SEG positions.
kernel void im2col(global const float* x, int xOff, global float* col, int16 g, int p0, int cols, int rows) {
    int segs = (cols + SEG - 1) / SEG;
    int i = get_global_id(0);
    if (i >= rows * segs) return;
    int kk = i / segs, j0 = (i - kk * segs) * SEG, j1 = min(cols, j0 + SEG);
    int khw = G_KH * G_KW;
    int ci = kk / khw, r = kk - ci * khw, kh = r / G_KW, kw = r - kh * G_KW;
    int p = p0 + j0, oy = p / G_OW, ox = p - oy * G_OW;
    global const float* xc = x + xOff + ci * G_H * G_W;
    global float* out = col + kk * cols;
    for (int j = j0; j < j1; j++) {
        int iy = oy * G_SH - G_PH + kh, ix = ox * G_SW - G_PW + kw;
        out[j] = (iy >= 0 && iy < G_H && ix >= 0 && ix < G_W) ? xc[iy * G_W + ix] : 0.0f;
        if (++ox == G_OW) { ox = 0; oy++; }
    }
}

// colT[j][kk], the same values transposed: rows are positions, contiguous along taps (B of the weight-gradient
// product). Work-item: one position, SEG taps.
kernel void im2col_t(global const float* x, int xOff, global float* colT, int16 g, int p0, int cols, int rows) {
    int segs = (rows + SEG - 1) / SEG;
    int i = get_global_id(0);
    if (i >= cols * segs) return;
    int j = i / segs, k0 = (i - j * segs) * SEG, k1 = min(rows, k0 + SEG);
    int p = p0 + j, oy = p / G_OW, ox = p - oy * G_OW;
    int khw = G_KH * G_KW;
    int ci = k0 / khw, r = k0 - ci * khw, kh = r / G_KW, kw = r - kh * G_KW;
    global const float* xs = x + xOff;
    global float* out = colT + j * rows;
    for (int kk = k0; kk < k1; kk++) {
        int iy = oy * G_SH - G_PH + kh, ix = ox * G_SW - G_PW + kw;
        out[kk] = (iy >= 0 && iy < G_H && ix >= 0 && ix < G_W) ? xs[(ci * G_H + iy) * G_W + ix] : 0.0f;
        if (++kw == G_KW) { kw = 0; if (++kh == G_KH) { kh = 0; ci++; } }
    }
}

// dx[ci][iy][ix] += Σ over taps (kh, kw) whose output position p = (oy, ox) lies in the band, of col[(ci, kh, kw)][p − p0].
// A gather: each dx element is written by one work-item, so no atomics. Only taps congruent to iy + PH (mod SH) reach
// row iy, so kh starts there and steps by SH (likewise kw): no wasted tests, one modulo per element. dx is one sample,
// zeroed before the first band; a band only reaches input rows [row0, row0 + rows), so only those are visited.
kernel void col2im(global const float* col, global float* dx, int dxOff, int16 g, int p0, int cols, int row0, int rows) {
    int i = get_global_id(0);
    if (i >= G_CIN * rows * G_W) return;
    int ix = i % G_W, t = i / G_W;
    int iy = row0 + t % rows, ci = t / rows;
    float acc = 0.0f;
    for (int kh = (iy + G_PH) % G_SH; kh < G_KH; kh += G_SH) {
        int oy = (iy + G_PH - kh) / G_SH;              // exact: kh is congruent to iy + PH
        if (oy < 0 || oy >= G_OH) continue;
        for (int kw = (ix + G_PW) % G_SW; kw < G_KW; kw += G_SW) {
            int ox = (ix + G_PW - kw) / G_SW;
            if (ox < 0 || ox >= G_OW) continue;
            int j = oy * G_OW + ox - p0;
            if (j >= 0 && j < cols) acc += col[((ci * G_KH + kh) * G_KW + kw) * cols + j];
        }
    }
    dx[dxOff + (ci * G_H + iy) * G_W + ix] += acc;
}

// out[c][r] = in[r · ld + c] for r < rows, c < cols: makes a transposed right-hand side contiguous for gemm_blocked.
kernel void transpose(global const float* in, int ld, global float* out, int rows, int cols) {
    int i = get_global_id(0);
    if (i >= rows * cols) return;
    int c = i / rows, r = i - c * rows;
    out[i] = in[r * ld + c];
}
