package org.cyclegan.engine.ops;

import java.util.Arrays;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;

/** Argument checks shared by the ops; every message names the op and the shapes involved. */
final class Checks {
    private Checks() {}

    static void sameBackend(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": tensors live on different backends (" + a.backend().name() + ", " + b.backend().name() + ")");
        }
    }

    static void sameShape(String op, String what, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " shapes differ: " + Shape.str(a.shape()) + " vs " + Shape.str(b.shape()));
        }
    }

    static void rank(String op, String what, Tensor t, int rank) {
        Shape.requireRank(op, what, t.shape(), rank);
    }

    static IllegalArgumentException error(String op, String message) {
        return new IllegalArgumentException(op + ": " + message);
    }
}
