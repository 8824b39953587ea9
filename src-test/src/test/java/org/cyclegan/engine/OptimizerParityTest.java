package org.cyclegan.engine;

import static org.cyclegan.testing.Fixtures.boolParam;
import static org.cyclegan.testing.Fixtures.floatParam;
import static org.cyclegan.testing.Fixtures.intParam;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cyclegan.engine.optim.Adam;
import org.cyclegan.engine.optim.Optimizer;
import org.cyclegan.engine.optim.SGD;
import org.cyclegan.testing.Close;
import org.cyclegan.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * 20 optimizer steps on a fixed least-squares problem (loss = mse(x·w + b, y)) against torch.optim with the same
 * hyper-parameters: after every step each parameter must be within 1e-6 (absolute) of PyTorch's.
 */
class OptimizerParityTest {
    static final double TOL = 1e-6;

    private static void run(String caseName) {
        Fixtures f = Fixtures.load("optim");
        Map<String, Object> p = f.cases().stream().filter(c -> c.get("name").equals(caseName)).findFirst().orElseThrow();
        Tensor x = f.get(caseName, "x"), y = f.get(caseName, "y");
        Tensor w = f.get(caseName, "w0").requiresGrad(true), b = f.get(caseName, "b0").requiresGrad(true);
        Optimizer opt = p.get("optimizer").equals("adam")
                ? new Adam(List.of(w, b), floatParam(p, "lr"), floatParam(p, "beta1"), floatParam(p, "beta2"), floatParam(p, "eps"), floatParam(p, "weight_decay"))
                : new SGD(List.of(w, b), floatParam(p, "lr"), floatParam(p, "momentum"), floatParam(p, "dampening"), floatParam(p, "weight_decay"), boolParam(p, "nesterov"));
        double worst = 0;
        for (int step = 1; step <= intParam(p, "steps"); step++) {
            opt.zeroGrad();
            F.mseLoss(x.matmul(w).add(b), y).backward();
            opt.step();
            double dw = Close.maxAbsDiff(f.get(caseName, "w" + step).toArray(), w.toArray());
            double db = Close.maxAbsDiff(f.get(caseName, "b" + step).toArray(), b.toArray());
            worst = Math.max(worst, Math.max(dw, db));
            final int s = step;
            assertTrue(dw <= TOL && db <= TOL, () -> caseName + " step " + s + ": |Δw| = " + dw + ", |Δb| = " + db);
        }
        // The parameters must really have moved, or the comparison would be vacuous.
        assertTrue(Close.maxAbsDiff(f.get(caseName, "w0").toArray(), w.toArray()) > 1e-3, caseName + ": parameters did not move");
        System.out.printf("%s: largest difference to torch.optim over 20 steps %.2e%n", caseName, worst);
    }

    @Test void adam_betas05_0999_matchesTorch() { run("adam"); }
    @Test void adam_weightDecay_eps_matchesTorch() { run("adam_wd"); }
    @Test void sgd_nesterovMomentum_weightDecay_matchesTorch() { run("sgd_nesterov"); }
}
