package org.cyclegan.engine.reference;

import org.cyclegan.engine.backend.HostStorage;
import org.cyclegan.engine.backend.Storage;

/**
 * What the reference backend stores its tensors in. Float32, the engine's precision, is a {@link HostStorage}'s
 * {@code float[]}, as the cpu backend's; float64 is a {@code double[]}, for the gradient check in double. The kernels
 * are the same loops for both (they read and write through {@link Values}); only storage and the contract's float32
 * edges (upload widens, download rounds) differ.
 */
enum Precision {
    FLOAT32 {
        @Override Values view(Storage s) { return new Values.Floats(((HostStorage) s).array()); }
        @Override Values zeros(int n) { return new Values.Floats(new float[n]); }
        @Override Storage upload(float[] values) { return new HostStorage(values.clone()); }
        @Override float[] download(Storage s) { return ((HostStorage) s).array().clone(); }
    },
    FLOAT64 {
        @Override Values view(Storage s) { return new Values.Doubles(((DoubleStorage) s).array()); }
        @Override Values zeros(int n) { return new Values.Doubles(new double[n]); }
        @Override Storage upload(float[] values) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) d[i] = values[i];
            return new DoubleStorage(d);
        }
        @Override float[] download(Storage s) {
            double[] d = ((DoubleStorage) s).array();
            float[] f = new float[d.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
            return f;
        }
    };

    /** The elements of a storage of this precision (not a copy: setting them sets the storage's). */
    abstract Values view(Storage s);

    /** New elements, all zero. */
    abstract Values zeros(int n);

    /** A storage holding {@code values}, widened where this precision is wider. */
    abstract Storage upload(float[] values);

    /** A copy of the storage's values, rounded to float. */
    abstract float[] download(Storage s);

    /**
     * Rounds the result of one arithmetic operation as this precision's arithmetic does: to float for float32, not at
     * all for float64. Float32 arithmetic rounds after every operation, and an operation (+ − × ÷ √) on floats computed
     * in double and then rounded gives exactly the float operation's result; so an expression with each operation
     * wrapped in round is the float32 expression bit for bit, and the float64 one unchanged.
     */
    double round(double x) {
        return this == FLOAT32 ? (float) x : x;
    }
}
