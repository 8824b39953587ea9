package org.cyclegan.kernels.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device and the limits the kernels are sized from. {@code index} is its place in the {@code devices}
 * listing, which {@code --device opencl:N} selects.
 */
public record DeviceInfo(int index, int platformIndex, String platformName, String platformVersion,
                         cl_platform_id platform, cl_device_id device, String name, String version, Type type,
                         int computeUnits, long globalMemBytes, long maxAllocBytes, long localMemBytes,
                         boolean localMemEmulated, int maxWorkGroupSize, int nativeFloatWidth) {

    /** The device types the backend tells apart. */
    public enum Type { CPU, GPU, ACCELERATOR, OTHER }

    /** The same device described with smaller limits: lets tests on a large device run the tilings meant for small ones. */
    DeviceInfo withLimits(int maxWorkGroup, long localBytes) {
        return new DeviceInfo(index, platformIndex, platformName, platformVersion, platform, device, name, version, type, computeUnits,
                globalMemBytes, maxAllocBytes, Math.min(localMemBytes, localBytes), localMemEmulated, Math.min(maxWorkGroupSize, maxWorkGroup),
                nativeFloatWidth);
    }

    /** GPUs and accelerators are where this backend beats the cpu backend; on CPU devices it does not. */
    public boolean isGpuLike() {
        return type == Type.GPU || type == Type.ACCELERATOR;
    }

    /** "opencl:0  CPU  name, 2 compute units, 7.8 GiB global, 1024 KiB local (emulated), max work-group 4096". */
    public String describe() {
        return String.format("opencl:%d  %-4s %s (%s), %d compute units, %s global (largest buffer %s), %d KiB local%s, max work-group %d",
                index, type, name, version, computeUnits, gib(globalMemBytes), gib(maxAllocBytes), localMemBytes / 1024,
                localMemEmulated ? " (emulated in global memory)" : "", maxWorkGroupSize);
    }

    private static String gib(long bytes) {
        return String.format("%.1f GiB", bytes / (double) (1L << 30));
    }
}
