package org.cyclegan.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.model.Networks;
import org.cyclegan.model.layers.Layer;

/**
 * A generator saved by {@code train}: the architecture (netG, ngf, norm, input_nc, output_nc) comes from the
 * safetensors file's metadata, the weights from its tensors; the network is returned in eval mode. Shared by
 * {@code translate} and {@code test} so that both build exactly the same network from a file.
 */
final class SavedGenerator {
    private SavedGenerator() {}

    /** The loaded network and the architecture it was built with. */
    record Loaded(Layer network, String netG, int ngf, String norm, int inputNc, Map<String, String> metadata) {}

    /**
     * Loads {@code file}. {@code given} holds the command's own --netG / --ngf / --norm values (empty when not given),
     * which win over the metadata; a command without those options passes an empty map. A missing file or an
     * architecture that does not fit the weights is a usage error; an unreadable or corrupt file an IOException that
     * names it.
     */
    static Loaded load(String command, Path file, Backend backend, Map<String, String> given) throws IOException {
        if (!Files.isRegularFile(file)) throw new CommandLine.UsageException(command + ": " + file + " is not a file");
        Safetensors.Contents c = Safetensors.read(file, backend);
        Map<String, String> meta = c.metadata();
        String netG = pick(command, given, meta, "netG", file);
        int ngf = integer(command, pick(command, given, meta, "ngf", file), "ngf", file);
        String norm = pick(command, given, meta, "norm", file);
        int inputNc = integer(command, meta.getOrDefault("input_nc", "3"), "input_nc", file);
        int outputNc = integer(command, meta.getOrDefault("output_nc", "3"), "output_nc", file);
        Layer g;
        try {
            g = Networks.defineG(inputNc, outputNc, ngf, netG, norm, false, "normal", 0.02f, new Random(0));
            g.loadStateDict(c.tensors());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(command + ": " + file + " does not fit a " + netG + " generator with ngf " + ngf + ": " + e.getMessage());
        }
        g.eval();
        return new Loaded(g, netG, ngf, norm, inputNc, meta);
    }

    private static String pick(String command, Map<String, String> given, Map<String, String> meta, String key, Path file) {
        String v = given.get(key);
        if (v != null && !v.isEmpty()) return v;
        v = meta.get(key);
        if (v == null) {
            throw new CommandLine.UsageException(command + ": " + file + " does not record " + key
                    + (given.containsKey(key) ? "; give --" + key : " (was it written by cyclegan-engine's train?)"));
        }
        return v;
    }

    private static int integer(String command, String value, String key, Path file) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException(command + ": " + key + " must be an integer, got '" + value + "' (from --" + key + " or " + file + ")");
        }
    }
}
