// Zero and reflection padding of the last two dimensions, and its gradient.
//
// Forward: each output element reads the input element Padding.Mode.source names (or writes 0). Backward is a
// gather, not a scatter: each input element adds the output gradients of the (at most 3 × 3) padded places that read
// it, so no two work-items write the same element and no atomics are needed.
#pragma OPENCL FP_CONTRACT OFF

// Padding.Mode.source: where padded coordinate o reads from, or -1 (zero padding outside the input).
inline int source(int o, int before, int size, int reflect) {
    int i = o - before;
    if (i >= 0 && i < size) return i;
    if (!reflect) return -1;
    return i < 0 ? -i : 2 * (size - 1) - i;
}

// The padded coordinates that read input coordinate i: itself shifted, and for reflection the mirror images on
// either side (padding is smaller than the size, so each side mirrors at most once). All lie inside [0, outSize).
// Returns how many.
inline int readers(int i, int before, int size, int outSize, int reflect, int* o) {
    int n = 0;
    o[n++] = i + before;
    if (reflect) {
        if (i > 0 && before - i >= 0) o[n++] = before - i;                        // source(before - i) = i
        int b = before + 2 * (size - 1) - i;                                      // source(b) = 2(size-1) - (b-before) = i
        if (i < size - 1 && b < outSize) o[n++] = b;
    }
    return n;
}

// x [planes, h, w] -> y [planes, oh, ow]; one work-item per output element.
kernel void pad2d(global const float* x, global float* y, int planes, int h, int w, int oh, int ow,
                  int left, int top, int reflect) {
    int i = get_global_id(0);
    if (i >= planes * oh * ow) return;
    int xo = i % ow, t = i / ow;
    int yo = t % oh, p = t / oh;
    int sy = source(yo, top, h, reflect), sx = source(xo, left, w, reflect);
    y[i] = (sy >= 0 && sx >= 0) ? x[(p * h + sy) * w + sx] : 0.0f;
}

// dy [planes, oh, ow] -> dx [planes, h, w]; one work-item per input element.
kernel void pad2d_backward(global const float* dy, global float* dx, int planes, int h, int w, int oh, int ow,
                           int left, int top, int reflect) {
    int i = get_global_id(0);
    if (i >= planes * h * w) return;
    int ix = i % w, t = i / w;
    int iy = t % h, p = t / h;
    int ys[3], xs[3];
    int ny = readers(iy, top, h, oh, reflect, ys), nx = readers(ix, left, w, ow, reflect, xs);
    float acc = 0.0f;
    for (int a = 0; a < ny; a++)
        for (int b = 0; b < nx; b++) acc += dy[(p * oh + ys[a]) * ow + xs[b]];
    dx[i] = acc;
}
