package org.cyclegan.engine.backend;

/**
 * Element-wise functions of one argument. Each carries its scalar definition, which is what the reference backend
 * runs and what faster backends must agree with. Derivatives are not here: they live with the autodiff ops
 * in {@code org.cyclegan.engine.ops}.
 *
 * <p>The definition is written in double ({@link #apply(double)}, what the float64 reference backend runs); the float32
 * kernels round its result ({@link #apply(float)}). For negation, abs, sqrt and the comparisons that rounding gives
 * exactly the float32 operation; the transcendental functions were computed in double and rounded anyway.
 */
public enum UnaryOp {
    NEG { public double apply(double x) { return -x; } },
    EXP { public double apply(double x) { return Math.exp(x); } },
    LOG { public double apply(double x) { return Math.log(x); } },
    SQRT { public double apply(double x) { return Math.sqrt(x); } },
    ABS { public double apply(double x) { return Math.abs(x); } },
    TANH { public double apply(double x) { return Math.tanh(x); } },
    /** 1 / (1 + e^-x), written so that neither branch overflows. */
    SIGMOID {
        public double apply(double x) {
            if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
            double e = Math.exp(x);
            return e / (1.0 + e);
        }
    },
    /** max(x, 0); NaN stays NaN (as PyTorch), so a diverging run is not hidden. */
    RELU { public double apply(double x) { return Math.max(x, 0.0); } },
    /** -1, 0 or 1. The derivative of |x| (0 at 0, as PyTorch). */
    SIGN { public double apply(double x) { return Math.signum(x); } },
    /** 1 where x &gt; 0, else 0. The derivative of relu (0 at 0, as PyTorch). */
    STEP { public double apply(double x) { return x > 0 ? 1.0 : 0.0; } },
    /** log(1 + x), accurate for small x. */
    LOG1P { public double apply(double x) { return Math.log1p(x); } };

    /** The definition, in double. */
    public abstract double apply(double x);

    /** The definition for a float32 kernel: computed in double, rounded to float. */
    public final float apply(float x) {
        return (float) apply((double) x);
    }
}
