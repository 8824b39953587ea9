package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_TYPE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_GLOBAL;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_NOT_FOUND_KHR;
import static org.jocl.CL.CL_PLATFORM_VERSION;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds the OpenCL platforms and devices, once per JVM.
 *
 * <p>JOCL loads {@code libOpenCL.so.1} (the ICD loader) when its class initializes. Without a loader that throws an
 * {@link UnsatisfiedLinkError} (and later uses a {@link NoClassDefFoundError}); with a loader but no driver installed,
 * asking for platforms fails with {@code CL_PLATFORM_NOT_FOUND_KHR}. The probe catches every {@link Throwable} here, once,
 * and turns it into a sentence for the user, so the rest of the program only sees "available" or a reason.
 */
public final class OpenClPlatforms {
    /** The devices found, in listing order, or why there are none. */
    public record Probe(List<DeviceInfo> devices, String failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    private static volatile Probe probe;

    private OpenClPlatforms() {}

    /** The result of probing, computed on first use. */
    public static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (OpenClPlatforms.class) {
                if (probe == null) probe = run();
                p = probe;
            }
        }
        return p;
    }

    private static Probe run() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            clGetPlatformIDs(0, null, count);
            if (count[0] == 0) return new Probe(List.of(), noPlatform());
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            List<DeviceInfo> devices = new ArrayList<>();
            for (int p = 0; p < platforms.length; p++) {
                String pname = platformString(platforms[p], CL_PLATFORM_NAME);
                String pversion = platformString(platforms[p], CL_PLATFORM_VERSION);
                for (cl_device_id d : devicesOf(platforms[p])) devices.add(describe(devices.size(), p, pname, pversion, platforms[p], d));
            }
            if (devices.isEmpty()) return new Probe(List.of(), "OpenCL platforms were found but none has a device");
            return new Probe(List.copyOf(devices), null);
        } catch (UnsatisfiedLinkError e) {
            return new Probe(List.of(), "no OpenCL ICD loader (libOpenCL.so.1) could be loaded: install one with an OpenCL driver, "
                    + "e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd (CPU) or your GPU vendor's driver (" + e.getMessage() + ")");
        } catch (CLException e) {
            if (e.getStatus() == CL_PLATFORM_NOT_FOUND_KHR) return new Probe(List.of(), noPlatform());
            return new Probe(List.of(), "OpenCL could not list its devices: " + e.getMessage());
        } catch (Throwable t) {   // NoClassDefFoundError after a failed JOCL initialization, or anything from a driver
            return new Probe(List.of(), "OpenCL could not be initialized: " + t);
        }
    }

    private static String noPlatform() {
        return "no OpenCL platform: the ICD loader found no driver (see /etc/OpenCL/vendors/); "
                + "install one, e.g. apt-get install pocl-opencl-icd (CPU) or your GPU vendor's driver";
    }

    private static List<cl_device_id> devicesOf(cl_platform_id platform) {
        int[] n = new int[1];
        try {
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
        } catch (CLException e) {
            if (e.getStatus() == CL_DEVICE_NOT_FOUND) return List.of();   // a platform with no device is not an error
            throw e;
        }
        cl_device_id[] ids = new cl_device_id[n[0]];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
        return List.of(ids);
    }

    private static DeviceInfo describe(int index, int platformIndex, String pname, String pversion, cl_platform_id platform, cl_device_id d) {
        long type = deviceLong(d, CL_DEVICE_TYPE);
        DeviceInfo.Type t = (type & CL_DEVICE_TYPE_GPU) != 0 ? DeviceInfo.Type.GPU
                : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? DeviceInfo.Type.ACCELERATOR
                : (type & CL_DEVICE_TYPE_CPU) != 0 ? DeviceInfo.Type.CPU : DeviceInfo.Type.OTHER;
        return new DeviceInfo(index, platformIndex, pname, pversion, platform, d, deviceString(d, CL_DEVICE_NAME),
                deviceString(d, CL_DEVICE_VERSION), t, deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), deviceInt(d, CL_DEVICE_LOCAL_MEM_TYPE) == CL_GLOBAL,
                (int) Math.min(Integer.MAX_VALUE, deviceSizeT(d, CL_DEVICE_MAX_WORK_GROUP_SIZE)),
                deviceInt(d, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT));
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static long deviceSizeT(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
