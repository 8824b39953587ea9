package org.cyclegan.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Adam, fused: one pass over the parameter, its gradient and both moments, in place, split across the workers. */
final class OptimizerKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private OptimizerKernels() {}

    /**
     * One Adam step in PyTorch's order (see {@code Backend.adamUpdate}): g += wd·p; m = β1·m + (1−β1)·g;
     * v = β2·v + (1−β2)·g²; p −= stepSize · m / (√v / bc2Sqrt + eps).
     */
    static void adam(float[] param, float[] grad, float[] m, float[] v, float beta1, float beta2, float eps,
                     float weightDecay, float stepSize, float bc2Sqrt, WorkerPool pool) {
        float c1 = 1f - beta1, c2 = 1f - beta2, negStep = -stepSize;
        pool.forVectorRanges(param.length, (s, e) -> {
            int i = s;
            for (; i <= e - S.length(); i += S.length()) {
                FloatVector p = FloatVector.fromArray(S, param, i);
                FloatVector g = FloatVector.fromArray(S, grad, i);
                g = g.add(p.mul(weightDecay));   // unconditional: a vector chosen at a branch would be boxed
                FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(g.mul(c1));
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(g.mul(c2).mul(g));
                FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
                mv.intoArray(m, i);
                vv.intoArray(v, i);
                p.add(mv.div(denom).mul(negStep)).intoArray(param, i);
            }
            for (; i < e; i++) {
                float g = weightDecay != 0f ? grad[i] + weightDecay * param[i] : grad[i];
                m[i] = m[i] * beta1 + g * c1;
                v[i] = v[i] * beta2 + c2 * g * g;
                float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
                param[i] = param[i] + negStep * (m[i] / denom);
            }
        });
    }
}
