package org.cyclegan.train.gan;

import java.util.ArrayList;
import java.util.List;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;

/**
 * The history of generated images that the discriminators are trained on (Shrivastava et al. 2017), as the reference's
 * {@code ImagePool}: until the pool is full every new fake is stored and returned; afterwards, with probability 1/2 a
 * random stored fake is returned and the new one takes its place, otherwise the new fake is returned unchanged.
 * Images are kept as detached copies, one sample each, outside any iteration's {@link MemoryScope}. The stored images
 * and the random state are saved with the training state ({@link #images}, {@link #random}, {@link #restore}).
 */
public final class ImagePool {
    private final int size;
    private final ResumableRandom rng;
    private final List<Tensor> images = new ArrayList<>();

    public ImagePool(int size, ResumableRandom rng) {
        if (size < 0) throw new IllegalArgumentException("--pool_size must be >= 0, got " + size);
        this.size = size;
        this.rng = rng;
    }

    /** Returns a batch of the same shape as {@code fakes}, drawn from the history as described above. */
    public Tensor query(Tensor fakes) {
        if (size == 0) return fakes;
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < fakes.dim(0); i++) {
            // slice returns a new tensor: keeping it takes it out of the step's scope, no further copy needed.
            Tensor image = MemoryScope.keep(fakes.detach().slice(0, i, 1));
            if (images.size() < size) {
                images.add(image);
                out.add(image);
            } else if (rng.nextDouble() > 0.5) {
                int id = rng.nextInt(size);
                Tensor old = images.set(id, image);
                out.add(old);
                MemoryScope.adopt(old);   // leaves the pool: freed with the current iteration
            } else {
                out.add(image);
                MemoryScope.adopt(image);   // not stored: an ordinary temporary of this iteration
            }
        }
        return out.size() == 1 ? out.get(0) : F.concat(out, 0);
    }

    /** Number of stored images. */
    public int count() {
        return images.size();
    }

    public List<Tensor> images() {
        return List.copyOf(images);
    }

    /** The generator deciding which image to return; its state is part of the training state. */
    public ResumableRandom random() {
        return rng;
    }

    /** Replaces the history with copies of {@code saved} (one image each, at most the pool size), kept outside any scope. */
    public void restore(List<Tensor> saved) {
        if (saved.size() > size) throw new IllegalArgumentException("image pool: " + saved.size() + " saved images but the pool holds " + size);
        for (Tensor t : images) t.close();
        images.clear();
        for (Tensor t : saved) {
            if (t.dim(0) != 1) throw new IllegalArgumentException("image pool: a saved image has batch size " + t.dim(0) + ", expected 1");
            images.add(MemoryScope.keep(t.detach().slice(0, 0, 1)));
        }
    }
}
