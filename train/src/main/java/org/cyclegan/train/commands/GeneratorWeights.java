package org.cyclegan.train.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.model.interop.ReferenceStateDict;
import org.cyclegan.model.interop.torch.TorchCheckpoint;

/**
 * A generator loaded from a weights file: our safetensors (architecture in its metadata) or a PyTorch checkpoint
 * saved by the reference ({@code torch.save(net.state_dict())}, zip or legacy format, possibly wrapped in a dict).
 *
 * <p>Each architecture option comes from, in this order: the options given ({@code --netG --ngf --norm --upsample}), the file's
 * metadata, what the state dict's keys and shapes reveal ({@link GeneratorArchitecture#infer}), and the reference
 * test's defaults (resnet_9blocks, ngf 64, instance). Loading then makes the reference's allowances (DataParallel's
 * {@code module.} prefix, instance norm statistics of old checkpoints) and is otherwise strict: a key missing or left
 * over is an error that names the file and the keys, with the architecture the keys suggest.
 *
 * <p>What was asked for that cannot be done (an architecture that is none, weights that do not fit it, --entry for a
 * file that is not a PyTorch checkpoint) is {@link Refused}; a file that cannot be read is an IOException
 * ({@link TorchCheckpoint.SeveralStateDictsException} when a PyTorch file holds several state dicts and none was
 * chosen). {@link GeneratorOptions} reads the options and turns refusals into usage errors.
 */
public final class GeneratorWeights {
    /** The architecture options and the entry as given: an empty value was not given. */
    public record Requested(String netG, String ngf, String norm, String upsample, String entry) implements java.io.Serializable {}

    /** The weights cannot be loaded as asked; the message, for the user, says why. */
    static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    public final Path file;
    /** "safetensors" or a {@link TorchCheckpoint.Format} description. */
    public final String format;
    public final GeneratorArchitecture architecture;
    /** Where the architecture came from, for the user. */
    public final String architectureSource;
    public final Module generator;
    /** Keys the reference's loader also drops (instance norm statistics). */
    public final List<String> droppedKeys;

    private GeneratorWeights(Path file, String format, GeneratorArchitecture architecture, String architectureSource, Module generator,
                             List<String> droppedKeys) {
        this.file = file;
        this.format = format;
        this.architecture = architecture;
        this.architectureSource = architectureSource;
        this.generator = generator;
        this.droppedKeys = droppedKeys;
    }

    /** Whether a weights file is read as a PyTorch checkpoint: by its first bytes, or by a PyTorch extension. */
    static boolean isTorchCheckpoint(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return TorchCheckpoint.detect(file) != null || name.endsWith(".pth") || name.endsWith(".pt");
    }

    static GeneratorWeights load(Path file, Requested requested, Backend backend) throws IOException {
        String entry = requested.entry().isEmpty() ? null : requested.entry();
        Map<String, Tensor> state;
        Map<String, String> meta = Map.of();
        String format;
        if (isTorchCheckpoint(file)) {
            TorchCheckpoint.StateDict sd = TorchCheckpoint.readStateDict(file, entry);
            format = sd.format().description + (sd.entry() == null ? "" : ", entry '" + sd.entry() + "'");
            try {
                state = ReferenceStateDict.toTensors(sd.tensors(), backend);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        } else {
            if (entry != null) throw new Refused("--entry applies to PyTorch checkpoints; " + file + " is not one");
            Safetensors.Contents c = Safetensors.read(file, backend);
            state = c.tensors();
            meta = c.metadata();
            format = "safetensors";
        }
        state = ReferenceStateDict.withoutDataParallelPrefix(state);

        Map<String, int[]> shapes = new TreeMap<>();
        state.forEach((k, v) -> shapes.put(k, v.shape()));
        Optional<GeneratorArchitecture> inferred = GeneratorArchitecture.infer(shapes);
        GeneratorArchitecture fallback = inferred.orElse(GeneratorArchitecture.REFERENCE_DEFAULT);
        List<String> sources = new ArrayList<>();
        String netG = pick(requested.netG(), meta, "netG", fallback.netG().name(), inferred.isPresent(), sources);
        if (!GeneratorKind.isName(netG)) throw new Refused("--netG must be one of " + GeneratorKind.CHOICES + ", got '" + netG + "'");
        int ngf = positive("ngf", pick(requested.ngf(), meta, "ngf", Integer.toString(fallback.ngf()), inferred.isPresent(), sources));
        String norm = pick(requested.norm(), meta, "norm", fallback.norm(), inferred.isPresent(), sources);
        if (!List.of("instance", "batch", "none").contains(norm)) throw new Refused("--norm must be one of [instance, batch, none], got '" + norm + "'");
        String upsampleName = pick(requested.upsample(), meta, "upsample", fallback.upsample().optionName(), inferred.isPresent(), sources);
        if (!GeneratorUpsampling.NAMES.contains(upsampleName)) throw new Refused("--upsample must be one of " + GeneratorUpsampling.NAMES + ", got '" + upsampleName + "'");
        GeneratorUpsampling upsample = GeneratorUpsampling.parse(upsampleName);
        if (upsample != GeneratorUpsampling.TRANSPOSE && !GeneratorKind.parse(netG).isResnet()) {
            throw new Refused("--upsample " + upsample + " applies to the resnet generators, not --netG " + netG);
        }
        int inputNc = positive("input_nc", meta.getOrDefault("input_nc", Integer.toString(fallback.inputNc())));
        int outputNc = positive("output_nc", meta.getOrDefault("output_nc", Integer.toString(fallback.outputNc())));
        boolean dropout = meta.containsKey("no_dropout") ? !Boolean.parseBoolean(meta.get("no_dropout")) : fallback.useDropout();
        GeneratorArchitecture arch = new GeneratorArchitecture(GeneratorKind.parse(netG), ngf, norm, inputNc, outputNc, dropout, upsample);

        Module g = arch.build();
        List<String> dropped = ReferenceStateDict.instanceNormStatistics(g, state);
        state = ReferenceStateDict.withoutInstanceNormStatistics(g, state);
        String mismatch = mismatch(g.stateDict(), state);
        if (mismatch != null) {
            String hint;
            if (inferred.isPresent() && !inferred.get().equals(arch)) {
                GeneratorArchitecture i = inferred.get();
                hint = "; its keys fit " + i.describe() + ": try --netG " + i.netG() + " --ngf " + i.ngf() + " --norm " + i.norm()
                        + (i.upsample() == GeneratorUpsampling.TRANSPOSE ? "" : " --upsample " + i.upsample());
            } else if (inferred.isEmpty()) {
                hint = "; its keys fit none of the reference's generators nor any other --netG (" + GeneratorKind.CHOICES + ")";
            } else {
                hint = "";
            }
            throw new Refused(file + " does not fit a " + arch.describe() + " generator: " + mismatch + hint);
        }
        g.loadStateDict(state);
        return new GeneratorWeights(file, format, arch, String.join(", ", sources), g, dropped);
    }

    /** The option's value as given, else the metadata's, else the fallback; records which. */
    private static String pick(String given, Map<String, String> meta, String key, String fallback, boolean inferred, List<String> sources) {
        if (!given.isEmpty()) {
            sources.add(key + " from the command line");
            return given.trim();
        }
        if (meta.containsKey(key)) {
            sources.add(key + " from the file's metadata");
            return meta.get(key);
        }
        sources.add(key + (inferred ? " from the file's keys" : " by default"));
        return fallback;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below, with the option's name
        }
        throw new Refused(option + " must be a positive integer, got '" + value + "'");
    }

    /** Why {@code state} does not load into a network with {@code own} state: missing, unexpected or mis-shaped keys. */
    private static String mismatch(Map<String, Tensor> own, Map<String, Tensor> state) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!java.util.Arrays.equals(t.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + " is " + Shape.str(t.shape()) + ", expected " + Shape.str(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) parts.add(missing.size() + " missing keys (" + abbreviate(missing) + ")");
        if (!unexpected.isEmpty()) parts.add(unexpected.size() + " unexpected keys (" + abbreviate(unexpected) + ")");
        if (!misShaped.isEmpty()) parts.add(misShaped.size() + " keys of the wrong shape (" + abbreviate(misShaped) + ")");
        return String.join(", ", parts);
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 4 ? String.join(", ", items) : String.join(", ", items.subList(0, 4)) + ", ...";
    }
}
