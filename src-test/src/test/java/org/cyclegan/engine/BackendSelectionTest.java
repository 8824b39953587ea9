package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendException;
import org.cyclegan.engine.backend.BackendProvider;
import org.cyclegan.engine.backend.Backends;
import org.junit.jupiter.api.Test;

/**
 * How {@code --device} picks a backend, with stand-in providers: auto falls back — loudly — from a backend that is
 * unavailable or fails to start (an OpenCL program that does not build), passes over one it should not prefer (OpenCL on
 * a CPU device) without a warning, and a named backend that fails is an error carrying the reason.
 */
class BackendSelectionTest {
    /** A provider named {@code name} that is unavailable, skipped by auto, or failing at creation as asked. */
    static BackendProvider fake(String name, String unavailable, String skip, boolean failsToStart) {
        return new BackendProvider() {
            @Override public String name() { return name; }
            @Override public int priority() { return 0; }
            @Override public String unavailableReason() { return unavailable; }
            @Override public String autoSkipReason() { return skip; }
            @Override public Backend create() {
                if (failsToStart) throw new BackendException("OpenCL program implicit_gemm.cl failed to build on TestGPU. Build log: ...");
                // A stand-in that only answers name() and description().
                return (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "name", "description", "toString" -> name;
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
            }
        };
    }

    @Test void autoFallsBackLoudlyFromAFailingOrUnavailableBackendAndQuietlyPassesOverAPreference() {
        List<String> log = new ArrayList<>();
        Backend b = Backends.select("auto", List.of(
                fake("gpu", null, null, true),
                fake("none", "no OpenCL platform", null, false),
                fake("cpudevice", null, "its only OpenCL devices are CPUs", false),
                fake("cpu", null, null, false)), log::add);
        assertEquals("cpu", b.description());
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).contains("'none' unavailable, falling back: no OpenCL platform"), log.get(0));
        assertTrue(log.get(1).contains("'gpu' failed to start, falling back: OpenCL program implicit_gemm.cl failed to build"), log.get(1));
    }

    @Test void aNamedBackendThatFailsIsAnErrorWithTheReason() {
        List<BackendProvider> providers = List.of(fake("gpu", null, null, true), fake("none", "no OpenCL platform", null, false),
                fake("cpudevice", null, "slower than cpu", false));
        BackendException e = assertThrows(BackendException.class, () -> Backends.select("gpu", providers, msg -> {}));
        assertTrue(e.getMessage().startsWith("--device gpu failed to start: OpenCL program"), e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Backends.select("none", providers, msg -> {}));
        assertTrue(u.getMessage().contains("--device none is unavailable: no OpenCL platform"), u.getMessage());
        assertEquals("cpudevice", Backends.select("cpudevice", providers, msg -> {}).description(), "named, a passed-over backend is used");
        IllegalArgumentException arg = assertThrows(IllegalArgumentException.class, () -> Backends.select("cpudevice:1", providers, msg -> {}));
        assertTrue(arg.getMessage().contains("takes no ':1'"), arg.getMessage());
    }
}
