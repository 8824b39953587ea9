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
     * Creates the backend named by {@code device}: a provider's name, or {@code auto} for the most preferred available
     * one. Every backend passed over by {@code auto} is reported through {@code log} with its reason, so a fallback is
     * never silent. An explicitly named backend that is unavailable is an error naming the reason.
     */
    public static Backend select(String device, Consumer<String> log) {
        List<BackendProvider> providers = providers();
        if ("auto".equals(device)) {
            for (BackendProvider p : providers) {
                String reason = p.unavailableReason();
                if (reason == null) return p.create();
                log.accept("backend '" + p.name() + "' unavailable, falling back: " + reason);
            }
            throw new IllegalStateException("no backend available");
        }
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers) {
            names.add(p.name());
            if (p.name().equals(device)) {
                String reason = p.unavailableReason();
                if (reason != null) throw new IllegalArgumentException("--device " + device + " is unavailable: " + reason);
                return p.create();
            }
        }
        throw new IllegalArgumentException("--device: unknown backend '" + device + "'; known: auto, " + String.join(", ", names));
    }
}
