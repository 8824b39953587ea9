package org.cyclegan.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.model.layers.Layer;
import org.cyclegan.train.data.ImageFolder;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.Images;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.Transform;

/**
 * {@code translate}: runs one saved generator on an image or a folder of images. The weights are ours (safetensors)
 * or the reference's (a PyTorch state dict); {@link GeneratorWeights} reads them and decides the architecture. The
 * network is fully convolutional, so any size works after the reference's {@code --preprocess none} rounding to a
 * multiple of 4.
 */
final class TranslateCommand {
    private TranslateCommand() {}

    static CommandLine options() {
        CommandLine cl = new CommandLine("translate", "Translates images with one saved generator (e.g. checkpoints/emoji_g2t/latest_net_G_A.safetensors,"
                + " or a reference PyTorch .pth such as latest_net_G_A.pth).")
                .option("weights", null, "generator weights: .safetensors written by train or convert, or a PyTorch .pth state dict")
                .option("input", null, "an image file or a folder of images")
                .option("output", null, "folder for the translated PNG images (created if needed)");
        return GeneratorWeights.declare(cl).deviceOptions();
    }

    static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        for (String required : List.of("weights", "input", "output")) {
            if (cl.string(required) == null || cl.string(required).isEmpty()) throw new CommandLine.UsageException("translate: --" + required + " is required");
        }
        Path weights = Path.of(cl.string("weights")), input = Path.of(cl.string("input")), output = Path.of(cl.string("output"));
        if (!Files.isRegularFile(weights)) throw new CommandLine.UsageException("translate: --weights " + weights + " is not a file");
        if (!Files.exists(input)) throw new CommandLine.UsageException("translate: --input " + input + " does not exist");
        GeneratorWeights w = GeneratorWeights.load("translate", cl, weights, backend);
        GeneratorArchitecture arch = w.architecture;
        if (arch.inputNc() != 3 || arch.outputNc() != 3) {
            throw new CommandLine.UsageException("translate: " + weights + " is a generator for " + arch.inputNc() + " -> " + arch.outputNc()
                    + " channels; translate reads and writes RGB images (3 channels)");
        }
        out.println("weights: " + weights + " (" + w.format + "): " + arch.describe() + " (" + w.architectureSource + ")"
                + (w.droppedKeys.isEmpty() ? "" : "; ignored " + w.droppedKeys.size() + " instance norm statistics, as the reference does"));
        Layer g = w.generator;
        int inputNc = arch.inputNc();
        g.eval();

        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.walk(input)) {
                s.filter(Files::isRegularFile).filter(p -> ImageFolder.isImageFile(p.getFileName().toString())).sorted().forEach(files::add);
            }
            if (files.isEmpty()) throw new CommandLine.UsageException("translate: --input " + input + " holds no images");
        } else {
            files.add(input);
        }
        Files.createDirectories(output);
        Transform none = new Transform(Preprocess.NONE, 1, 1, true);   // sizes unused by none; no flip
        int done = 0;
        for (Path f : files) {
            BufferedImage rgb;
            try {
                rgb = Images.read(f);
            } catch (ImageReadException e) {
                err.println("warning: skipping " + e.getMessage());
                continue;
            }
            Transform.Prepared p = none.apply(rgb, new Random(0));
            try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
                Tensor x = Tensor.of(backend, p.toArray(), 1, inputNc, p.height(), p.width());
                Tensor y = g.forward(x);
                String name = f.getFileName().toString();
                String base = name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : name;
                Path target = output.resolve(base + ".png");
                Png.write(Png.toImage(y), target);
                out.println(f + " -> " + target);
                done++;
            }
        }
        out.printf("translated %d of %d images with %s (%s, ngf %d)%n", done, files.size(), weights, arch.netG(), arch.ngf());
        return done > 0 ? 0 : 1;
    }
}
