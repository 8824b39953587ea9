package org.cyclegan.kernels.opencl;

import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** optim.cl: fused Adam and SGD steps, in place on the device. */
final class OptimizerKernels {
    private final KernelLauncher launcher;
    private final cl_kernel adam, sgd;

    /** Builds optim.cl now: a build failure shows when the backend starts. */
    OptimizerKernels(OpenClDevice device) {
        this.launcher = device.launcher;
        Programs.Program p = device.programs.program("optim.cl", "");
        this.adam = p.kernel("adam");
        this.sgd = p.kernel("sgd");
    }

    void adam(cl_mem p, cl_mem g, cl_mem m, cl_mem v, int n, float beta1, float beta2, float eps, float weightDecay, float stepSize, float bc2Sqrt) {
        launcher.run("adam", 10.0 * n, adam, new long[] {n}, null,
                p, g, m, v, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt, n);
    }

    void sgd(cl_mem p, cl_mem g, cl_mem buf, int n, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        launcher.run("sgd", 4.0 * n, sgd, new long[] {n}, null,
                p, g, buf, buf == null ? 0 : 1, lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0, n);
    }
}
