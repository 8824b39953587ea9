// Element-wise kernels: one work-item per output element. The strided ones index through common.cl's offset4.
//
// Each function must give what the Java enums UnaryOp and BinaryOp define (their apply methods are the reference), so
// the few places where C's library differs from Java's are written out: NaN goes through relu, sign and max as in
// Java (fmax would drop it), and contraction into fused multiply-adds is off so a*b+c rounds as Java rounds it.
#pragma OPENCL FP_CONTRACT OFF

// Codes passed by ElementwiseKernels.java (not enum ordinals, so reordering an enum cannot silently change meaning).
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_ABS 4
#define U_TANH 5
#define U_SIGMOID 6
#define U_RELU 7
#define U_SIGN 8
#define U_STEP 9
#define U_LOG1P 10

#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_MAX 4

inline float unary_op(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: {
            // As UnaryOp.SIGMOID: neither branch overflows.
            if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
            float e = exp(x);
            return e / (1.0f + e);
        }
        case U_RELU: return (x > 0.0f || isnan(x)) ? x : 0.0f;
        case U_SIGN: return isnan(x) ? x : (x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x));
        case U_STEP: return x > 0.0f ? 1.0f : 0.0f;
        case U_LOG1P: return log1p(x);
        default: return NAN;
    }
}

inline float binary_op(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return (isnan(a) || isnan(b)) ? a + b : fmax(a, b);
        default: return NAN;
    }
}

kernel void unary(global const float* x, global float* y, int op, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = unary_op(op, x[i]);
}

kernel void leaky_relu(global const float* x, global float* y, float slope, int n) {
    int i = get_global_id(0);
    if (i < n) {
        float v = x[i];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

kernel void binary_same(global const float* a, global const float* b, global float* y, int op, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = binary_op(op, a[i], b[i]);
}

kernel void binary_scalar(global const float* a, float s, global float* y, int op, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = binary_op(op, a[i], s);
}

// a op b[0]: a one-element tensor stays on the device (reading it on the host would stall the queue).
kernel void binary_scalar_tensor(global const float* a, global const float* b, global float* y, int op, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = binary_op(op, a[i], b[0]);
}

// General broadcasting: out index -> an offset into each input through its (possibly zero) strides.
kernel void binary_strided(global const float* a, global const float* b, global float* y, int op, int n,
                           int4 shape, int4 aStride, int4 bStride) {
    int i = get_global_id(0);
    if (i < n) y[i] = binary_op(op, a[offset4(i, shape, aStride)], b[offset4(i, shape, bStride)]);
}

// broadcastTo: a strided read into a contiguous output.
kernel void gather_strided(global const float* x, global float* y, int n, int4 shape, int4 stride) {
    int i = get_global_id(0);
    if (i < n) y[i] = x[offset4(i, shape, stride)];
}

// concat and slice: `rows` runs of `cols` floats from one row pitch to another.
kernel void copy_rows(global const float* src, int srcOffset, int srcPitch,
                      global float* dst, int dstOffset, int dstPitch, int rows, int cols) {
    int i = get_global_id(0);
    if (i >= rows * cols) return;
    int r = i / cols, c = i - r * cols;
    dst[dstOffset + r * dstPitch + c] = src[srcOffset + r * srcPitch + c];
}
