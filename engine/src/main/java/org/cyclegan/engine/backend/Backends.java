package org.cyclegan.engine.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.cyclegan.engine.reference.ReferenceBackend;

/**
 * Finds backends and picks one. The reference backend is always there; others come from {@link ServiceLoader}.
 * The chosen backend becomes the default used by {@code Tensor.zeros(...)} and friends.
 */
public final class Backends {
    private static volatile Backend defaultBackend = new ReferenceBackend();

    private Backends() {}

    /** The backend new tensors are created on. */
    public static Backend getDefault() {
        return defaultBackend;
    }

    public static void setDefault(Backend backend) {
        if (backend == null) throw new IllegalArgumentException("default backend must not be null");
        defaultBackend = backend;
    }

    /** Every provider on the class path, the reference backend included, most preferred first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        all.add(ReferenceBackend.PROVIDER);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) all.add(p);
        all.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return all;
    }

    /**
     * The providers {@code auto} tries, most preferred first: those available and not passed over by preference (see
     * {@link BackendProvider#autoSkipReason}). Unavailable ones are reported through {@code log}.
     */
    public static List<BackendProvider> autoCandidates(Consumer<String> log) {
        return autoCandidates(providers(), log);
    }

    static List<BackendProvider> autoCandidates(List<BackendProvider> providers, Consumer<String> log) {
        List<BackendProvider> out = new ArrayList<>();
        for (BackendProvider p : providers) {
            String reason = p.unavailableReason();
            if (reason != null) {
                log.accept("backend '" + p.name() + "' unavailable, falling back: " + reason);
            } else if (p.autoSkipReason() == null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Creates the backend named by {@code device}: a provider's name, optionally with {@code :argument} (a device index,
     * as {@code opencl:1}), or {@code auto} for the most preferred available one. Every backend {@code auto} falls
     * back from — unavailable, or failing to start — is reported through {@code log} with its reason, so a fallback is
     * never silent; a backend passed over by preference (an OpenCL CPU device where the cpu backend is faster) is not
     * a fallback and is not reported. An explicitly named backend that is unavailable or fails is an error naming the
     * reason.
     */
    public static Backend select(String device, Consumer<String> log) {
        return select(device, providers(), log);
    }

    /** {@link #select(String, Consumer)} among the given providers, most preferred first (tests use their own). */
    public static Backend select(String device, List<BackendProvider> providers, Consumer<String> log) {
        if ("auto".equals(device)) {
            for (BackendProvider p : autoCandidates(providers, log)) {
                try {
                    return p.create();
                } catch (RuntimeException e) {
                    log.accept("backend '" + p.name() + "' failed to start, falling back: " + e.getMessage());
                }
            }
            throw new IllegalStateException("no backend available");
        }
        int colon = device.indexOf(':');
        String name = colon < 0 ? device : device.substring(0, colon);
        String argument = colon < 0 ? null : device.substring(colon + 1);
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers) {
            names.add(p.name());
            if (p.name().equals(name)) {
                String reason = p.unavailableReason();
                if (reason != null) throw new IllegalArgumentException("--device " + device + " is unavailable: " + reason);
                try {
                    return argument == null ? p.create() : p.create(argument);
                } catch (BackendException e) {
                    throw new BackendException("--device " + device + " failed to start: " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException("--device: unknown backend '" + device + "'; known: auto, " + String.join(", ", names));
    }
}
