package org.cyclegan.engine.reference;

import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Float64Access;
import org.cyclegan.engine.backend.Storage;

/**
 * The reference backend in float64: the same loops ({@link ReferenceBackend}'s, written once for both precisions),
 * with every tensor a {@code double[]} and nothing rounded to float, so a function of tensors made of the engine's ops
 * is evaluated in float64 end to end. It exists for the gradient check in double ({@code GradCheck}), as PyTorch's
 * gradcheck runs on float64 tensors.
 *
 * <p>The {@link Backend} contract is float32 at its edges, and is kept: {@code upload(float[])} widens,
 * {@code download} rounds to float, scalar arguments (a {@code binaryScalar}'s s, an eps) are float values widened.
 * {@link Float64Access} sets and reads the values in double. It agrees with the float32 reference backend to float32
 * rounding (a contract test checks it). It is not offered by {@code --device}: training in double is not what it is
 * for.
 */
public final class Float64ReferenceBackend extends ReferenceBackend implements Float64Access {

    public Float64ReferenceBackend() {
        super(Precision.FLOAT64);
    }

    @Override
    public String name() {
        return "reference64";
    }

    @Override
    public String description() {
        return "reference64 (the reference backend's loops in float64, single thread)";
    }

    @Override
    public Storage uploadDouble(double[] values) {
        return new DoubleStorage(values.clone());
    }

    @Override
    public double[] downloadDouble(Storage storage) {
        return ((DoubleStorage) storage).array().clone();
    }
}
