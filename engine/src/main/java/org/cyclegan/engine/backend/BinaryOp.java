package org.cyclegan.engine.backend;

/** Element-wise functions of two arguments (broadcasting is the backend's job, the scalar rule is here). */
public enum BinaryOp {
    ADD { public float apply(float a, float b) { return a + b; } },
    SUB { public float apply(float a, float b) { return a - b; } },
    MUL { public float apply(float a, float b) { return a * b; } },
    DIV { public float apply(float a, float b) { return a / b; } },
    /** max(a, b). No autodiff op uses it yet; backends implement it so the set stays complete. */
    MAX { public float apply(float a, float b) { return Math.max(a, b); } };

    public abstract float apply(float a, float b);
}
