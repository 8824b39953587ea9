package org.cyclegan.train.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A folder of images, as the reference's {@code make_dataset} (data/image_folder.py): files found recursively whose
 * name ends in one of the reference's extensions {@code .jpg .jpeg .png .ppm .bmp .tif .tiff} — matched
 * case-insensitively here, where the reference accepts only all-lower or all-upper case — plus {@code .gif}, which
 * {@code javax.imageio} reads; sorted by full path; at most {@code max_dataset_size} of them.
 *
 * <p><b>Unreadable images are skipped, an empty folder is refused.</b> {@link #scan} decodes every candidate once:
 * one that fails (truncated, garbage, a format the JDK has no reader for, such as PPM) is left out with a warning
 * line naming the file and the reason, sent to the {@code warn} sink, so that one bad file among thousands does not
 * stop training. A folder that is missing, is not a folder, holds no image files, or ends up with no readable image,
 * is refused with a {@link DataSetException} naming it. (The reference reads nothing up front and crashes mid-epoch on
 * the first bad file; decoding everything once costs a few milliseconds per image at start-up.)
 *
 * <p><b>Images the networks cannot take are skipped too.</b> Given the {@link Transform} and a {@link SizeCheck},
 * {@link #scan} works out each image's size after preprocessing and leaves out, with a warning naming the file and the
 * reason, one smaller than the crop or one the networks do not fit (a 4×4 image under {@code --preprocess none}).
 *
 * <p>Symbolic links are followed, with loops skipped by name ({@link ImageFiles}).
 *
 * <p>Differences from the reference: it truncates {@code os.walk}'s unsorted listing and then sorts, so which files
 * survive {@code max_dataset_size} depends on the file system; here the sorted list is truncated (the first
 * {@code max_dataset_size} readable images), which is deterministic.
 */
public final class ImageFolder implements ImageSource {
    /** The reference's IMG_EXTENSIONS (matched ignoring case), and .gif. */
    public static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".tif", ".tiff", ".gif");

    private final Path dir;
    private final List<String> paths;

    private ImageFolder(Path dir, List<String> paths) {
        this.dir = dir;
        this.paths = List.copyOf(paths);
    }

    /** Whether a file name has one of {@link #EXTENSIONS}, in any case. */
    public static boolean isImageFile(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) if (lower.endsWith(ext)) return true;
        return false;
    }

    /** Scans {@code dir} with no limit, warning on standard error. */
    public static ImageFolder scan(Path dir) throws DataSetException {
        return scan(dir, Integer.MAX_VALUE, msg -> System.err.println("warning: " + msg));
    }

    /**
     * Lists the readable images under {@code dir} (see the class comment), at most {@code maxDatasetSize}; every
     * skipped file is reported to {@code warn} as one line ("skipping ...", without a "warning:" prefix: the sink adds it).
     */
    public static ImageFolder scan(Path dir, int maxDatasetSize, Consumer<String> warn) throws DataSetException {
        return scan(dir, maxDatasetSize, warn, null, SizeCheck.ANY);
    }

    /**
     * As {@link #scan(Path, int, Consumer)}, also skipping the images that {@code transform} (when not null) cannot
     * prepare or whose prepared size {@code fit} refuses.
     */
    public static ImageFolder scan(Path dir, int maxDatasetSize, Consumer<String> warn, Transform transform, SizeCheck fit) throws DataSetException {
        if (!Files.exists(dir)) throw new DataSetException("data set folder " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new DataSetException("data set folder " + dir + " is not a folder");
        List<Path> candidates;
        try {
            candidates = ImageFiles.list(dir, warn);
        } catch (IOException | UncheckedIOException e) {
            throw new DataSetException("cannot list data set folder " + dir + ": " + e);
        }
        if (candidates.isEmpty()) {
            throw new DataSetException("data set folder " + dir + " holds no images (looked recursively for " + String.join(" ", EXTENSIONS) + ")");
        }
        List<String> readable = new ArrayList<>();
        int skipped = 0;
        for (Path p : candidates) {
            if (readable.size() >= maxDatasetSize) break;
            BufferedImage image;
            try {
                image = Images.read(p);
            } catch (ImageReadException e) {
                skipped++;
                warn.accept("skipping " + e.getMessage());
                continue;
            }
            String misfit = misfit(image, transform, fit);
            if (misfit != null) {
                skipped++;
                warn.accept("skipping " + p + ": " + misfit);
                continue;
            }
            readable.add(p.toString());
        }
        if (readable.isEmpty()) {
            throw new DataSetException("data set folder " + dir + " holds no readable images of a size the networks take (all " + skipped + " image files were skipped, see the warnings above)");
        }
        return new ImageFolder(dir, readable);
    }

    /** Why {@code image} cannot be used (smaller than the crop, or a prepared size the networks refuse), or null. */
    private static String misfit(BufferedImage image, Transform transform, SizeCheck fit) {
        if (transform == null) return fit.misfit(image.getWidth(), image.getHeight());
        try {
            int[] size = transform.preparedSize(image.getWidth(), image.getHeight());
            return fit.misfit(size[0], size[1]);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String description() {
        return dir.toString();
    }

    @Override
    public List<String> paths() {
        return paths;
    }

    @Override
    public BufferedImage read(int index) throws ImageReadException {
        return Images.read(Path.of(paths.get(index)));
    }
}
