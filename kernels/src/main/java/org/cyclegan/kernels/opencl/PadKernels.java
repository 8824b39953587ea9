package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.Padding;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/** pad.cl: zero and reflection padding of H and W, and its gradient (a gather: no atomics). */
final class PadKernels {
    private final KernelLauncher launcher;
    private final cl_kernel pad, padBackward;

    /** Builds pad.cl now: a build failure shows when the backend starts. */
    PadKernels(OpenClDevice device) {
        this.launcher = device.launcher;
        Programs.Program p = device.programs.program("pad.cl", "");
        this.pad = p.kernel("pad2d");
        this.padBackward = p.kernel("pad2d_backward");
    }

    void forward(cl_mem x, cl_mem y, int planes, int h, int w, Padding p, Padding.Mode mode) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        launcher.run("pad2d." + mode, 0, pad, new long[] {(long) planes * oh * ow}, null,
                x, y, planes, h, w, oh, ow, p.left(), p.top(), mode == Padding.Mode.REFLECT ? 1 : 0);
    }

    void backward(cl_mem dy, cl_mem dx, int planes, int h, int w, Padding p, Padding.Mode mode) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        launcher.run("pad2d_backward." + mode, 0, padBackward, new long[] {(long) planes * h * w}, null,
                dy, dx, planes, h, w, oh, ow, p.left(), p.top(), mode == Padding.Mode.REFLECT ? 1 : 0);
    }
}
