package org.cyclegan.train.commands;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GraphCapture;
import org.cyclegan.engine.autograd.GraphDot;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.AtomicFile;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;
import org.cyclegan.train.gan.GanLoss;

/**
 * {@code graph}: the autodiff graph that a forward records, drawn as Graphviz DOT ({@link GraphDot}) — a generator's
 * forward and a loss, a discriminator's, or the generators' loss of a whole CycleGAN training step, on random images
 * of {@code --size}. The DOT file is written next to {@code --output}; a picture ({@code .svg}, {@code .png}) is rendered
 * by Graphviz's {@code dot} when it is on PATH, and said to be missing when it is not.
 */
public final class GraphCommand {
    static final List<String> WHAT = List.of("generator", "discriminator", "step");
    private static final List<String> PICTURES = List.of("svg", "png");

    private GraphCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("graph", "Draws the recorded autodiff graph as Graphviz DOT (ops, shapes, what requires grad, bytes held for"
                + " backward, modules as clusters) and renders it with Graphviz's dot when installed.")
                .option("output", null, "file to write: .dot (and a .svg beside it when dot is installed), or .svg / .png (and the .dot beside it)")
                .option("what", "generator", "generator: G_A's forward and an L1 loss | discriminator: D_A's forward and its GAN loss on a real image"
                        + " | step: the generators' loss of a training step (both cycles, identity, D_A and D_B frozen)")
                .option("size", "32", "side of the random input images");
        return ModelOptions.declare(cl, "resnet_6blocks", "generator: " + String.join(" | ", GeneratorKind.NAMES)).deviceOptions();
    }

    /** Runs the command; the tensors are made on the default backend, which {@code Main} has set to {@code backend}. */
    public static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        return run(cl, out, err, findDot(System.getenv("PATH")));
    }

    /** As {@link #run(CommandLine, Backend, PrintStream, PrintStream)} with Graphviz's dot at {@code graphviz} (null: missing). */
    static int run(CommandLine cl, PrintStream out, PrintStream err, Path graphviz) throws IOException {
        String output = cl.string("output");
        if (output == null || output.isEmpty()) throw new UsageException("graph: --output is required (g.dot, g.svg or g.png)");
        Path target = Path.of(output);
        if (Files.isDirectory(target)) throw new UsageException("graph: --output " + target + " is a folder; give a file name");
        String extension = extension(target);
        if (!extension.equals("dot") && !PICTURES.contains(extension)) {
            throw new UsageException("graph: --output must end in .dot, .svg or .png, got '" + target.getFileName() + "'");
        }
        String what = cl.choice("what", WHAT);
        int size = cl.integer("size", 1);
        CycleGanConfig config = ModelOptions.read(cl, GeneratorKind.resnet(6));
        ModelOptions.checkSize("graph: --size", size, config);
        CycleGan gan = ModelOptions.build("graph", config, new Random(0));

        Path dotFile = extension.equals("dot") ? target : sibling(target, "dot");
        Path picture = extension.equals("dot") ? sibling(target, "svg") : target;
        try (MemoryScope scope = MemoryScope.open()) {
            String dot = draw(gan, what, size);
            AtomicFile.writeString(dotFile, dot);
            out.println("graph of the " + what + " (" + config.netG + ", ngf " + config.ngf + ", " + size + " px) -> " + dotFile);
        }
        if (graphviz == null) {
            String how = "dot -T" + extension(picture) + " " + dotFile + " -o " + picture;
            if (extension.equals("dot")) {
                err.println("graph: Graphviz's dot is not on PATH, so no picture was rendered; install graphviz and run: " + how);
                return 0;
            }
            err.println("graph: cannot render " + picture + ": Graphviz's dot is not on PATH (install graphviz, or run: " + how + ")");
            return 1;
        }
        render(graphviz, dotFile, picture);
        out.println("rendered with " + graphviz + " -> " + picture);
        return 0;
    }

    /** The DOT of the graph {@code what} names, recorded on random images (fixed seed: the same picture each run). */
    static String draw(CycleGan gan, String what, int size) {
        Random rng = new Random(1);
        Tensor realA = Tensor.randn(rng, 1, gan.config.inputNc, size, size), realB = Tensor.randn(rng, 1, gan.config.outputNc, size, size);
        GraphDot dot;
        Tensor loss;
        try (GraphCapture capture = GraphCapture.start()) {
            dot = new GraphDot(capture).name(realA, "real_A").name(realB, "real_B");
            switch (what) {
                case "generator" -> {
                    loss = F.l1Loss(gan.gA.forward(realA), realB);
                    dot.module("", gan.gA);
                }
                case "discriminator" -> {
                    loss = new GanLoss(GanLoss.parse(gan.config.ganMode)).apply(gan.dA.forward(realB), true);
                    dot.module("", gan.dA);
                }
                default -> {
                    Tensor fakeB = gan.gA.forward(realA), recA = gan.gB.forward(fakeB);
                    Tensor fakeA = gan.gB.forward(realB), recB = gan.gA.forward(fakeA);
                    gan.dA.setRequiresGrad(false);   // frozen during the generators' step, as in training
                    gan.dB.setRequiresGrad(false);
                    loss = gan.generatorLosses(realA, realB, fakeA, fakeB, recA, recB).total();
                    gan.networks().forEach((name, net) -> dot.module(name + ".", net));
                }
            }
        }
        return dot.render(loss);
    }

    /** Runs Graphviz on {@code dotFile}; the picture is written atomically, and dot's complaint is the error's message. */
    static void render(Path graphviz, Path dotFile, Path picture) throws IOException {
        Process p = new ProcessBuilder(graphviz.toString(), "-T" + extension(picture), dotFile.toString()).start();
        p.getOutputStream().close();
        byte[] image;
        String complaint;
        try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    stderr.transferTo(errBytes);
                } catch (IOException ignored) {
                    // the exit status reports a failure
                }
            });
            drain.start();
            image = stdout.readAllBytes();
            drain.join();
            complaint = errBytes.toString().trim();
            if (p.waitFor() != 0) throw new IOException(graphviz + " could not render " + dotFile + (complaint.isEmpty() ? "" : ": " + complaint));
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + graphviz + " rendered " + dotFile, e);
        }
        AtomicFile.write(picture, ch -> ch.write(ByteBuffer.wrap(image)));
    }

    /** Graphviz's {@code dot} in one of {@code path}'s folders (a PATH value), or null when none holds it. */
    static Path findDot(String path) {
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "dot");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + "." + extension);
    }
}
