// Instance and batch normalization, forward and backward, on x [N, C, H, W].
//
// A normalization group is one (n, c) plane for instance norm, or channel c's plane in every sample for batch norm.
// Statistics need a sum over the group: one work-group per group adds its elements (each work-item a strided share,
// then a tree in local memory). Applying them is element-wise and runs on one work-item per element, so the large
// part of the work spreads over the whole device whatever the number of groups. WG (a power of two) is fixed at build;
// the tree is common.cl's work_group_total.
#pragma OPENCL FP_CONTRACT OFF

// Start of the q-th plane of group g (planes are contiguous runs of `plane` elements).
inline int plane_start(int g, int q, int plane, int channels, int perInstance) {
    return perInstance ? g * plane : (q * channels + g) * plane;
}

// The group of (n, c) plane p.
inline int group_of(int p, int channels, int perInstance) {
    return perInstance ? p : p % channels;
}

// Mean, biased variance (two passes: the mean first, then squared deviations, which stays accurate when the mean is
// large) and 1/sqrt(var + eps) of each group. Launch: global (groups * WG), local (WG).
__attribute__((reqd_work_group_size(WG, 1, 1)))
kernel void norm_stats(global const float* x, global float* mean, global float* var, global float* invStd,
                       int plane, int planesPerGroup, int channels, int perInstance, float eps) {
    local float scratch[WG];
    int g = get_group_id(0), lid = get_local_id(0);
    int m = plane * planesPerGroup;
    float s = 0.0f;
    for (int q = 0; q < planesPerGroup; q++) {
        global const float* xp = x + plane_start(g, q, plane, channels, perInstance);
        for (int e = lid; e < plane; e += WG) s += xp[e];
    }
    float mu = work_group_total(s, scratch) / m;
    float d2 = 0.0f;
    for (int q = 0; q < planesPerGroup; q++) {
        global const float* xp = x + plane_start(g, q, plane, channels, perInstance);
        for (int e = lid; e < plane; e += WG) {
            float d = xp[e] - mu;
            d2 += d * d;
        }
    }
    float v = work_group_total(d2, scratch) / m;
    if (lid == 0) {
        mean[g] = mu;
        var[g] = v;
        invStd[g] = 1.0f / sqrt(v + eps);
    }
}

// xhat = (x - mean) * invStd. Launch: global (plane, N·C), one work-item per element; the plane index comes from the
// second dimension, so no work-item divides (CPU devices then vectorize along the first).
kernel void norm_apply(global const float* x, global float* y, global const float* mean, global const float* invStd,
                       int plane, int channels, int perInstance) {
    int e = get_global_id(0), p = get_global_id(1);
    int g = group_of(p, channels, perInstance), i = p * plane + e;
    y[i] = (x[i] - mean[g]) * invStd[g];
}

// Per group: mean(dy) and mean(dy * xhat), the two terms the gradient subtracts. sums[2g], sums[2g + 1].
__attribute__((reqd_work_group_size(WG, 1, 1)))
kernel void norm_backward_stats(global const float* dy, global const float* xhat, global float* sums,
                                int plane, int planesPerGroup, int channels, int perInstance) {
    local float scratch[WG];
    int g = get_group_id(0), lid = get_local_id(0);
    int m = plane * planesPerGroup;
    float sg = 0.0f, sgx = 0.0f;
    for (int q = 0; q < planesPerGroup; q++) {
        int o = plane_start(g, q, plane, channels, perInstance);
        for (int e = lid; e < plane; e += WG) {
            sg += dy[o + e];
            sgx += dy[o + e] * xhat[o + e];
        }
    }
    float meanG = work_group_total(sg, scratch) / m;
    float meanGX = work_group_total(sgx, scratch) / m;
    if (lid == 0) {
        sums[2 * g] = meanG;
        sums[2 * g + 1] = meanGX;
    }
}

// dx = invStd * (dy - mean(dy) - xhat * mean(dy * xhat)). Launch: global (plane, N·C), as norm_apply.
kernel void norm_backward_apply(global const float* dy, global const float* xhat, global const float* invStd,
                                global const float* sums, global float* dx, int plane, int channels, int perInstance) {
    int e = get_global_id(0), p = get_global_id(1);
    int g = group_of(p, channels, perInstance), i = p * plane + e;
    dx[i] = invStd[g] * (dy[i] - sums[2 * g] - xhat[i] * sums[2 * g + 1]);
}
