// Helpers several kernel sources share. Programs.java puts this file in front of every program's source when it builds
// it (OpenCL C cannot include the jar's resources), so each source uses them as if they were written at its top.

// Offset of linear index i of a row-major 4-D iteration space `shape` in a tensor read with `stride` (0 along
// broadcast dimensions). Host code merges dimensions first (Layout4.java), so 4 covers every tensor CycleGAN has.
// Used by elementwise.cl and reduce.cl.
inline int offset4(int i, int4 shape, int4 stride) {
    int i3 = i % shape.w; i /= shape.w;
    int i2 = i % shape.z; i /= shape.z;
    int i1 = i % shape.y;
    int i0 = i / shape.y;
    return i0 * stride.x + i1 * stride.y + i2 * stride.z + i3 * stride.w;
}

#ifdef WG
// Adds up `value` over a work-group of WG work-items (a power of two, fixed when the program is built) as a tree in
// `scratch`, WG floats of local memory; every work-item gets the total. Used by reduce.cl and norm.cl.
inline float work_group_total(float value, local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int width = WG / 2; width > 0; width >>= 1) {
        if (lid < width) scratch[lid] += scratch[lid + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);   // scratch may be reused right after
    return total;
}
#endif

// A convolution's geometry, one int16 `g` as ConvKernels.geometryArgument packs it (implicit_gemm.cl, lowering.cl):
// the input Cin × H × W, Cout filters of KH × KW, the output OH × OW, strides and paddings, then the sizes of the
// matrix product a kernel computes and the length of one chunk of its reduction (implicit_gemm.cl only).
#define G_CIN g.s0
#define G_H g.s1
#define G_W g.s2
#define G_COUT g.s3
#define G_KH g.s4
#define G_KW g.s5
#define G_OH g.s6
#define G_OW g.s7
#define G_SH g.s8
#define G_SW g.s9
#define G_PH g.sa
#define G_PW g.sb
#define G_M g.sc
#define G_N g.sd
#define G_K g.se
#define G_KCHUNK g.sf
