package org.cyclegan.train.data;

import java.util.List;
import org.cyclegan.engine.Tensor;

/**
 * A batch of unaligned pairs: {@code realA} and {@code realB} as NCHW float32 data of shape [batch, 3, H, W] in
 * [−1, 1], with the source file of every image. A and B are already swapped for {@code --direction BtoA}, so
 * {@code realA} is what the model calls real_A.
 *
 * <p>The data is held as plain arrays so that a batch can be prepared on a loader thread; {@link #realA()} and
 * {@link #realB()} make a tensor on the calling thread's default backend, owned by its current
 * {@link org.cyclegan.engine.MemoryScope} (so a training step's scope releases it). Each call makes a new tensor.
 */
public record Batch(float[] dataA, int[] shapeA, float[] dataB, int[] shapeB, List<String> pathsA, List<String> pathsB) {
    public Batch {
        pathsA = List.copyOf(pathsA);
        pathsB = List.copyOf(pathsB);
    }

    public int size() {
        return pathsA.size();
    }

    /** real_A as a new tensor [batch, 3, H, W]. */
    public Tensor realA() {
        return Tensor.of(dataA, shapeA);
    }

    /** real_B as a new tensor [batch, 3, H, W]. */
    public Tensor realB() {
        return Tensor.of(dataB, shapeB);
    }
}
