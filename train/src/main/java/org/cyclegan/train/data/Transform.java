package org.cyclegan.train.data;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The reference's {@code get_transform} (data/base_dataset.py) for RGB images: resize or scale width, random crop,
 * {@code __make_power_2(base=4)} for {@code none}, random horizontal flip with p = 0.5 unless {@code no_flip}, then
 * {@code ToTensor} + {@code Normalize(0.5, 0.5)}: a value v in 0..255 becomes {@code (v/255 − 0.5)/0.5}, so 0 → −1
 * and 255 → 1 exactly. Training may add an {@link Augmentation} (rotation, brightness and contrast), which the
 * reference does not have; the constructor without one, which test and translate use, has none.
 *
 * <p>All randomness comes from the {@link Random} passed in, drawn in the reference's order: crop top, crop left
 * (torchvision's RandomCrop, skipped when the image is exactly the crop size), then the flip; then the augmentation's
 * draws, only for the augmentations that are on. The augmentation works on the unflipped crop: rotating and then
 * mirroring equals mirroring and then rotating by the opposite angle, which is as likely. Resizing is Java2D
 * bicubic ({@link Images#resize}), which differs slightly from PIL's bicubic.
 *
 * <p>An image smaller than the crop is an IllegalArgumentException saying so (torchvision's RandomCrop refuses it
 * too); callers add the file name.
 */
public final class Transform {
    private final Preprocess preprocess;
    private final int loadSize, cropSize;
    private final boolean noFlip;
    private final Augmentation augmentation;

    /** The reference's transform, without augmentation. */
    public Transform(Preprocess preprocess, int loadSize, int cropSize, boolean noFlip) {
        this(preprocess, loadSize, cropSize, noFlip, Augmentation.NONE);
    }

    public Transform(Preprocess preprocess, int loadSize, int cropSize, boolean noFlip, Augmentation augmentation) {
        if (loadSize < 1 || cropSize < 1) throw new IllegalArgumentException("transform: load_size and crop_size must be positive");
        this.preprocess = preprocess;
        this.loadSize = loadSize;
        this.cropSize = cropSize;
        this.noFlip = noFlip;
        this.augmentation = augmentation;
    }

    public Transform(DataOptions o) {
        this(o.preprocess(), o.loadSize(), o.cropSize(), o.noFlip(), o.augmentation());
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /** An image after resizing and cropping, and whether it is to be mirrored when written out. */
    public record Prepared(BufferedImage image, boolean flip) {
        public int width() {
            return image.getWidth();
        }

        public int height() {
            return image.getHeight();
        }

        /** Writes the image as CHW floats in [−1, 1] at {@code dst[offset ..]}, mirrored if {@code flip}. */
        public void writeTo(float[] dst, int offset) {
            toTensor(image, flip, dst, offset);
        }

        /** The image as a new CHW float array in [−1, 1]. */
        public float[] toArray() {
            float[] a = new float[3 * width() * height()];
            writeTo(a, 0);
            return a;
        }
    }

    /** Applies the geometric part of the transform and the augmentation, and draws the flip. */
    public Prepared apply(BufferedImage rgb, Random rng) {
        BufferedImage img = rgb;
        if (preprocess.resize) {
            img = Images.resize(img, loadSize, loadSize);
        } else if (preprocess.scaleWidth) {
            img = scaleWidth(img, loadSize, cropSize);
        }
        if (preprocess.crop) img = randomCrop(img, cropSize, rng);
        if (preprocess == Preprocess.NONE) img = makePower2(img, 4);
        boolean flip = !noFlip && rng.nextFloat() < 0.5f;
        return new Prepared(augmentation.apply(img, rng), flip);
    }

    /**
     * The size {@link #apply} gives an image of {@code width × height}, without touching pixels: every step's size is
     * fixed by the options and the input size (only the crop's position is random; the augmentation keeps the size). An image smaller than the crop is
     * an IllegalArgumentException, as in {@link #apply}.
     */
    public int[] preparedSize(int width, int height) {
        int w = width, h = height;
        if (preprocess.resize) {
            w = loadSize;
            h = loadSize;
        } else if (preprocess.scaleWidth && !(w == loadSize && h >= cropSize)) {
            h = (int) Math.max((double) loadSize * h / w, cropSize);
            w = loadSize;
        }
        if (preprocess.crop) {
            checkCrop(w, h, cropSize);
            w = cropSize;
            h = cropSize;
        }
        if (preprocess == Preprocess.NONE) {
            w = power2Side(w, 4);
            h = power2Side(h, 4);
        }
        return new int[] {w, h};
    }

    /** The reference's __scale_width: width = target, height = int(max(target·oh/ow, crop)). */
    static BufferedImage scaleWidth(BufferedImage img, int target, int crop) {
        int ow = img.getWidth(), oh = img.getHeight();
        if (ow == target && oh >= crop) return img;
        int h = (int) Math.max((double) target * oh / ow, crop);
        return Images.resize(img, target, h);
    }

    /**
     * The reference's __make_power_2: each side rounded to the nearest multiple of {@code base} (Python's round, i.e.
     * halves to even). Where the reference would make a side 0 (images under base/2 pixels, which PIL refuses) we use
     * {@code base}.
     */
    static BufferedImage makePower2(BufferedImage img, int base) {
        int ow = img.getWidth(), oh = img.getHeight();
        int h = power2Side(oh, base), w = power2Side(ow, base);
        if (h == oh && w == ow) return img;
        return Images.resize(img, w, h);
    }

    private static int power2Side(int side, int base) {
        return Math.max(base, (int) Math.rint((double) side / base) * base);
    }

    /** torchvision's RandomCrop(size) without padding: top then left drawn uniformly; refuses smaller images. */
    static BufferedImage randomCrop(BufferedImage img, int size, Random rng) {
        int w = img.getWidth(), h = img.getHeight();
        checkCrop(w, h, size);
        if (w == size && h == size) return img;
        int top = rng.nextInt(h - size + 1);
        int left = rng.nextInt(w - size + 1);
        return img.getSubimage(left, top, size, size);
    }

    private static void checkCrop(int w, int h, int size) {
        if (w < size || h < size) {
            throw new IllegalArgumentException("image of " + w + "x" + h + " is smaller than the crop of " + size + "x" + size
                    + " (choose a smaller --crop_size, or a --load_size at least as large)");
        }
    }

    /** ToTensor + Normalize((0.5,)*3, (0.5,)*3): CHW floats (v/255 − 0.5)/0.5, mirrored horizontally if asked. */
    public static void toTensor(BufferedImage rgb, boolean flip, float[] dst, int offset) {
        int w = rgb.getWidth(), h = rgb.getHeight(), plane = w * h;
        if (offset < 0 || offset + 3 * plane > dst.length) throw new IllegalArgumentException("toTensor: destination too small");
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            int base = offset + y * w;
            for (int x = 0; x < w; x++) {
                int p = row[flip ? w - 1 - x : x];
                dst[base + x] = norm((p >> 16) & 255);
                dst[base + plane + x] = norm((p >> 8) & 255);
                dst[base + 2 * plane + x] = norm(p & 255);
            }
        }
    }

    private static float norm(int v) {
        return (v / 255f - 0.5f) / 0.5f;
    }
}
