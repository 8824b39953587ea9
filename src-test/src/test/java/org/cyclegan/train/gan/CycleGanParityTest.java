package org.cyclegan.train.gan;

import static org.cyclegan.testing.Fixtures.boolParam;
import static org.cyclegan.testing.Fixtures.floatParam;
import static org.cyclegan.testing.Fixtures.intParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.model.DiscriminatorKind;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole CycleGAN training steps against the reference's {@code CycleGANModel.optimize_parameters}, re-run in PyTorch
 * 1.13 by {@code src-test/fixtures/generate_cyclegan_step_fixtures.py}: the four networks start from the fixture's
 * state dicts, take three steps ({@link CycleGan#optimize}) on the fixture's images, and must give the reference's
 * eight losses at every step and its parameters after the last step. Each case runs on the reference backend and on
 * the cpu backend. Cases: lsgan, vanilla, and wgangp with the gradient penalty at mixed points (the reference's step
 * with the penalty added to the D loss, its α taken from the fixture) and with λ_gp 0 (the reference's step exactly);
 * wgangp also compares the two penalties gp_A and gp_B.
 *
 * <p><b>Losses</b>: relative error ≤ {@value #LOSS_TOL}. Float32 PyTorch is itself within 1e-6 of a float64 run of the
 * same steps (the generator prints this and stores it as {@code float64_loss_rel_err}); ours are within 6e-6 of
 * PyTorch's on either backend (step 1 depends on the forward only; steps 2 and 3 also on the updates). 1e-4 leaves a
 * margin of more than ten and is still far below what a wrong term does (a swapped identity weight: 0.5 to 1; the
 * discriminator fed a fake recomputed after the generator update: 4e-3 to 4e-2). In wgangp mode a critic's loss is a
 * difference of D's mean outputs and can cancel to almost nothing (-0.0013 against outputs of about 0.2), where a
 * relative error measures rounding alone; there the error is taken relative to the size of what the loss is made of,
 * which the fixture stores as {@code loss_scales} (mean |D(fake)| for G_A and G_B; half the mean |D| on real and fake
 * plus the penalty, halved with them, for D_A and D_B). Against that, float32 PyTorch is within 5e-6 of float64 (the
 * penalty on, and λ_gp 0), and ours within 1.3e-5 of PyTorch's (gp_B at step 3, on the cpu backend: a norm of
 * second-order gradients summed over the image); their parameter updates within 1.7e-3·lr.
 *
 * <p><b>Parameters</b>: compared as updates, Δ = p_final − p_initial (|p| is up to about 0.3, |Δ| a few lr), in units
 * of lr. Adam's first steps move each element by lr·m̂/(√v̂ + eps), which for t ≤ 3 lies within ±3.19·lr whatever
 * the gradients (Cauchy–Schwarz over the bias-corrected weights: 1, 1.054, 1.134 for steps 1, 2, 3) and is nearly
 * invariant to the gradients' size: an element's update error is about lr·δg/|g|, where δg is the float32 error of its
 * gradient and |g| the size of its gradients so far. δg is roughly 1e-6 of the tensor's largest gradient, so elements
 * whose gradient is small at the first steps are the worst conditioned. The fixture's float64 run measures this for
 * PyTorch's own float32: at most 1.6e-3·lr (lsgan; G_A model.15.conv_block.1.weight[69], whose gradients at steps 1
 * and 2 are 1e-3 and 1.6e-4 against a largest one of about 1, the second off by 2e-6 in float32) and 6e-4·lr
 * (vanilla), over every element of every network. Ours are within 3.7e-3·lr of PyTorch's (the same element; on the
 * cpu backend at 128, 256 and 512-bit vectors and on the reference backend). The tolerance is
 * {@value #UPDATE_TOL_LR}·lr, plus {@value #ULP_TOL}·|p| for the float32 rounding of p itself (a few ulps): the
 * worst-conditioned element's error scaled by about three, and a hundredth of what a sign flip (2·lr) or any wrong
 * gradient costs (the two wrong steps above: 6·lr).
 *
 * <p>The exception is the biases of convolutions followed by instance norm ({@code zero_grad_keys}; in wgangp mode
 * also the critic's last bias, which neither the critic's loss nor the penalty depends on): the norm removes
 * any constant a bias adds, so their gradient is zero in exact arithmetic and float32 rounding noise in practice, and
 * Adam turns noise of any size into a step of up to ±lr (g/(|g| + eps) with eps 1e-8). Their values cannot affect
 * anything, so both sides are only checked to have moved no further than Adam allows (3.2·lr over three steps).
 */
class CycleGanParityTest {
    static final double LOSS_TOL = 1e-4;
    static final double UPDATE_TOL_LR = 1e-2;
    static final double ULP_TOL = 1e-6;
    /** Adam's largest possible total move over the first three steps with betas (0.5, 0.999), in units of lr. */
    static final double ADAM_BOUND_3_STEPS = 3.2;
    static final String[] NETS = {"G_A", "G_B", "D_A", "D_B"};
    static final Map<String, String> WORST = new TreeMap<>();

    @AfterAll
    static void report() {
        WORST.forEach((c, w) -> System.out.printf("cyclegan step parity %-34s %s%n", c, w));
    }

    @TestFactory Stream<DynamicTest> threeStepsMatchThePyTorchReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fixture : List.of("cyclegan_step_resnet6_lsgan", "cyclegan_step_resnet6_vanilla", "cyclegan_step_resnet6_wgangp",
                "cyclegan_step_resnet6_wgangp_nogp")) {
            tests.add(DynamicTest.dynamicTest(fixture + " on reference", () -> run(fixture, "reference", ReferenceBackend::new)));
            tests.add(DynamicTest.dynamicTest(fixture + " on cpu", () -> run(fixture, "cpu", () -> new CpuBackend(2))));
        }
        return tests.stream();
    }

    static CycleGanConfig config(Map<String, Object> c) {
        CycleGanConfig cfg = new CycleGanConfig();
        cfg.inputNc = intParam(c, "input_nc");
        cfg.outputNc = intParam(c, "output_nc");
        cfg.ngf = intParam(c, "ngf");
        cfg.ndf = intParam(c, "ndf");
        cfg.netG = GeneratorKind.parse((String) c.get("netG"));
        cfg.netD = DiscriminatorKind.parse((String) c.get("netD"), intParam(c, "n_layers_D"));
        cfg.norm = (String) c.get("norm");
        cfg.noDropout = boolParam(c, "no_dropout");
        cfg.ganMode = (String) c.get("gan_mode");
        cfg.poolSize = intParam(c, "pool_size");
        cfg.lambdaA = floatParam(c, "lambda_A");
        cfg.lambdaB = floatParam(c, "lambda_B");
        cfg.lambdaIdentity = floatParam(c, "lambda_identity");
        cfg.lr = floatParam(c, "lr");
        cfg.beta1 = floatParam(c, "beta1");
        if (c.containsKey("lambda_gp")) cfg.lambdaGp = floatParam(c, "lambda_gp");
        if (c.containsKey("gp_type")) cfg.gpType = (String) c.get("gp_type");
        return cfg;
    }

    /**
     * wgangp with the penalty on: its step draws α with torch.rand, which Java cannot reproduce, so the fixture's α
     * (D_A's, then D_B's, step by step) are handed to the step in the order it asks for them.
     */
    private static Deque<float[]> feedPenaltyAlphas(CycleGan model, Fixtures f, String name, int steps) {
        Deque<float[]> alphas = new ArrayDeque<>();
        if (!f.has(name, "step1.alpha_D_A")) return alphas;
        for (int s = 1; s <= steps; s++) {
            alphas.add(f.get(name, "step" + s + ".alpha_D_A").toArray());
            alphas.add(f.get(name, "step" + s + ".alpha_D_B").toArray());
        }
        model.gradientPenalty.drawAlphasFrom(batch -> {
            float[] a = alphas.remove();
            assertEquals(batch, a.length, "one α per sample");
            return a;
        });
        return alphas;
    }

    private static void run(String fixture, String backendName, Supplier<Backend> backendFactory) {
        Backend previous = Backends.getDefault();
        Backend backend = backendFactory.get();
        Backends.setDefault(backend);
        try {
            Fixtures f = Fixtures.load(fixture);
            Map<String, Object> c = f.cases().get(0);
            String name = (String) c.get("name");
            CycleGan model = new CycleGan(config(c), new Random(0));
            Map<String, Module> nets = new LinkedHashMap<>();
            nets.put("G_A", model.gA);
            nets.put("G_B", model.gB);
            nets.put("D_A", model.dA);
            nets.put("D_B", model.dB);
            @SuppressWarnings("unchecked")
            Map<String, List<String>> stateKeys = (Map<String, List<String>>) c.get("state_keys");
            @SuppressWarnings("unchecked")
            Map<String, List<String>> zeroKeys = (Map<String, List<String>>) c.get("zero_grad_keys");
            Map<String, Map<String, float[]>> initial = new LinkedHashMap<>();
            for (String n : NETS) {
                Module net = nets.get(n);
                assertEquals(stateKeys.get(n), new ArrayList<>(net.stateDict().keySet()), n + ": state-dict keys differ from the reference's");
                Map<String, Tensor> state = new LinkedHashMap<>();
                Map<String, float[]> values = new LinkedHashMap<>();
                for (String k : stateKeys.get(n)) {
                    Tensor t = f.get(name, "init." + n + "." + k);
                    state.put(k, t);
                    values.put(k, t.toArray());
                }
                net.loadStateDict(state);
                initial.put(n, values);
            }

            // Losses, step by step.
            int steps = intParam(c, "steps");
            @SuppressWarnings("unchecked")
            List<String> lossNames = (List<String>) c.get("loss_names");
            assertEquals(model.lossNames(), lossNames);
            float[] expected = f.get(name, "losses").toArray();
            float[] scales = f.has(name, "loss_scales") ? f.get(name, "loss_scales").toArray() : null;
            Deque<float[]> alphas = feedPenaltyAlphas(model, f, name, steps);
            double worstLoss = 0;
            String worstLossWhat = "";
            List<String> failures = new ArrayList<>();
            for (int s = 1; s <= steps; s++) {
                Map<String, Float> losses = model.optimize(f.get(name, "step" + s + ".real_A"), f.get(name, "step" + s + ".real_B"));
                for (int i = 0; i < lossNames.size(); i++) {
                    int at = (s - 1) * lossNames.size() + i;
                    double torch = expected[at];
                    double ours = losses.get(lossNames.get(i));
                    double diff = Math.abs(ours - torch);   // exactly equal passes also where the loss is 0 (no penalty)
                    double rel = diff == 0 ? 0 : diff / (scales == null ? Math.abs(torch) : scales[at]);
                    if (!(rel <= LOSS_TOL)) failures.add(String.format("step %d loss %s: ours %.9g, torch %.9g, relative error %.2e", s, lossNames.get(i), ours, torch, rel));
                    if (rel >= worstLoss) { worstLoss = rel; worstLossWhat = "step " + s + " " + lossNames.get(i); }
                }
            }

            assertTrue(alphas.isEmpty(), alphas.size() + " of the reference's interpolation weights were not drawn");

            // Parameters after the last step, as updates in units of lr.
            double lr = floatParam(c, "lr");
            StringBuilder perNet = new StringBuilder();
            for (String n : NETS) {
                Map<String, Tensor> ours = nets.get(n).namedParameters();
                double worst = 0, largestUpdate = 0, zeroOurs = 0, zeroTorch = 0;
                String worstKey = "";
                for (Map.Entry<String, Tensor> e : ours.entrySet()) {
                    String k = e.getKey();
                    float[] p0 = initial.get(n).get(k);
                    float[] torch = f.get(name, "final." + n + "." + k).toArray();
                    float[] mine = e.getValue().toArray();
                    boolean zeroGrad = zeroKeys.get(n).contains(k);
                    for (int i = 0; i < p0.length; i++) {
                        double dTorch = (double) torch[i] - p0[i], dOurs = (double) mine[i] - p0[i];
                        if (zeroGrad) {
                            zeroOurs = Math.max(zeroOurs, Math.abs(dOurs));
                            zeroTorch = Math.max(zeroTorch, Math.abs(dTorch));
                            if (!(Math.abs(dOurs) <= ADAM_BOUND_3_STEPS * lr && Math.abs(dTorch) <= ADAM_BOUND_3_STEPS * lr)) {
                                failures.add(String.format("%s.%s[%d] (zero-gradient bias) moved by %.3g·lr (torch %.3g·lr), more than Adam allows",
                                        n, k, i, dOurs / lr, dTorch / lr));
                            }
                            continue;
                        }
                        largestUpdate = Math.max(largestUpdate, Math.abs(dTorch));
                        double err = Math.abs(dOurs - dTorch);
                        double tol = UPDATE_TOL_LR * lr + ULP_TOL * Math.abs(torch[i]);
                        if (!(err <= tol) && failures.size() < 60) {
                            failures.add(String.format("%s.%s[%d]: update %.6g·lr, torch %.6g·lr (difference %.3g·lr)", n, k, i, dOurs / lr, dTorch / lr, err / lr));
                        }
                        if (err >= worst) { worst = err; worstKey = k; }
                    }
                }
                // Not vacuous: Adam's first step moves every parameter with a real gradient by about lr.
                assertTrue(largestUpdate > 0.5 * lr, n + " did not move in the reference run");
                perNet.append(String.format("; %s %.2e·lr (%s; zero-gradient biases moved ≤ %.2f·lr, torch's ≤ %.2f·lr)",
                        n, worst / lr, worstKey, zeroOurs / lr, zeroTorch / lr));
            }
            synchronized (WORST) {
                WORST.put(name + " on " + backendName, String.format("loss %.2e (%s); updates%s", worstLoss, worstLossWhat, perNet));
            }
            if (!failures.isEmpty()) fail(name + " on " + backendName + ":\n  " + String.join("\n  ", failures));
        } finally {
            Backends.setDefault(previous);
            backend.close();   // the cpu backend's worker threads
        }
    }
}
