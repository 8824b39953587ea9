// Sums over any set of axes, with work-group reductions.
//
// The host splits the input's dimensions into kept ones (one output each) and reduced ones, merges neighbours, and
// passes each group as a 4-D shape with strides. One work-group adds up one output's reduced elements, or one chunk of
// them when there are few outputs and many elements (a whole-tensor sum): the chunks' partial sums are then added by
// a second launch of the same kernel. Each work-item adds a strided share in a register, then the work-group adds the
// work-items' sums as a tree in local memory (common.cl's work_group_total). WG (a power of two) is fixed when the
// program is built. Shapes and strides are read through common.cl's offset4.

// out[o * chunks + c] = sum of chunk c of output o's reduced elements. Launch: global (outputs * WG, chunks), local (WG, 1).
__attribute__((reqd_work_group_size(WG, 1, 1)))
kernel void reduce_sum(global const float* x, global float* out,
                       int4 keptShape, int4 keptStride, int4 redShape, int4 redStride, int count, int chunks) {
    local float scratch[WG];
    int o = get_group_id(0), c = get_group_id(1), lid = get_local_id(0);
    int base = offset4(o, keptShape, keptStride);
    int per = (count + chunks - 1) / chunks;
    int begin = c * per, end = min(count, begin + per);
    float acc = 0.0f;
    for (int r = begin + lid; r < end; r += WG) acc += x[base + offset4(r, redShape, redStride)];
    float total = work_group_total(acc, scratch);
    if (lid == 0) out[o * chunks + c] = total;
}

// out[i] = sum over s of parts[s * count + i]: the split-K partial products of the weight gradient, in a fixed order.
kernel void sum_parts(global const float* parts, global float* out, int splits, int count) {
    int i = get_global_id(0);
    if (i >= count) return;
    float acc = 0.0f;
    for (int s = 0; s < splits; s++) acc += parts[s * count + i];
    out[i] = acc;
}
