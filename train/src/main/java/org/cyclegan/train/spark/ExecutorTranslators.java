package org.cyclegan.train.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.train.commands.GeneratorOptions;
import org.cyclegan.train.commands.GeneratorWeights;
import org.cyclegan.train.translate.Translator;

/**
 * The generators of one executor JVM. A task borrows one for its partition and gives it back when it ends, so the
 * weights are loaded once per task slot of an executor — on its first task — and every later task reuses them. Tasks
 * running at the same time get one each: a {@link Translator} serves one caller at a time. They stay loaded for the
 * executor's lifetime (a generator is tens of MiB), keyed by {@link TranslationJob#key()}.
 */
final class ExecutorTranslators {
    private ExecutorTranslators() {}

    /** A loaded generator and the backend it runs on. */
    record Slot(String key, Backend backend, Translator translator) {}

    private static final Map<String, Deque<Slot>> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, Path> WEIGHT_FILES = new ConcurrentHashMap<>();

    /** An idle generator for {@code job}, or a new one on a backend with {@code threads} cpu threads. */
    static Slot borrow(TranslationJob job, int threads) throws IOException {
        Slot idle = IDLE.computeIfAbsent(job.key(), k -> new ConcurrentLinkedDeque<>()).poll();
        return idle != null ? idle : load(job, threads);
    }

    static void giveBack(Slot slot) {
        IDLE.get(slot.key()).push(slot);
    }

    /**
     * Loading is serialised: the backend's thread count is read from a system property, and modules are built on the
     * default backend, both JVM-wide; only the loading needs them, the translation uses its own backend.
     */
    private static synchronized Slot load(TranslationJob job, int threads) throws IOException {
        Path file = weightsFile(job);
        String previousThreads = System.getProperty("cyclegan.threads");
        Backend backend;
        try {
            System.setProperty("cyclegan.threads", Integer.toString(threads));
            backend = Backends.select(job.device(), msg -> System.err.println("warning: " + msg));
        } finally {
            if (previousThreads == null) System.clearProperty("cyclegan.threads");
            else System.setProperty("cyclegan.threads", previousThreads);
        }
        Backend previous = Backends.getDefault();
        Backends.setDefault(backend);
        try {
            GeneratorWeights w = GeneratorOptions.load("translate", job.requested(), file, backend);
            return new Slot(job.key(), backend, new Translator(w.generator, w.architecture, backend, job.batchSize()));
        } finally {
            Backends.setDefault(previous);
        }
    }

    /**
     * The broadcast weights as a local file, written once per executor (the loaders read files: a PyTorch checkpoint is
     * a zip), under the weights' own name so that a .pth is recognised by its extension too; removed when the JVM exits.
     */
    private static Path weightsFile(TranslationJob job) throws IOException {
        Path file = WEIGHT_FILES.get(job.key());
        if (file != null) return file;
        file = localCopy(job.weightsName(), job.weights().value());
        file.getParent().toFile().deleteOnExit();   // runs after the file's, registered later: deleteOnExit works in reverse order
        file.toFile().deleteOnExit();
        WEIGHT_FILES.put(job.key(), file);
        return file;
    }

    /** {@code bytes} as a file named {@code name} in a new temporary folder (the name keeps a .pth recognisable). */
    static Path localCopy(String name, byte[] bytes) throws IOException {
        Path file = Files.createTempDirectory("cyclegan-weights-").resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
