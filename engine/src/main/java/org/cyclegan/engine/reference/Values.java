package org.cyclegan.engine.reference;

import org.cyclegan.engine.backend.HostStorage;
import org.cyclegan.engine.backend.Storage;

/**
 * A tensor's elements as the reference loops see them: read and written as doubles, stored in the backend's
 * {@link Precision}. Reading a float widens it exactly; setting a float32 element rounds the value to float, as a
 * float32 kernel rounds its result, and a float64 element keeps it. So one loop, {@code y.set(i, f(x.get(i)))}, is
 * both the float32 kernel and the float64 one.
 */
abstract class Values {

    /** Number of elements. */
    abstract int length();

    abstract double get(int i);

    /** Stores {@code v}, rounded to float when the elements are float32. */
    abstract void set(int i, double v);

    /** Copies {@code n} elements of {@code src} (of the same precision) from {@code from} to {@code to} here, unchanged. */
    abstract void copy(Values src, int from, int to, int n);

    /** A new storage holding these elements (it joins the thread's open memory scope, as every storage does). */
    abstract Storage storage();

    /** float32 elements: a {@link HostStorage}'s {@code float[]}. */
    static final class Floats extends Values {
        final float[] a;

        Floats(float[] a) { this.a = a; }

        @Override int length() { return a.length; }
        @Override double get(int i) { return a[i]; }
        @Override void set(int i, double v) { a[i] = (float) v; }
        @Override void copy(Values src, int from, int to, int n) { System.arraycopy(((Floats) src).a, from, a, to, n); }
        @Override Storage storage() { return new HostStorage(a); }
    }

    /** float64 elements: a {@link DoubleStorage}'s {@code double[]}. */
    static final class Doubles extends Values {
        final double[] a;

        Doubles(double[] a) { this.a = a; }

        @Override int length() { return a.length; }
        @Override double get(int i) { return a[i]; }
        @Override void set(int i, double v) { a[i] = v; }
        @Override void copy(Values src, int from, int to, int n) { System.arraycopy(((Doubles) src).a, from, a, to, n); }
        @Override Storage storage() { return new DoubleStorage(a); }
    }
}
