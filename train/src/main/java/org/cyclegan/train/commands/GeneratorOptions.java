package org.cyclegan.train.commands;

import java.io.IOException;
import java.nio.file.Path;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.model.interop.torch.TorchCheckpoint;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;

/**
 * The options of the commands that load one generator from a weights file (translate, test, convert): --netG, --ngf,
 * --norm and --upsample for a file that does not say them, and --entry for a PyTorch file holding several state dicts. What
 * {@link GeneratorWeights} refuses is a usage error of the command.
 */
public final class GeneratorOptions {
    private GeneratorOptions() {}

    /** Declares --netG, --ngf, --norm, --upsample and --entry. */
    public static CommandLine declare(CommandLine cl) {
        return cl.option("netG", "", "generator architecture when the file does not say it: " + GeneratorKind.CHOICES
                        + " (default: from the file, else resnet_9blocks)")
                .option("ngf", "", "generator width when the file does not say it (default: from the file, else 64)")
                .option("norm", "", "instance | batch | none, when the file does not say it (default: from the file, else instance)")
                .option("upsample", "", "resnet generators' up-sampling when the file does not say it: " + String.join(" | ", GeneratorUpsampling.NAMES)
                        + " (default: from the file, else transpose)")
                .option("entry", "", "PyTorch checkpoints holding several state dicts: the name of the one to use");
    }

    /** The generator in {@code file}, with the options of {@code cl}; a refusal is a usage error of {@code command}. */
    public static GeneratorWeights load(String command, CommandLine cl, Path file, Backend backend) throws IOException {
        return load(command, requested(cl), file, backend);
    }

    /** The architecture options and --entry as given on {@code cl}. */
    public static GeneratorWeights.Requested requested(CommandLine cl) {
        return new GeneratorWeights.Requested(cl.string("netG"), cl.string("ngf"), cl.string("norm"), cl.string("upsample"), cl.string("entry"));
    }

    /** As {@link #load(String, CommandLine, Path, Backend)}, with the options already read. */
    public static GeneratorWeights load(String command, GeneratorWeights.Requested requested, Path file, Backend backend) throws IOException {
        try {
            return GeneratorWeights.load(file, requested, backend);
        } catch (TorchCheckpoint.SeveralStateDictsException e) {
            throw new UsageException(command + ": " + e.getMessage() + " with --entry NAME");
        } catch (GeneratorWeights.Refused e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }
}
