package org.cyclegan.train.data;

/**
 * The reference's data options, with its names and defaults: {@code --phase train --direction AtoB --preprocess
 * resize_and_crop --load_size 286 --crop_size 256 --batch_size 1 --max_dataset_size inf}, flags {@code --no_flip}
 * and {@code --serial_batches} off; and the {@link Augmentation} the reference does not have, none by default.
 */
public record DataOptions(
        String phase,
        String direction,
        Preprocess preprocess,
        int loadSize,
        int cropSize,
        boolean noFlip,
        boolean serialBatches,
        int batchSize,
        int maxDatasetSize,
        Augmentation augmentation) {

    public DataOptions {
        if (phase == null || phase.isEmpty() || phase.contains("/") || phase.contains("\\")) {
            throw new IllegalArgumentException("--phase: expected a name such as train or test, got '" + phase + "'");
        }
        if (!"AtoB".equals(direction) && !"BtoA".equals(direction)) {
            throw new IllegalArgumentException("--direction: expected AtoB or BtoA, got '" + direction + "'");
        }
        if (preprocess == null) throw new IllegalArgumentException("--preprocess: missing");
        if (loadSize < 1) throw new IllegalArgumentException("--load_size must be at least 1, got " + loadSize);
        if (cropSize < 1) throw new IllegalArgumentException("--crop_size must be at least 1, got " + cropSize);
        if (batchSize < 1) throw new IllegalArgumentException("--batch_size must be at least 1, got " + batchSize);
        if (maxDatasetSize < 1) throw new IllegalArgumentException("--max_dataset_size must be at least 1, got " + maxDatasetSize);
        if (augmentation == null) throw new IllegalArgumentException("augmentation: missing (Augmentation.NONE for none)");
    }

    /** The reference's defaults ({@code max_dataset_size} = inf is Integer.MAX_VALUE). */
    public static DataOptions defaults() {
        return new DataOptions("train", "AtoB", Preprocess.RESIZE_AND_CROP, 286, 256, false, false, 1, Integer.MAX_VALUE, Augmentation.NONE);
    }

    public DataOptions withPhase(String v) {
        return new DataOptions(v, direction, preprocess, loadSize, cropSize, noFlip, serialBatches, batchSize, maxDatasetSize, augmentation);
    }

    public DataOptions withDirection(String v) {
        return new DataOptions(phase, v, preprocess, loadSize, cropSize, noFlip, serialBatches, batchSize, maxDatasetSize, augmentation);
    }

    public DataOptions withPreprocess(Preprocess v, int load, int crop) {
        return new DataOptions(phase, direction, v, load, crop, noFlip, serialBatches, batchSize, maxDatasetSize, augmentation);
    }

    public DataOptions withNoFlip(boolean v) {
        return new DataOptions(phase, direction, preprocess, loadSize, cropSize, v, serialBatches, batchSize, maxDatasetSize, augmentation);
    }

    public DataOptions withSerialBatches(boolean v) {
        return new DataOptions(phase, direction, preprocess, loadSize, cropSize, noFlip, v, batchSize, maxDatasetSize, augmentation);
    }

    public DataOptions withBatchSize(int v) {
        return new DataOptions(phase, direction, preprocess, loadSize, cropSize, noFlip, serialBatches, v, maxDatasetSize, augmentation);
    }

    public DataOptions withAugmentation(Augmentation v) {
        return new DataOptions(phase, direction, preprocess, loadSize, cropSize, noFlip, serialBatches, batchSize, maxDatasetSize, v);
    }

    public DataOptions withMaxDatasetSize(int v) {
        return new DataOptions(phase, direction, preprocess, loadSize, cropSize, noFlip, serialBatches, batchSize, v, augmentation);
    }
}
