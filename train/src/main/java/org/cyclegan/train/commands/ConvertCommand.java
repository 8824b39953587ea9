package org.cyclegan.train.commands;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.model.interop.GeneratorArchitecture;

/**
 * {@code convert}: a generator's weights (typically the reference's PyTorch {@code .pth}) written as our safetensors,
 * with the architecture in the metadata so that {@code translate} needs no options. The weights are first loaded into
 * that architecture, so only a file that works is written.
 */
public final class ConvertCommand {
    private ConvertCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("convert", "Converts a generator's weights (a PyTorch .pth state dict of the reference CycleGAN, or our"
                + " .safetensors) to .safetensors with the architecture recorded.")
                .option("weights", null, "generator weights to convert (.pth / .pt, or .safetensors)")
                .option("output", null, "the .safetensors file to write");
        return GeneratorOptions.declare(cl).deviceOptions();
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out) throws IOException {
        for (String required : List.of("weights", "output")) {
            if (cl.string(required) == null || cl.string(required).isEmpty()) throw new UsageException("convert: --" + required + " is required");
        }
        Path weights = Path.of(cl.string("weights")), output = Path.of(cl.string("output"));
        if (!Files.isRegularFile(weights)) throw new UsageException("convert: --weights " + weights + " is not a file");
        if (Files.isDirectory(output)) throw new UsageException("convert: --output " + output + " is a folder; give a file name");
        GeneratorWeights w = GeneratorOptions.load("convert", cl, weights, backend);
        GeneratorArchitecture arch = w.architecture;

        // The generator's keys of what train writes (NetworkFiles.write); the discriminator and the epoch are
        // not something a generator's weights tell.
        Map<String, String> meta = new LinkedHashMap<>(arch.metadata());
        meta.put("converted_from", weights.getFileName().toString());
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Safetensors.write(output, w.generator.stateDict(), meta);
        out.println(weights + " (" + w.format + ") -> " + output);
        out.println("  " + arch.describe() + " (" + w.architectureSource + "), " + w.generator.stateDict().size() + " tensors, "
                + w.generator.parameterCount() + " parameters"
                + (w.droppedKeys.isEmpty() ? "" : "; dropped " + w.droppedKeys.size() + " instance norm statistics, as the reference does"));
        return 0;
    }
}
