package org.cyclegan.train.gan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.engine.optim.Adam;
import org.cyclegan.engine.optim.GradientClipping;
import org.cyclegan.model.Networks;
import org.cyclegan.model.networks.ResnetGenerator;

/**
 * CycleGAN (Zhu et al. 2017) as the reference's {@code CycleGANModel}: two generators G_A: A → B and G_B: B → A, two
 * discriminators D_A (judges domain B) and D_B (judges domain A), one Adam for both generators and one for both
 * discriminators, and two image pools of past fakes.
 *
 * <p>One training step ({@link #optimize}) is: forward both cycles; update the generators with the discriminators
 * frozen (adversarial + cycle + identity losses); then update the discriminators on real images and pooled fakes.
 * With {@code --gan_mode wgangp} each discriminator's loss also carries the {@link GradientPenalty}. The tuning options
 * act here too: the discriminators' own learning rate and β1, gradient clipping of each update
 * ({@link GradientClipping}, before each optimizer's step) and {@link InstanceNoise} on every image a discriminator
 * sees. The networks are created on the default backend.
 */
public final class CycleGan {
    /** The reference's loss names, in its order. */
    public static final List<String> LOSS_NAMES = List.of("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B");
    /** The gradient penalties of D_A and D_B (D_A = (real + fake + gp_A) / 2, and so for B), reported after those in wgangp mode. */
    public static final List<String> PENALTY_LOSS_NAMES = List.of("gp_A", "gp_B");

    public final CycleGanConfig config;
    public final Module gA, gB, dA, dB;
    public final Adam optimizerG, optimizerD;
    public final ImagePool fakeAPool, fakeBPool;
    /** Drew the initial weights and draws the dropout masks (networks built with dropout); saved with the training state. */
    public final ResumableRandom random;
    /** The WGAN-GP penalty in the discriminators' loss (wgangp mode), else null. */
    public final GradientPenalty gradientPenalty;
    /** The noise on every image the discriminators see ({@code --d_noise}), else null. */
    public final InstanceNoise instanceNoise;
    private final GanLoss ganLoss;

    /** Networks, optimizers and pools for {@code config}, with all randomness derived from one draw of {@code seeds}. */
    public CycleGan(CycleGanConfig config, Random seeds) {
        config.validate();
        this.config = config;
        ResumableRandom rng = new ResumableRandom(seeds.nextLong());
        this.random = rng;
        boolean dropout = !config.noDropout;
        gA = Networks.defineG(config.inputNc, config.outputNc, config.ngf, config.netG, config.upsample, config.norm, dropout, config.initType, config.initGain, rng);
        gB = Networks.defineG(config.outputNc, config.inputNc, config.ngf, config.netG, config.upsample, config.norm, dropout, config.initType, config.initGain, rng);
        if (config.recompute) {
            ((ResnetGenerator) gA).setRecompute(true);
            ((ResnetGenerator) gB).setRecompute(true);
        }
        dA = Networks.defineD(config.outputNc, config.ndf, config.netD, config.norm, config.initType, config.initGain, rng);
        dB = Networks.defineD(config.inputNc, config.ndf, config.netD, config.norm, config.initType, config.initGain, rng);
        optimizerG = new Adam(concat(gA.parameters(), gB.parameters()), config.lr, config.beta1);
        optimizerD = new Adam(concat(dA.parameters(), dB.parameters()), config.discriminatorLr(), config.discriminatorBeta1());
        fakeAPool = new ImagePool(config.poolSize, new ResumableRandom(rng.nextLong()));
        fakeBPool = new ImagePool(config.poolSize, new ResumableRandom(rng.nextLong()));
        ganLoss = new GanLoss(GanLoss.parse(config.ganMode));
        // Drawn last, and only in wgangp mode, so that the other modes' weights, pools and dropout stay as they were.
        gradientPenalty = config.isWasserstein()
                ? new GradientPenalty(config.lambdaGp, GradientPenalty.parse(config.gpType), new ResumableRandom(rng.nextLong())) : null;
        // Drawn after it, and only with --d_noise, for the same reason.
        instanceNoise = config.dNoise > 0 ? new InstanceNoise(config.dNoise, new ResumableRandom(rng.nextLong())) : null;
    }

    /** The names of the losses {@link #optimize} returns, in order: the reference's, then the penalties in wgangp mode. */
    public List<String> lossNames() {
        if (gradientPenalty == null) return LOSS_NAMES;
        List<String> names = new ArrayList<>(LOSS_NAMES);
        names.addAll(PENALTY_LOSS_NAMES);
        return List.copyOf(names);
    }

    /** The four networks by the reference's names, G_A, G_B, D_A, D_B, in that order. */
    public Map<String, Module> networks() {
        Map<String, Module> nets = new LinkedHashMap<>();
        nets.put("G_A", gA);
        nets.put("G_B", gB);
        nets.put("D_A", dA);
        nets.put("D_B", dB);
        return nets;
    }

    private static List<Tensor> concat(List<Tensor> a, List<Tensor> b) {
        List<Tensor> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * One training step on a batch from each domain; returns the losses by the reference's names. The step runs in one
     * {@link MemoryScope}: each tensor is freed as soon as nothing needs it (activations once their backward has run,
     * gradients once passed on), and what is left is released when it returns, so steady-state training reuses memory.
     * The parameters' gradients are cleared before it closes: after a step no parameter has one.
     */
    public Map<String, Float> optimize(Tensor realA, Tensor realB) {
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, Float> losses = step(realA, realB);
            optimizerG.zeroGrad();
            optimizerD.zeroGrad();
            return losses;
        }
    }

    private Map<String, Float> step(Tensor realA, Tensor realB) {
        // Forward both cycles: A → B → A and B → A → B.
        Tensor fakeB = gA.forward(realA);
        Tensor recA = gB.forward(fakeB);
        Tensor fakeA = gB.forward(realB);
        Tensor recB = gA.forward(fakeA);

        // Generators, with the discriminators frozen so the G loss does not train them.
        dA.setRequiresGrad(false);
        dB.setRequiresGrad(false);
        optimizerG.zeroGrad();
        GeneratorLosses g = generatorLosses(realA, realB, fakeA, fakeB, recA, recB);
        g.total().backward();
        clipGradients(optimizerG);
        optimizerG.step();
        Tensor lossGA = g.ganA(), lossGB = g.ganB(), lossCycleA = g.cycleA(), lossCycleB = g.cycleB();
        Tensor lossIdtA = g.idtA(), lossIdtB = g.idtB();

        // Discriminators, on real images and on fakes drawn from the pools.
        dA.setRequiresGrad(true);
        dB.setRequiresGrad(true);
        optimizerD.zeroGrad();
        DiscriminatorLoss lossDA = backwardD(dA, realB, fakeBPool.query(fakeB.detach()));
        DiscriminatorLoss lossDB = backwardD(dB, realA, fakeAPool.query(fakeA.detach()));
        clipGradients(optimizerD);
        optimizerD.step();

        Map<String, Float> losses = new LinkedHashMap<>();
        losses.put("D_A", lossDA.total().item());
        losses.put("G_A", lossGA.item());
        losses.put("cycle_A", lossCycleA.item());
        losses.put("idt_A", lossIdtA == null ? 0f : lossIdtA.item());
        losses.put("D_B", lossDB.total().item());
        losses.put("G_B", lossGB.item());
        losses.put("cycle_B", lossCycleB.item());
        losses.put("idt_B", lossIdtB == null ? 0f : lossIdtB.item());
        if (gradientPenalty != null) {
            losses.put("gp_A", lossDA.penalty() == null ? 0f : lossDA.penalty().item());
            losses.put("gp_B", lossDB.penalty() == null ? 0f : lossDB.penalty().item());
        }
        return losses;
    }

    /** An image as a discriminator sees it: with the instance noise of this step (--d_noise), else as it is. */
    private Tensor seenByD(Tensor image) {
        return instanceNoise == null ? image : instanceNoise.apply(image);
    }

    /** With --clip_grad_norm, bounds the global L2 norm of the gradients this optimizer is about to apply. */
    private void clipGradients(Adam optimizer) {
        if (config.clipGradNorm > 0) GradientClipping.clip(optimizer.params(), config.clipGradNorm);
    }

    /** The generators' loss terms (identity terms null when λ_identity is 0) and their sum. */
    public record GeneratorLosses(Tensor ganA, Tensor ganB, Tensor cycleA, Tensor cycleB, Tensor idtA, Tensor idtB, Tensor total) {}

    /** The reference's backward_G losses, for the given forward results (not yet back-propagated). */
    public GeneratorLosses generatorLosses(Tensor realA, Tensor realB, Tensor fakeA, Tensor fakeB, Tensor recA, Tensor recB) {
        float lambdaIdt = config.lambdaIdentity;
        Tensor lossIdtA = null, lossIdtB = null;
        if (lambdaIdt > 0) {
            // G_A should be the identity on B images (and G_B on A images): keeps colours from drifting.
            lossIdtA = F.l1Loss(gA.forward(realB), realB).mul(config.lambdaB * lambdaIdt);
            lossIdtB = F.l1Loss(gB.forward(realA), realA).mul(config.lambdaA * lambdaIdt);
        }
        Tensor lossGA = ganLoss.apply(dA.forward(seenByD(fakeB)), true);
        Tensor lossGB = ganLoss.apply(dB.forward(seenByD(fakeA)), true);
        Tensor lossCycleA = F.l1Loss(recA, realA).mul(config.lambdaA);
        Tensor lossCycleB = F.l1Loss(recB, realB).mul(config.lambdaB);
        Tensor total = lossGA.add(lossGB).add(lossCycleA).add(lossCycleB);
        if (lossIdtA != null) total = total.add(lossIdtA).add(lossIdtB);
        return new GeneratorLosses(lossGA, lossGB, lossCycleA, lossCycleB, lossIdtA, lossIdtB, total);
    }

    /** A discriminator's loss and, in wgangp mode with λ_gp > 0, the gradient penalty it includes (else null). */
    private record DiscriminatorLoss(Tensor total, Tensor penalty) {}

    /**
     * The reference's backward_D_basic: (loss on real + loss on detached fake) / 2, back-propagated; in wgangp mode the
     * gradient penalty on the same real and fake batches joins the two inside the halving, (real + fake + penalty) / 2,
     * so that λ_gp weighs it against the critic's difference as WGAN-GP's λ does. Its backward is the second-order one.
     */
    private DiscriminatorLoss backwardD(Module d, Tensor cleanReal, Tensor cleanFake) {
        Tensor real = seenByD(cleanReal), fake = seenByD(cleanFake.detach());
        Tensor lossReal = ganLoss.apply(d.forward(real), true);
        Tensor lossFake = ganLoss.apply(d.forward(fake), false);
        Tensor critic = lossReal.add(lossFake);
        GradientPenalty.Penalty penalty = gradientPenalty == null ? null : gradientPenalty.of(d, real, fake);
        if (penalty == null) {
            Tensor loss = critic.mul(0.5f);
            loss.backward();
            return new DiscriminatorLoss(loss, null);
        }
        Tensor total = critic.add(penalty.value()).mul(0.5f);
        total.backward();
        penalty.release();
        return new DiscriminatorLoss(total, penalty.value());
    }
}
