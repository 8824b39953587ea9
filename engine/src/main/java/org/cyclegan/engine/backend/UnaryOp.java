package org.cyclegan.engine.backend;

/**
 * Element-wise functions of one argument. Each carries its scalar definition, which is what the reference backend
 * runs and what faster backends must agree with. Derivatives are not here: they live with the autodiff ops
 * in {@code org.cyclegan.engine.ops}.
 */
public enum UnaryOp {
    NEG { public float apply(float x) { return -x; } },
    EXP { public float apply(float x) { return (float) Math.exp(x); } },
    LOG { public float apply(float x) { return (float) Math.log(x); } },
    SQRT { public float apply(float x) { return (float) Math.sqrt(x); } },
    ABS { public float apply(float x) { return Math.abs(x); } },
    TANH { public float apply(float x) { return (float) Math.tanh(x); } },
    /** 1 / (1 + e^-x), written so that neither branch overflows. */
    SIGMOID {
        public float apply(float x) {
            if (x >= 0) return (float) (1.0 / (1.0 + Math.exp(-x)));
            double e = Math.exp(x);
            return (float) (e / (1.0 + e));
        }
    },
    /** max(x, 0); NaN stays NaN (as PyTorch), so a diverging run is not hidden. */
    RELU { public float apply(float x) { return Math.max(x, 0f); } },
    /** -1, 0 or 1. The derivative of |x| (0 at 0, as PyTorch). */
    SIGN { public float apply(float x) { return Math.signum(x); } },
    /** 1 where x &gt; 0, else 0. The derivative of relu (0 at 0, as PyTorch). */
    STEP { public float apply(float x) { return x > 0 ? 1f : 0f; } },
    /** log(1 + x), accurate for small x. */
    LOG1P { public float apply(float x) { return (float) Math.log1p(x); } };

    public abstract float apply(float x);
}
