package org.cyclegan.kernels.opencl;

import org.cyclegan.engine.backend.Padding;
import org.jocl.cl_mem;

/** pad.cl: zero and reflection padding of H and W, and its gradient (a gather: no atomics). */
final class PadKernels {
    private static final String SRC = "pad.cl";
    private final OpenClRuntime rt;

    PadKernels(OpenClRuntime rt) {
        this.rt = rt;
        rt.kernel(SRC, "", "pad2d");   // build now: a build failure shows when the backend starts
    }

    void forward(cl_mem x, cl_mem y, int planes, int h, int w, Padding p, Padding.Mode mode) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        rt.launcher.run("pad2d." + mode, 0, rt.kernel(SRC, "", "pad2d"), new long[] {(long) planes * oh * ow}, null,
                x, y, planes, h, w, oh, ow, p.left(), p.top(), mode == Padding.Mode.REFLECT ? 1 : 0);
    }

    void backward(cl_mem dy, cl_mem dx, int planes, int h, int w, Padding p, Padding.Mode mode) {
        int oh = h + p.top() + p.bottom(), ow = w + p.left() + p.right();
        rt.launcher.run("pad2d_backward." + mode, 0, rt.kernel(SRC, "", "pad2d_backward"), new long[] {(long) planes * h * w}, null,
                dy, dx, planes, h, w, oh, ow, p.left(), p.top(), mode == Padding.Mode.REFLECT ? 1 : 0);
    }
}
