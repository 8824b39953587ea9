package org.cyclegan.model.interop.torch;

import java.util.Arrays;
import org.cyclegan.engine.Shape;

/**
 * A tensor read from a PyTorch checkpoint, in its own dtype: float values (widened or rounded to float32) for the
 * floating-point dtypes, long values for the integer and bool ones. Which dtypes a caller accepts where is the
 * caller's decision (a weight must be floating point; batch norm's {@code num_batches_tracked} is int64).
 */
public final class StoredTensor {
    private final TorchDType dtype;
    private final int[] shape;
    private final float[] floats;
    private final long[] integers;

    StoredTensor(TorchDType dtype, int[] shape, float[] floats, long[] integers) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.integers = integers;
    }

    public TorchDType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int numel() {
        return Shape.numel(shape);
    }

    /** The values as float32, row-major; only for floating-point dtypes. */
    public float[] floats() {
        if (floats == null) throw new IllegalStateException("a " + dtype.torchName() + " tensor has no float values");
        return floats.clone();
    }

    /** The values as longs, row-major; only for integer and bool dtypes. */
    public long[] integers() {
        if (integers == null) throw new IllegalStateException("a " + dtype.torchName() + " tensor has no integer values");
        return integers.clone();
    }

    @Override
    public String toString() {
        return dtype.torchName() + Arrays.toString(shape);
    }
}
