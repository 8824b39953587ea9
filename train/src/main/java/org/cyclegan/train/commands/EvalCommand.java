package org.cyclegan.train.commands;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cyclegan.engine.io.Json;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.Images;
import org.cyclegan.train.eval.ImageMetrics;
import org.cyclegan.train.eval.ImagePairs;

/**
 * {@code eval}: paired scores of predicted images against their targets, matched by file name (see {@link ImagePairs}),
 * per image and then averaged: L1 on the training's [−1, 1] scale, PSNR and SSIM (defined in {@link ImageMetrics}).
 * With {@code --source}, the inputs are scored against the same targets too: the identity baseline, what copying the
 * input would score, which a translation has to beat. Every image goes through {@link Images#read}, as in training
 * (any PNG mode; alpha composited onto white), so a translated RGB PNG and an RGBA original compare pixel for pixel.
 *
 * <p>Refused with exit status 2 (usage): a missing option or folder, a folder with no images, no file name common to
 * all folders. Refused with exit status 1: an unreadable image or a pair of different sizes (named), since a mean
 * over fewer images than asked for would not be the number it claims to be. Files without a partner are left out with a
 * warning that counts them.
 */
public final class EvalCommand {
    /** How many unmatched file names a warning lists before "...". */
    private static final int NAMES_SHOWN = 5;

    private EvalCommand() {}

    public static CommandLine options() {
        return new CommandLine("eval", "Scores predicted images against targets of the same file name: L1 (on [-1,1]), PSNR and SSIM.")
                .option("pred", null, "folder of predicted images (e.g. translate's --output)")
                .option("target", null, "folder of the true images, with the same file names")
                .option("source", null, "folder of the inputs: also score copying them (the identity baseline)")
                .flag("json", "end with one line of JSON holding the results");
    }

    public static int run(CommandLine cl, PrintStream out, PrintStream err) throws IOException {
        List<String> roles = new ArrayList<>(List.of("pred", "target"));
        if (cl.string("source") != null) roles.add("source");
        List<Path> folders = new ArrayList<>();
        for (String role : roles) folders.add(folder(cl, role));

        ImagePairs pairs = matched(roles, folders, err);
        Totals prediction = new Totals(), identity = new Totals();
        for (ImagePairs.Match m : pairs.matches()) {
            Path predFile = m.files().get(0), targetFile = m.files().get(1);
            BufferedImage target = Images.read(targetFile);
            checkSize(target, targetFile, null, null);
            BufferedImage pred = Images.read(predFile);
            checkSize(pred, predFile, target, targetFile);
            prediction.add(ImageMetrics.compare(pred, target));
            if (roles.size() == 3) {
                Path sourceFile = m.files().get(2);
                BufferedImage source = Images.read(sourceFile);
                checkSize(source, sourceFile, target, targetFile);
                identity.add(ImageMetrics.compare(source, target));
            }
        }

        out.println("eval: " + pairs.matches().size() + " images matched by name in " + describe(roles, folders));
        out.println();
        out.printf(Locale.ROOT, "%-22s %10s %10s %10s %8s%n", "", "L1 [-1,1]", "L1 [0,1]", "PSNR dB", "SSIM");
        printRow(out, "prediction (--pred)", prediction);
        if (roles.size() == 3) printRow(out, "identity (--source)", identity);
        out.println();
        out.println("L1 [-1,1]: mean |pred - target| with pixels mapped to [-1,1] as in training (the scale of the cycle loss); L1 [0,1] is half of it.");
        out.printf(Locale.ROOT, "PSNR: on [0,1], peak 1, each image capped at %.0f dB (identical pairs: %d with --pred%s).%n",
                ImageMetrics.PSNR_CAP_DB, prediction.identical, roles.size() == 3 ? ", " + identity.identical + " with --source" : "");
        out.printf(Locale.ROOT, "SSIM: Wang et al. 2004, Gaussian window %d, sigma %.1f, K1 %.2f, K2 %.2f, valid positions only, per RGB channel then averaged.%n",
                ImageMetrics.SSIM_WINDOW, ImageMetrics.SSIM_SIGMA, ImageMetrics.SSIM_K1, ImageMetrics.SSIM_K2);

        if (cl.flag("json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("images", pairs.matches().size());
            json.put("pred", prediction.toJson());
            if (roles.size() == 3) json.put("identity", identity.toJson());
            Map<String, Object> unmatched = new LinkedHashMap<>();
            for (int i = 0; i < roles.size(); i++) unmatched.put(roles.get(i), pairs.unmatched(i).size());
            json.put("unmatched", unmatched);
            json.put("psnr_cap_db", ImageMetrics.PSNR_CAP_DB);
            for (int i = 0; i < roles.size(); i++) json.put(roles.get(i) + "_dir", folders.get(i).toString());
            out.println(Json.write(json));
        }
        return 0;
    }

    /** The images of the folders matched by name; refused when a folder holds none, or no name is common to all. */
    private static ImagePairs matched(List<String> roles, List<Path> folders, PrintStream err) throws IOException {
        ImagePairs pairs = ImagePairs.match(folders);
        for (int i = 0; i < roles.size(); i++) {
            if (pairs.found(i) == 0) {
                throw new UsageException("eval: --" + roles.get(i) + " " + folders.get(i) + " holds no images (only its top level is read)");
            }
        }
        if (pairs.matches().isEmpty()) {
            throw new UsageException("eval: no file name is common to " + describe(roles, folders) + "; images are matched by name without extension");
        }
        for (int i = 0; i < roles.size(); i++) warnUnmatched(err, pairs, i, roles, folders);
        return pairs;
    }

    /** Sums of the per-image scores of one row of the table. */
    private static final class Totals {
        int count, identical;
        double l1, psnr, ssim;

        void add(ImageMetrics.Scores s) {
            count++;
            if (s.l1() == 0) identical++;
            l1 += s.l1();
            psnr += s.psnr();
            ssim += s.ssim();
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("l1", l1 / count);
            m.put("l1_01", l1 / count / 2);
            m.put("psnr", psnr / count);
            m.put("ssim", ssim / count);
            m.put("identical", identical);
            return m;
        }
    }

    private static void printRow(PrintStream out, String label, Totals t) {
        out.printf(Locale.ROOT, "%-22s %10.4f %10.4f %10.2f %8.4f%n", label, t.l1 / t.count, t.l1 / t.count / 2, t.psnr / t.count, t.ssim / t.count);
    }

    private static Path folder(CommandLine cl, String option) {
        String v = cl.string(option);
        if (v == null) throw new UsageException("eval: --" + option + " is required");
        if (v.isEmpty()) throw new UsageException("eval: --" + option + " needs a folder, got an empty value");
        Path p = Path.of(v);
        if (!Files.exists(p)) throw new UsageException("eval: --" + option + " " + p + " does not exist");
        if (!Files.isDirectory(p)) throw new UsageException("eval: --" + option + " " + p + " is not a folder");
        return p;
    }

    /** Refuses an image SSIM cannot score, or one whose size differs from its target's. */
    private static void checkSize(BufferedImage image, Path file, BufferedImage target, Path targetFile) throws DataSetException {
        int w = image.getWidth(), h = image.getHeight();
        if (target != null && (w != target.getWidth() || h != target.getHeight())) {
            throw new DataSetException("eval: " + file + " is " + w + "x" + h + " but its target " + targetFile + " is " + target.getWidth() + "x"
                    + target.getHeight() + "; only images of the same size are compared (translate rounds sizes to a multiple of 4)");
        }
        if (w < ImageMetrics.SSIM_WINDOW || h < ImageMetrics.SSIM_WINDOW) {
            throw new DataSetException("eval: " + file + " is " + w + "x" + h + "; SSIM needs images of at least " + ImageMetrics.SSIM_WINDOW + "x"
                    + ImageMetrics.SSIM_WINDOW + " pixels");
        }
    }

    private static void warnUnmatched(PrintStream err, ImagePairs pairs, int i, List<String> roles, List<Path> folders) {
        List<String> names = pairs.unmatched(i);
        if (names.isEmpty()) return;
        List<String> others = new ArrayList<>();
        for (int j = 0; j < roles.size(); j++) if (j != i) others.add("--" + roles.get(j));
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size()))) + (names.size() > NAMES_SHOWN ? ", ..." : "");
        err.printf("warning: %d of %d images in --%s %s have no file of the same name in %s and are left out (%s)%n",
                names.size(), pairs.found(i), roles.get(i), folders.get(i), String.join(" / ", others), shown);
    }

    private static String describe(List<String> roles, List<Path> folders) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) parts.add("--" + roles.get(i) + " " + folders.get(i));
        return String.join(", ", parts);
    }
}
