package org.cyclegan.train.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GradMode;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.train.data.DataOptions;
import org.cyclegan.train.data.ImageReadException;
import org.cyclegan.train.data.ImageSource;
import org.cyclegan.train.data.Transform;
import org.cyclegan.train.data.UnalignedDataset;

/**
 * A few fixed training images of each domain, prepared once, and the {@link CopyDistance} of two generators on them.
 *
 * <p>The images are spread evenly over each domain (image {@code i · size / n}), in the model's domains (with
 * --direction BtoA the folder-B images are domain A, as in training), preprocessed as for training but without any
 * augmentation: no flip, and where a random crop remains (--load_size above --crop_size) a generator seeded with the
 * image's number, so every measure sees the same pixels. Images that cannot be read are left out.
 *
 * <p>Measuring disturbs nothing of a run: it draws from no random generator of the run, runs with gradients off
 * inside its own {@link MemoryScope}, and puts each generator in eval mode for the measure (dropout off, batch norm on
 * its running statistics, which it does not update), restoring the mode it had.
 */
public final class CopyProbe {
    /** Images per domain: enough that one odd image does not decide, few enough to cost about a sample grid's forwards. */
    public static final int DEFAULT_IMAGES = 16;

    private record Image(float[] data, int[] shape) {}

    private final List<Image> a, b;

    private CopyProbe(List<Image> a, List<Image> b) {
        this.a = a;
        this.b = b;
    }

    /** {@code n} images of each of {@code data}'s domains; images that cannot be read go to {@code warn} and are left out. */
    public static CopyProbe of(UnalignedDataset data, int n, Consumer<String> warn) {
        DataOptions o = data.options();
        boolean aToB = o.direction().equals("AtoB");
        Transform plain = new Transform(o.preprocess(), o.loadSize(), o.cropSize(), true);
        return new CopyProbe(images(aToB ? data.sourceA() : data.sourceB(), n, plain, warn),
                images(aToB ? data.sourceB() : data.sourceA(), n, plain, warn));
    }

    private static List<Image> images(ImageSource source, int n, Transform plain, Consumer<String> warn) {
        List<Image> images = new ArrayList<>();
        int count = Math.min(n, source.size());
        for (int i = 0; i < count; i++) {
            int index = (int) ((long) i * source.size() / count);
            try {
                Transform.Prepared p = plain.apply(source.read(index), new Random(i));
                images.add(new Image(p.toArray(), new int[] {1, 3, p.height(), p.width()}));
            } catch (ImageReadException | IllegalArgumentException e) {
                warn.accept("the doctor leaves out " + source.paths().get(index) + ": " + e.getMessage());
            }
        }
        return images;
    }

    /** The mean |G(x) − x| of {@code gA} on the A images and of {@code gB} on the B images. */
    public CopyDistance measure(Module gA, Module gB, String when) {
        return new CopyDistance(distance(gA, a), distance(gB, b), a.size(), b.size(), when);
    }

    private static double distance(Module g, List<Image> images) {
        if (images.isEmpty()) return Double.NaN;
        boolean training = g.isTraining();
        g.eval();
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope noGrad = GradMode.noGrad()) {
            double sum = 0;
            for (Image image : images) {
                Tensor x = Tensor.of(image.data(), image.shape());
                sum += g.forward(x).sub(x).abs().mean().item();
            }
            return sum / images.size();
        } finally {
            g.train(training);
        }
    }
}
