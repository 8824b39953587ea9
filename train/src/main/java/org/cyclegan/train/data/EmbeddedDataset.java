package org.cyclegan.train.data;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The default data set shipped inside the jar: {@code emoji-g2t-32}, the training split of Google Noto Emoji (A,
 * Apache-2.0) → Twemoji (B, CC-BY 4.0), 1342 images per domain, 32×32 RGB on white. Its NOTICE.md, the Apache-2.0 text
 * (LICENSE-Apache-2.0.txt) and manifest.csv lie beside the images under {@value #ROOT}. Resources in a jar cannot be
 * listed, so {@code index.txt} there names every image ({@code trainA/<file>}, {@code trainB/<file>}).
 *
 * <p>The same codepoints exist in A and B, so the two must never be iterated paired. With the default
 * (non-serial) loading, A is shuffled each epoch and B drawn at random, independently. For {@code serial_batches}
 * (where item i pairs A[i] with B[i]) the B list is kept rotated by half its length, so item i always pairs two
 * different emoji. Only the training split is shipped: the held-out emoji used to judge translation quality are not,
 * and must never be trained on; so only {@code --phase train} is accepted.
 */
public final class EmbeddedDataset {
    /** The resource folder of the data set. */
    public static final String ROOT = "/org/cyclegan/train/data/emoji-g2t-32/";
    public static final String NAME = "emoji-g2t-32";
    /** Image side of the embedded set, for the load and crop sizes that suit it. */
    public static final int IMAGE_SIZE = 32;

    private EmbeddedDataset() {}

    /**
     * Options suited to the embedded set: the reference's defaults with load_size = crop_size = 32 (so
     * resize_and_crop leaves the images as they are and only flips them).
     */
    public static DataOptions defaultOptions() {
        return DataOptions.defaults().withPreprocess(Preprocess.RESIZE_AND_CROP, IMAGE_SIZE, IMAGE_SIZE);
    }

    /** Opens the embedded set with {@link #defaultOptions()}. */
    public static UnalignedDataset open() throws DataSetException {
        return open(defaultOptions());
    }

    /** Opens the embedded set as an unaligned data set with the given options (phase must be train). */
    public static UnalignedDataset open(DataOptions options) throws DataSetException {
        if (!"train".equals(options.phase())) {
            throw new DataSetException("the embedded data set " + NAME + " holds only the train split, not '" + options.phase()
                    + "' (give --dataroot with " + options.phase() + "A and " + options.phase() + "B folders)");
        }
        return new UnalignedDataset(domain("trainA"), domain("trainB"), options);
    }

    /** The images of one domain ({@code trainA} or {@code trainB}), in the order described in the class comment. */
    public static ImageSource domain(String folder) throws DataSetException {
        if (!folder.equals("trainA") && !folder.equals("trainB")) throw new DataSetException("the embedded data set has no folder " + folder);
        List<String> names = new ArrayList<>();
        for (String line : index()) if (line.startsWith(folder + "/")) names.add(line);
        if (names.isEmpty()) throw new DataSetException("the embedded data set lists no images in " + folder + " (" + ROOT + "index.txt)");
        if (folder.equals("trainB")) {
            List<String> rotated = new ArrayList<>(names.subList(names.size() / 2, names.size()));
            rotated.addAll(names.subList(0, names.size() / 2));
            names = rotated;
        }
        List<String> shown = names.stream().map(n -> "embedded:" + NAME + "/" + n).toList();
        return new ResourceSource(ROOT + folder, List.copyOf(names), shown);
    }

    /** The lines of index.txt (blank lines and # comments left out). */
    static List<String> index() throws DataSetException {
        try (InputStream in = EmbeddedDataset.class.getResourceAsStream(ROOT + "index.txt")) {
            if (in == null) throw new DataSetException("the embedded data set is missing from this build (" + ROOT + "index.txt)");
            List<String> lines = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new DataSetException("cannot read the embedded data set's index " + ROOT + "index.txt: " + e.getMessage());
        }
    }

    /** Images read from class-path resources. */
    private record ResourceSource(String description, List<String> names, List<String> paths) implements ImageSource {
        @Override
        public int size() {
            return names.size();
        }

        @Override
        public BufferedImage read(int index) throws ImageReadException {
            String resource = ROOT + names.get(index);
            String shown = paths.get(index);
            try (InputStream in = EmbeddedDataset.class.getResourceAsStream(resource)) {
                if (in == null) throw new ImageReadException(shown, "listed in index.txt but missing from the jar");
                return Images.read(in, shown);
            } catch (ImageReadException e) {
                throw e;
            } catch (IOException e) {
                throw new ImageReadException(shown, e.getMessage(), e);
            }
        }
    }
}
