package org.cyclegan.kernels.opencl;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendException;
import org.cyclegan.engine.backend.BackendProvider;

/**
 * Registers the opencl backend. It is preferred over cpu by {@code auto} only when a GPU (or accelerator) is present:
 * on a CPU device (PoCL) the cpu backend is faster, so {@code auto} passes over it there, while {@code --device opencl}
 * still uses it. {@code --device opencl:N} picks device N of the {@code devices} listing; plain {@code opencl} the first
 * GPU, else the first device.
 */
public final class OpenClBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public String unavailableReason() {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        return p.ok() ? null : p.failure();
    }

    @Override
    public String autoSkipReason() {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        if (!p.ok() || p.devices().stream().anyMatch(DeviceInfo::isGpuLike)) return null;
        List<String> names = new ArrayList<>();
        for (DeviceInfo d : p.devices()) names.add(d.name());
        return "its only OpenCL devices are CPUs (" + String.join(", ", names) + "), where the cpu backend is faster";
    }

    /** The first GPU or accelerator, else the first device. */
    static DeviceInfo defaultDevice() {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        if (!p.ok()) throw new BackendException(p.failure());
        for (DeviceInfo d : p.devices()) if (d.isGpuLike()) return d;
        return p.devices().get(0);
    }

    @Override
    public Backend create() {
        return open(defaultDevice());
    }

    @Override
    public Backend create(String argument) {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        if (!p.ok()) throw new BackendException(p.failure());
        int n;
        try {
            n = Integer.parseInt(argument.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device opencl:N needs a device number, got '" + argument + "'");
        }
        if (n < 0 || n >= p.devices().size()) {
            throw new IllegalArgumentException("--device opencl:" + n + ": there " + (p.devices().size() == 1 ? "is 1 OpenCL device (opencl:0)"
                    : "are " + p.devices().size() + " OpenCL devices (opencl:0 to opencl:" + (p.devices().size() - 1) + ")") + "; see the devices command");
        }
        return open(p.devices().get(n));
    }

    private static Backend open(DeviceInfo d) {
        try {
            return new OpenClBackend(d);
        } catch (RuntimeException e) {
            throw OpenClBackend.startFailure(d, e);
        }
    }

    @Override
    public List<String> devices() {
        OpenClPlatforms.Probe p = OpenClPlatforms.probe();
        if (!p.ok()) return List.of(p.failure());
        List<String> lines = new ArrayList<>();
        int platform = -1;
        for (DeviceInfo d : p.devices()) {
            if (d.platformIndex() != platform) {
                platform = d.platformIndex();
                lines.add("platform " + platform + ": " + d.platformName() + " (" + d.platformVersion() + ")");
            }
            lines.add("  " + d.describe());
        }
        return lines;
    }
}
