package org.cyclegan.kernels.opencl;

import org.jocl.cl_mem;

/** optim.cl: fused Adam and SGD steps, in place on the device. */
final class OptimizerKernels {
    private static final String SRC = "optim.cl";
    private final OpenClRuntime rt;

    OptimizerKernels(OpenClRuntime rt) {
        this.rt = rt;
        rt.kernel(SRC, "", "adam");   // build now: a build failure shows when the backend starts
    }

    void adam(cl_mem p, cl_mem g, cl_mem m, cl_mem v, int n, float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt) {
        rt.launcher.run("adam", 10.0 * n, rt.kernel(SRC, "", "adam"), new long[] {n}, null,
                p, g, m, v, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, n);
    }

    void sgd(cl_mem p, cl_mem g, cl_mem buf, int n, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        rt.launcher.run("sgd", 4.0 * n, rt.kernel(SRC, "", "sgd"), new long[] {n}, null,
                p, g, buf, buf == null ? 0 : 1, lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0, n);
    }
}
