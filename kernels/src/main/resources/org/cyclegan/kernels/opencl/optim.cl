// Optimizer steps, fused: one work-item reads a parameter's value, gradient and state once and writes them back, so
// parameters and moments never leave the device. The arithmetic is Backend.adamUpdate / sgdUpdate's, in the same
// order (PyTorch's), with no contraction into fused multiply-adds, so it rounds as the Java backends do.
#pragma OPENCL FP_CONTRACT OFF

kernel void adam(global float* p, global const float* grad, global float* m, global float* v,
                 float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = weightDecay != 0.0f ? grad[i] + weightDecay * p[i] : grad[i];
    float mi = m[i] * beta1 + g * (1.0f - beta1);
    float vi = v[i] * beta2 + (1.0f - beta2) * g * g;
    float denom = sqrt(vi) / bc2Sqrt + eps;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] + (-stepSize) * (mi / denom);
}

// buf is unused (may be null) when hasBuf is 0.
kernel void sgd(global float* p, global const float* grad, global float* buf, int hasBuf, float lr, float momentum,
                float dampening, float weightDecay, int nesterov, int firstStep, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float g = weightDecay != 0.0f ? grad[i] + weightDecay * p[i] : grad[i];
    if (hasBuf) {
        float b = firstStep ? g : buf[i] * momentum + (1.0f - dampening) * g;
        buf[i] = b;
        g = nesterov ? g + momentum * b : b;
    }
    p[i] = p[i] - lr * g;
}
