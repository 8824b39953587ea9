package org.cyclegan.engine.backend;

/**
 * Element-wise functions of two arguments (broadcasting is the backend's job, the scalar rule is here). As for
 * {@link UnaryOp}, the rule is written in double and the float32 kernels round its result: for + − × ÷ and max of two
 * floats, the double result rounded to float is exactly the float32 operation's.
 */
public enum BinaryOp {
    ADD { public double apply(double a, double b) { return a + b; } },
    SUB { public double apply(double a, double b) { return a - b; } },
    MUL { public double apply(double a, double b) { return a * b; } },
    DIV { public double apply(double a, double b) { return a / b; } },
    /** max(a, b). No autodiff op uses it yet; backends implement it so the set stays complete. */
    MAX { public double apply(double a, double b) { return Math.max(a, b); } };

    /** The rule, in double. */
    public abstract double apply(double a, double b);

    /** The rule for a float32 kernel: computed in double, rounded to float. */
    public final float apply(float a, float b) {
        return (float) apply((double) a, (double) b);
    }
}
