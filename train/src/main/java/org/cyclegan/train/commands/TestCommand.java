package org.cyclegan.train.commands;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.NetworkInputSize;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.data.ImageFolder;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.ImageSource;
import org.cyclegan.train.data.Preprocess;
import org.cyclegan.train.data.SizeCheck;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.report.Png;
import org.cyclegan.train.report.TestResultsPage.Row;
import org.cyclegan.train.report.TestResultsPage;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * {@code test}: the reference's test.py for a CycleGAN. Loads {@code <checkpoints_dir>/<name>/<epoch>_net_G_A} and
 * {@code G_B}, runs G_A on the A test images (fake_B, and rec_A = G_B(fake_B)) and G_B on the B test images (fake_A,
 * rec_B = G_A(fake_A)), and writes {@code <results_dir>/<name>/test_<epoch>/images/<image>_{real_A,fake_B,rec_A}.png},
 * {@code ..._{real_B,fake_A,rec_B}.png} and an {@code index.html} showing them.
 *
 * <p>As the reference's test options: no flipping, images in folder order, at most --num_test per domain, and
 * load_size defaulting to crop_size so that resize_and_crop only resizes. Where a random crop remains (a --load_size
 * above --crop_size), every image is cropped with a generator seeded alike, so a run is reproducible. The networks run
 * in eval mode with gradients off.
 *
 * <p>The two domains are tested separately, each image named after its own file: the reference pairs A[i] with
 * B[i] and names all six pictures after the A file, which hides which B image a row shows.
 *
 * <p>Nothing is overwritten by accident: a --name with a path separator (or "." / "..") is refused, since it would
 * read and write outside --checkpoints_dir and --results_dir; a result folder that is, lies inside or contains a test
 * image folder is refused; and existing pictures or page are replaced only with --overwrite. All this is checked
 * before any image is translated. Images that cannot be read or are too small for the generators are skipped by name.
 */
public final class TestCommand {
    private TestCommand() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("test", "Runs an experiment's two saved generators on test images and writes the pictures and an HTML page, as the reference's test.py.")
                .option("dataroot", "", "folder with testA/ and testB/ (default: the embedded emoji set, which ships training images only)")
                .option("name", "", "experiment name (default: as train: emoji_g2t, or the dataroot's folder name)")
                .option("checkpoints_dir", "./checkpoints", "where experiments are saved")
                .option("results_dir", "./results", "results go to <results_dir>/<name>/test_<epoch>/")
                .option("epoch", CheckpointFiles.LATEST, "which checkpoint to load: latest, or an epoch number saved by --save_epoch_freq")
                .option("phase", "test", "read <dataroot>/<phase>A and <phase>B")
                .option("num_test", "50", "test at most this many images of each domain")
                .option("direction", "AtoB", "AtoB | BtoA (as given to train)")
                .option("load_size", "", "scale images to this size (default: --crop_size, so nothing is cropped away)")
                .option("crop_size", "", "then crop to this size (default 256; 32 on the embedded set)")
                .option("preprocess", "resize_and_crop", "resize_and_crop | crop | scale_width | scale_width_and_crop | none")
                .flag("overwrite", "replace the pictures and page of an earlier test of this experiment and epoch (without it, test refuses)");
        return GeneratorOptions.declare(cl).deviceOptions();
    }

    public static int run(CommandLine cl, Backend backend, PrintStream out, PrintStream err) throws IOException {
        boolean embedded = cl.string("dataroot").isEmpty();
        String epoch = cl.string("epoch");
        if (epoch.isEmpty() || epoch.contains("/") || epoch.contains("\\") || epoch.startsWith(".")) {
            throw new UsageException("test: --epoch must be 'latest' or an epoch number, got '" + epoch + "'");
        }
        int numTest = cl.integer("num_test", 1);
        boolean aToB = cl.choice("direction", List.of("AtoB", "BtoA")).equals("AtoB");
        Transform transform = transform(cl, embedded);
        String name = plainExperimentName(cl);
        Path experiment = Path.of(cl.string("checkpoints_dir")).resolve(name);
        Path fileGA = checkpoint(experiment, epoch, "G_A"), fileGB = checkpoint(experiment, epoch, "G_B");

        // The model's domain A is folder A for AtoB and folder B for BtoA, as the reference's set_input swaps them.
        String phase = cl.string("phase");
        ImageSource sourceA, sourceB;
        try {
            sourceA = source(cl, embedded, phase, aToB ? "A" : "B", numTest, err);
            sourceB = source(cl, embedded, phase, aToB ? "B" : "A", numTest, err);
        } catch (DataSetException | IllegalArgumentException e) {
            throw new UsageException("test: " + e.getMessage() + (embedded ? "" : " (test reads --dataroot's " + phase + "A/ and " + phase + "B/ folders; see --phase)"));
        }
        String note = embedded
                ? "no --dataroot: testing on the first images of the embedded " + EmbeddedDataset.NAME + " set, which are TRAINING images (it ships no"
                        + " held-out split), so these results show how well the model fits what it saw, not how it generalizes"
                : null;
        if (note != null) out.println("note: " + note);

        Path resultDir = Path.of(cl.string("results_dir")).resolve(name).resolve("test_" + epoch);
        Path index = resultDir.resolve("index.html");
        Path imagesDir = resultDir.resolve("images");
        Map<String, Row> namesA = names(sourceA, numTest, "A", "B"), namesB = names(sourceB, numTest, "B", "A");
        refuseToOverwrite(cl, embedded, phase, resultDir, index, imagesDir, List.of(namesA, namesB));

        GeneratorWeights gA = GeneratorOptions.load("test", cl, fileGA, backend);
        GeneratorWeights gB = GeneratorOptions.load("test", cl, fileGB, backend);
        gA.generator.eval();
        gB.generator.eval();
        SizeCheck fit = both(NetworkInputSize.generator(gA.architecture.netG())::misfit, NetworkInputSize.generator(gB.architecture.netG())::misfit);
        Path images = Files.createDirectories(imagesDir);
        out.printf("test: %s (%s, ngf %d) epoch %s on %d A and %d B images from %s; writing to %s%n", name, gA.architecture.netG(), gA.architecture.ngf(), epoch,
                Math.min(numTest, sourceA.size()), Math.min(numTest, sourceB.size()), embedded ? "the embedded set" : cl.string("dataroot"), resultDir);

        List<Row> rowsA = translate(sourceA, namesA, transform, fit, backend, gA, gB.generator, "A", "B", images, out, err);
        List<Row> rowsB = translate(sourceB, namesB, transform, fit, backend, gB, gA.generator, "B", "A", images, out, err);
        TestResultsPage.write(index, name, epoch, note, rowsA, rowsB);
        if (rowsA.isEmpty() && rowsB.isEmpty()) {
            err.println("error: no test image could be processed (see the warnings above)");
            return 1;
        }
        out.printf("tested %d A and %d B images; open %s%n", rowsA.size(), rowsB.size(), index);
        return 0;
    }

    /** The preprocessing: the reference's test options, --load_size defaulting to --crop_size and no flipping. */
    private static Transform transform(CommandLine cl, boolean embedded) {
        int crop = cl.integerOr("crop_size", embedded ? EmbeddedDataset.IMAGE_SIZE : 256, 1);
        int load = cl.integerOr("load_size", crop, 1);
        try {
            return new Transform(Preprocess.parse(cl.string("preprocess")), load, crop, true);
        } catch (IllegalArgumentException e) {
            throw new UsageException("test: " + e.getMessage());
        }
    }

    /** The experiment's name, refused when it is a path: that would read and write outside the two folders. */
    private static String plainExperimentName(CommandLine cl) {
        String name = TrainCommand.experimentName(cl);
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new UsageException("test: --name must be a plain experiment name, got '" + name
                    + "' (a path would read and write outside --checkpoints_dir and --results_dir)");
        }
        return name;
    }

    /**
     * Refuses a result folder that is, lies inside or contains a test image folder, and (without --overwrite) pictures
     * or a page that exist already.
     */
    private static void refuseToOverwrite(CommandLine cl, boolean embedded, String phase, Path resultDir, Path index, Path imagesDir,
                                          List<Map<String, Row>> names) throws IOException {
        if (!embedded) {
            for (String domain : List.of("A", "B")) {
                OutputGuard.refuseOverlap("test", "the result folder (--results_dir/--name/test_--epoch)", resultDir, "--dataroot's",
                        Path.of(cl.string("dataroot")).resolve(phase + domain));
            }
        }
        List<Path> targets = new ArrayList<>(List.of(index));
        for (Map<String, Row> m : names) {
            for (Row r : m.values()) for (String f : List.of(r.real(), r.fake(), r.reconstructed())) targets.add(imagesDir.resolve(f));
        }
        OutputGuard.refuseExisting("test", targets, cl.flag("overwrite"), "another --results_dir or --epoch");
    }

    /** {@code <dir>/<epoch>_net_<net>.safetensors}, refused with the saved epochs or experiments named when missing. */
    private static Path checkpoint(Path experiment, String epoch, String net) throws IOException {
        Path file = new CheckpointFiles(experiment).network(epoch, net);
        if (Files.isRegularFile(file)) return file;
        if (!Files.isDirectory(experiment)) {
            throw new UsageException("test: checkpoint " + file + " does not exist: there is no experiment '" + experiment.getFileName()
                    + "' in " + experiment.getParent() + " (found: " + listing(experiment.getParent(), null) + "); choose one with --name");
        }
        throw new UsageException("test: checkpoint " + file + " does not exist (epochs saved there: "
                + listing(experiment, CheckpointFiles.networkSuffix(net)) + "); choose one with --epoch");
    }

    /** Sorted names in {@code dir}: sub-folders when {@code suffix} is null, else the prefixes of files ending in it. */
    private static String listing(Path dir, String suffix) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) return "nothing";
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (suffix == null ? Files.isDirectory(p) : n.endsWith(suffix)) names.add(suffix == null ? n : n.substring(0, n.length() - suffix.length()));
            });
        }
        names.sort(null);
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    /** The images of one folder of --dataroot, or of the embedded set's training split. */
    private static ImageSource source(CommandLine cl, boolean embedded, String phase, String domain, int numTest, PrintStream err) throws DataSetException {
        if (embedded) return EmbeddedDataset.domain("train" + domain);
        Path root = Path.of(cl.string("dataroot"));
        if (!Files.isDirectory(root)) throw new DataSetException("--dataroot " + root + " is not a folder");
        return ImageFolder.scan(root.resolve(phase + domain), numTest, msg -> err.println("warning: " + msg));
    }

    /** The pictures' names of the first {@code numTest} images of {@code source}, by source path, in order. */
    private static Map<String, Row> names(ImageSource source, int numTest, String from, String to) {
        Map<String, Row> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        int n = Math.min(numTest, source.size());
        for (int i = 0; i < n; i++) {
            String path = source.paths().get(i);
            String base = uniqueBase(path, used);
            names.put(path, new Row(path, base + "_real_" + from + ".png", base + "_fake_" + to + ".png", base + "_rec_" + from + ".png"));
        }
        return names;
    }

    /** The first misfit of {@code a} and {@code b}: an image must go through both generators. */
    private static SizeCheck both(SizeCheck a, SizeCheck b) {
        return (w, h) -> {
            String why = a.misfit(w, h);
            return why != null ? why : b.misfit(w, h);
        };
    }

    /**
     * Runs {@code forward} on the images of {@code source} named in {@code names} (its first ones) and {@code backward}
     * on its output, writing the three pictures of each; images that cannot be read or preprocessed, or that do not
     * fit the generators, are skipped with a warning.
     */
    private static List<Row> translate(ImageSource source, Map<String, Row> names, Transform transform, SizeCheck fit, Backend backend,
                                          GeneratorWeights forward, Module backward, String from, String to, Path images, PrintStream out,
                                          PrintStream err) throws IOException {
        List<Row> rows = new ArrayList<>();
        int n = names.size();
        for (int i = 0; i < n; i++) {
            String path = source.paths().get(i);
            Transform.Prepared p;
            try {
                BufferedImage rgb = source.read(i);
                p = transform.apply(rgb, new Random(0));
            } catch (ImageReadException e) {
                err.println("warning: skipping " + e.getMessage());
                continue;
            } catch (IllegalArgumentException e) {
                err.println("warning: skipping " + path + ": " + e.getMessage());
                continue;
            }
            String misfit = fit.misfit(p.width(), p.height());
            if (misfit != null) {
                err.println("warning: skipping " + path + ": " + misfit);
                continue;
            }
            Row r = names.get(path);
            try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
                Tensor real = Tensor.of(backend, p.toArray(), 1, forward.architecture.inputNc(), p.height(), p.width());
                Tensor fake = forward.generator.forward(real);
                Tensor rec = backward.forward(fake);
                Png.write(Png.toImage(real), images.resolve(r.real()));
                Png.write(Png.toImage(fake), images.resolve(r.fake()));
                Png.write(Png.toImage(rec), images.resolve(r.reconstructed()));
            }
            rows.add(r);
            if (rows.size() % 10 == 0 || i == n - 1) out.printf("  %s → %s: %d/%d  %s%n", from, to, i + 1, n, path);
        }
        return rows;
    }

    /** The file name without its extension, made unique within the domain (a.png and a.jpg become a and a_2). */
    static String uniqueBase(String path, Set<String> used) {
        String file = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        String base = file.lastIndexOf('.') > 0 ? file.substring(0, file.lastIndexOf('.')) : file;
        String unique = base;
        for (int k = 2; !used.add(unique); k++) unique = base + "_" + k;
        return unique;
    }
}
