package org.cyclegan.train.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The reference's UnalignedDataset (data/unaligned_dataset.py) and its DataLoader, for unpaired domains A and B.
 *
 * <p>Item {@code i} is A image {@code i % |A|} and B image {@code i % |B|} with {@code serial_batches}, else a B image
 * drawn uniformly at random; each goes through {@link Transform} independently. The length is max(|A|, |B|). Batches
 * follow the DataLoader: every epoch visits the items in a fresh random permutation ({@code shuffle = not
 * serial_batches}), in order with {@code serial_batches}; the last batch may be smaller ({@code drop_last=False}).
 * {@code --direction BtoA} swaps the domains when a batch is handed out, as the reference's {@code set_input} does
 * (so with BtoA the folder-B images are drawn at random and become real_A).
 *
 * <p>All randomness (permutation, B draws, crops, flips) comes from the {@link Random} passed in (for a whole epoch:
 * through an {@link EpochPlan}). A batch whose
 * images end up with different sizes ({@code --preprocess none} or scale_width on mixed images) is refused with the
 * files named, as the reference's default collate refuses it.
 */
public final class UnalignedDataset {
    private final ImageSource sourceA, sourceB;
    private final DataOptions options;
    private final Transform transform;

    public UnalignedDataset(ImageSource a, ImageSource b, DataOptions options) {
        this.options = options;
        List<String> pa = a.paths(), pb = b.paths();
        this.sourceA = pa.size() > options.maxDatasetSize() ? truncated(a, options.maxDatasetSize()) : a;
        this.sourceB = pb.size() > options.maxDatasetSize() ? truncated(b, options.maxDatasetSize()) : b;
        if (sourceA.size() == 0) throw new IllegalArgumentException("data set domain " + a.description() + " holds no images");
        if (sourceB.size() == 0) throw new IllegalArgumentException("data set domain " + b.description() + " holds no images");
        this.transform = new Transform(options);
    }

    /**
     * Opens {@code dataroot/<phase>A} and {@code dataroot/<phase>B} (see {@link ImageFolder#scan} for skipped files
     * and refused folders; warnings go to {@code warn}). Images smaller than the crop are skipped.
     */
    public static UnalignedDataset open(Path dataroot, DataOptions options, Consumer<String> warn) throws DataSetException {
        return open(dataroot, options, SizeCheck.ANY, warn);
    }

    /**
     * As {@link #open(Path, DataOptions, Consumer)}, also skipping images whose size after preprocessing {@code fit}
     * refuses. With a preprocess that crops, every image ends at the crop size, which the caller checks once for the
     * option (a per-image warning would only repeat it), so {@code fit} applies to the other preprocesses.
     */
    public static UnalignedDataset open(Path dataroot, DataOptions options, SizeCheck fit, Consumer<String> warn) throws DataSetException {
        if (!java.nio.file.Files.isDirectory(dataroot)) throw new DataSetException("--dataroot " + dataroot + " is not a folder");
        Transform transform = new Transform(options);
        SizeCheck perImage = options.preprocess().crops() ? SizeCheck.ANY : fit;
        ImageFolder a = ImageFolder.scan(dataroot.resolve(options.phase() + "A"), options.maxDatasetSize(), warn, transform, perImage);
        ImageFolder b = ImageFolder.scan(dataroot.resolve(options.phase() + "B"), options.maxDatasetSize(), warn, transform, perImage);
        return new UnalignedDataset(a, b, options);
    }

    private static ImageSource truncated(ImageSource s, int n) {
        List<String> paths = s.paths().subList(0, n);
        return new ImageSource() {
            @Override public String description() { return s.description(); }
            @Override public List<String> paths() { return paths; }
            @Override public java.awt.image.BufferedImage read(int index) throws ImageReadException {
                return s.read(index);
            }
        };
    }

    public DataOptions options() {
        return options;
    }

    /** The A folder's images (before any BtoA swap). */
    public ImageSource sourceA() {
        return sourceA;
    }

    public ImageSource sourceB() {
        return sourceB;
    }

    /** max(|A|, |B|), the reference's __len__. */
    public int size() {
        return Math.max(sourceA.size(), sourceB.size());
    }

    /** Batches per epoch: ceil(size / batch_size). */
    public int batchCount() {
        return (size() + options.batchSize() - 1) / options.batchSize();
    }

    /** The order of items in one epoch: 0, 1, ... with serial_batches, else a random permutation (Fisher–Yates). */
    public int[] epochOrder(Random rng) {
        int n = size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!options.serialBatches()) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** One prepared item, before the BtoA swap: the A and B images and their files. */
    public record Item(Transform.Prepared a, Transform.Prepared b, String pathA, String pathB) {}

    /** The reference's __getitem__: draws the B index (unless serial), then transforms A, then B. */
    public Item item(int index, Random rng) throws ImageReadException {
        if (index < 0) throw new IndexOutOfBoundsException("item " + index);
        int ia = index % sourceA.size();
        int ib = options.serialBatches() ? index % sourceB.size() : rng.nextInt(sourceB.size());
        String pa = sourceA.paths().get(ia), pb = sourceB.paths().get(ib);
        Transform.Prepared a = prepare(sourceA, ia, pa, rng);
        Transform.Prepared b = prepare(sourceB, ib, pb, rng);
        return new Item(a, b, pa, pb);
    }

    private Transform.Prepared prepare(ImageSource s, int i, String path, Random rng) throws ImageReadException {
        var img = s.read(i);
        try {
            return transform.apply(img, rng);
        } catch (IllegalArgumentException e) {
            throw new ImageReadException(path, e.getMessage(), e);
        }
    }

    /** Loads batch {@code batch} of an epoch whose item order is {@code order} (from {@link #epochOrder}). */
    public Batch batch(int[] order, int batch, Random rng) throws ImageReadException {
        int bs = options.batchSize();
        int start = batch * bs;
        if (batch < 0 || start >= order.length) throw new IndexOutOfBoundsException("batch " + batch + " of " + batchCount());
        int n = Math.min(bs, order.length - start);
        List<Item> items = new ArrayList<>(n);
        for (int k = 0; k < n; k++) items.add(item(order[start + k], rng));
        boolean swap = "BtoA".equals(options.direction());
        List<Transform.Prepared> a = new ArrayList<>(), b = new ArrayList<>();
        List<String> pa = new ArrayList<>(), pb = new ArrayList<>();
        for (Item it : items) {
            a.add(swap ? it.b() : it.a());
            b.add(swap ? it.a() : it.b());
            pa.add(swap ? it.pathB() : it.pathA());
            pb.add(swap ? it.pathA() : it.pathB());
        }
        int[] shapeA = new int[4], shapeB = new int[4];
        float[] da = stack(a, pa, shapeA), db = stack(b, pb, shapeB);
        return new Batch(da, shapeA, db, shapeB, pa, pb);
    }

    private static float[] stack(List<Transform.Prepared> images, List<String> paths, int[] shape) throws ImageReadException {
        int w = images.get(0).width(), h = images.get(0).height();
        for (int k = 1; k < images.size(); k++) {
            if (images.get(k).width() != w || images.get(k).height() != h) {
                throw new ImageReadException(paths.get(k), "it becomes " + images.get(k).width() + "x" + images.get(k).height()
                        + " after preprocessing but " + paths.get(0) + " in the same batch becomes " + w + "x" + h
                        + " (use --batch_size 1 or a preprocess that crops to a fixed size)");
            }
        }
        int per = 3 * w * h;
        float[] data = new float[images.size() * per];
        for (int k = 0; k < images.size(); k++) images.get(k).writeTo(data, k * per);
        shape[0] = images.size();
        shape[1] = 3;
        shape[2] = h;
        shape[3] = w;
        return data;
    }

    /**
     * The random decisions of one epoch, drawn up front from the run's generator: the item order and one seed per
     * batch (for its B draws, crops and flips). Batch {@code b} depends only on the plan, not on the batches before it,
     * so a run saved in the middle of an epoch resumes at batch {@code b} with the same images an uninterrupted run
     * would have seen, and a loader could prepare batches in any order.
     */
    public record EpochPlan(int[] order, long[] batchSeeds) {}

    /** Draws an epoch's plan: the order (see {@link #epochOrder}), then one seed per batch. */
    public EpochPlan plan(Random rng) {
        int[] order = epochOrder(rng);
        long[] seeds = new long[batchCount()];
        for (int b = 0; b < seeds.length; b++) seeds[b] = rng.nextLong();
        return new EpochPlan(order, seeds);
    }

    /** Batch {@code b} of a planned epoch. */
    public Batch batch(EpochPlan plan, int b) throws ImageReadException {
        return batch(plan.order(), b, new Random(plan.batchSeeds()[b]));
    }

    /**
     * Batches {@code firstBatch .. batchCount − 1} of a planned epoch, loaded on a background thread ahead of the
     * consumer ({@code queued} at most).
     */
    public Prefetcher<Batch> epoch(EpochPlan plan, int firstBatch, int queued) {
        if (firstBatch < 0 || firstBatch > batchCount()) throw new IndexOutOfBoundsException("first batch " + firstBatch + " of " + batchCount());
        return new Prefetcher<>("data-loader", batchCount() - firstBatch, queued, i -> batch(plan, firstBatch + i));
    }
}
