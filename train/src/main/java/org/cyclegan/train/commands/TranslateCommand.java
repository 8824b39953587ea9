package org.cyclegan.train.commands;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.train.data.ImageFiles;
import org.cyclegan.train.report.Png;
import org.cyclegan.train.translate.ImageInput;
import org.cyclegan.train.translate.Translated;
import org.cyclegan.train.translate.Translator;

/**
 * {@code translate}: runs one saved generator on an image or a folder of images. The weights are ours (safetensors)
 * or the reference's (a PyTorch state dict); {@link GeneratorWeights} reads them and decides the architecture. The
 * network is fully convolutional, so any size works after the reference's {@code --preprocess none} rounding to a
 * multiple of 4.
 *
 * <p>Nothing is overwritten by accident: an --output folder that is, lies inside or contains the --input folder is
 * refused (it would overwrite the inputs, or be translated again on the next run), and so is an output file that
 * exists, unless --overwrite. Outputs keep their path relative to --input ({@link TranslatedNames}). All this is
 * checked before anything is translated. Images that cannot be read, or that are too small for the generator, are
 * skipped with a warning naming each, and the summary counts exactly what was written.
 */
public final class TranslateCommand {
    private TranslateCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("translate", "Translates images with one saved generator (e.g. checkpoints/emoji_g2t/latest_net_G_A.safetensors,"
                + " or a reference PyTorch .pth such as latest_net_G_A.pth).")
                .option("weights", null, "generator weights: .safetensors written by train or convert, or a PyTorch .pth state dict")
                .option("input", null, "an image file or a folder of images")
                .option("output", null, "folder for the translated PNG images (created if needed; not inside --input);"
                        + " in/sub/x.jpg becomes out/sub/x.png, or out/sub/x.jpg.png when in/sub/x.png exists too")
                .flag("overwrite", "replace output images that already exist (without it, translate refuses before translating anything)");
        return GeneratorOptions.declare(declareBatchSize(cl)).deviceOptions();
    }

    /** --batch_size, which the Spark job takes too. */
    public static CommandLine declareBatchSize(CommandLine cl) {
        return cl.option("batch_size", "4", "images of one size per forward pass, up to " + Translator.MAX_BATCH_PIXELS / (1 << 20)
                + " Mpixels a batch (larger images go one at a time); results are the same whatever the batch");
    }

    /** Refuses a generator that does not map RGB to RGB, naming {@code weights}. */
    public static void requireRgb(String weights, GeneratorArchitecture arch) {
        if (arch.inputNc() != 3 || arch.outputNc() != 3) {
            throw new UsageException("translate: " + weights + " is a generator for " + arch.inputNc() + " -> " + arch.outputNc()
                    + " channels; translate reads and writes RGB images (3 channels)");
        }
    }

    /** --batch_size, checked. */
    public static int batchSize(CommandLine cl) {
        return cl.integer("batch_size", 1);
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        for (String required : List.of("weights", "input", "output")) {
            if (cl.string(required) == null || cl.string(required).isEmpty()) throw new UsageException("translate: --" + required + " is required");
        }
        Path weights = Path.of(cl.string("weights")), input = Path.of(cl.string("input")), output = Path.of(cl.string("output"));
        if (!Files.isRegularFile(weights)) throw new UsageException("translate: --weights " + weights + " is not a file");
        if (!Files.exists(input)) throw new UsageException("translate: --input " + input + " does not exist");
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UsageException("translate: --output " + output + " is a file; give a folder for the translated images");
        }
        Map<Path, Path> targets = targets(cl, input, output, err);

        GeneratorWeights w = GeneratorOptions.load("translate", cl, weights, backend);
        GeneratorArchitecture arch = w.architecture;
        requireRgb(weights.toString(), arch);
        out.println("weights: " + weights + " (" + w.format + "): " + arch.describe() + " (" + w.architectureSource + ")"
                + (w.droppedKeys.isEmpty() ? "" : "; ignored " + w.droppedKeys.size() + " instance norm statistics, as the reference does"));
        Files.createDirectories(output);
        List<String> skipped = new ArrayList<>();
        long start = System.nanoTime();
        int done = translate(w, targets, backend, batchSize(cl), skipped, out, err);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "translated %d of %d images with %s (%s, ngf %d) into %s in %.1f s (%.2f images/s)%n", done, targets.size(), weights,
                arch.netG(), arch.ngf(), output, seconds, done / seconds);
        if (!skipped.isEmpty()) out.println("skipped " + skipped.size() + " (see the warnings above): " + String.join(", ", skipped));
        return done > 0 ? 0 : 1;
    }

    /**
     * Every input image with the file it is written to ({@link TranslatedNames}), in the order they are translated;
     * refused before anything is translated when an output would overwrite an input or, without --overwrite, a file.
     */
    private static Map<Path, Path> targets(CommandLine cl, Path input, Path output, PrintStream err) throws IOException {
        boolean folder = Files.isDirectory(input);
        if (folder) OutputGuard.refuseOverlap("translate", "--output", output, "--input", input);
        List<Path> files = new ArrayList<>();
        if (folder) {
            files.addAll(ImageFiles.list(input, msg -> err.println("warning: " + msg)));
            if (files.isEmpty()) throw new UsageException("translate: --input " + input + " holds no images");
        } else {
            files.add(input);
        }
        Map<Path, Path> targets = new LinkedHashMap<>();
        TranslatedNames.assign(folder ? input : null, files).forEach((f, rel) -> targets.put(f, output.resolve(rel)));
        if (!folder) OutputGuard.refuseSameFile("translate", targets.get(input), input);
        OutputGuard.refuseExisting("translate", targets.values(), cl.flag("overwrite"), "another --output");
        return targets;
    }

    /**
     * Runs the generator on each image ({@link Translator}: decoding, the network and encoding overlap) and writes its
     * target; images that cannot be read or do not fit the generator are skipped with a warning and added to
     * {@code skipped}. Returns how many were written.
     */
    private static int translate(GeneratorWeights w, Map<Path, Path> targets, Backend backend, int batchSize, List<String> skipped,
                                 PrintStream out, PrintStream err) throws IOException {
        List<ImageInput<Path>> inputs = new ArrayList<>();
        for (Path f : targets.keySet()) inputs.add(new ImageInput<>(f, f.toString(), () -> Files.newInputStream(f)));
        int done = 0;
        try (Translator translator = new Translator(w.generator, w.architecture, backend, batchSize)) {
            Iterator<Translated<Path>> results = translator.translate(inputs.iterator());
            while (results.hasNext()) {
                Translated<Path> r = results.next();
                if (!r.ok()) {
                    err.println("warning: skipping " + r.skipped());
                    skipped.add(r.name());
                    continue;
                }
                Path target = targets.get(r.key());
                Files.createDirectories(target.getParent());
                Png.write(r.png(), target);
                out.println(r.key() + " -> " + target);
                done++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return done;
    }
}
