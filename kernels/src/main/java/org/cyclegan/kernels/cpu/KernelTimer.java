package org.cyclegan.kernels.cpu;

import java.util.function.Supplier;
import org.cyclegan.engine.backend.ConvGeometry;
import org.cyclegan.engine.backend.KernelProfile;

/**
 * The cpu backend's profiling, in one place: every kernel call (but SGD's, which runs the reference loops) runs through one of these methods, which, while a
 * {@link KernelProfile} is set, add its wall time and flops to the profile. With no profile set they only run the call
 * and do not even build the profile key.
 */
final class KernelTimer {
    private volatile KernelProfile profile;

    /** Starts recording into {@code profile}, or stops when it is null. */
    void setProfile(KernelProfile profile) {
        this.profile = profile;
    }

    /**
     * Runs one kernel call, profiled under {@code kernel + variant} ("unary." and TANH give "unary.TANH"), or under
     * {@code kernel} alone when the variant is null.
     */
    <T> T time(String kernel, Object variant, double flops, Supplier<T> call) {
        KernelProfile p = profile;
        return p == null ? call.get() : timed(p, variant == null ? kernel : kernel + variant, flops, call);
    }

    /** Runs one kernel call, profiled under {@code kernel}. */
    <T> T time(String kernel, double flops, Supplier<T> call) {
        return time(kernel, null, flops, call);
    }

    /** Runs one pass of a convolution, profiled under the pass and the geometry's profile key, with its flops. */
    <T> T timeConv(String pass, ConvGeometry g, Supplier<T> call) {
        KernelProfile p = profile;
        return p == null ? call.get() : timed(p, pass + " " + g.profileKey(), g.flops(), call);
    }

    /** Runs a kernel that works in place, profiled under {@code kernel}. */
    void timeInPlace(String kernel, double flops, Runnable call) {
        time(kernel, flops, () -> {
            call.run();
            return null;
        });
    }

    private static <T> T timed(KernelProfile p, String key, double flops, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            p.add(key, System.nanoTime() - start, flops);
        }
    }
}
