package org.cyclegan.train.gan;

import org.cyclegan.model.DiscriminatorKind;
import org.cyclegan.model.GeneratorKind;
import org.cyclegan.model.GeneratorUpsampling;
import org.cyclegan.model.NetworkInputSize;

/**
 * The model and optimisation options of a CycleGAN, named and defaulted as the reference's command line
 * ({@code --netG resnet_9blocks --ngf 64 --lambda_A 10 ...}).
 */
public final class CycleGanConfig {
    public int inputNc = 3;
    public int outputNc = 3;
    public int ngf = 64;
    public int ndf = 64;
    public GeneratorKind netG = GeneratorKind.resnet(9);
    /** The ResNet generators' up-sampling stages: the reference's transposed convolutions, or resize-convolutions. */
    public GeneratorUpsampling upsample = GeneratorUpsampling.TRANSPOSE;
    public DiscriminatorKind netD = DiscriminatorKind.parse("basic", 3);
    public String norm = "instance";
    public String initType = "normal";
    public float initGain = 0.02f;
    public boolean noDropout = true;
    public String ganMode = "lsgan";
    /** Weight of the WGAN-GP gradient penalty (wgangp only); 0 computes none, the reference's bare WGAN. */
    public float lambdaGp = 10f;
    /** Where the penalty is taken: mixed, real or fake ({@link GradientPenalty.Interpolation}). */
    public String gpType = "mixed";
    public int poolSize = 50;
    public float lambdaA = 10f;
    public float lambdaB = 10f;
    public float lambdaIdentity = 0.5f;
    public float lr = 2e-4f;
    public float beta1 = 0.5f;
    /** The discriminators' Adam learning rate ({@code --lr_D}); null: {@link #lr}, as the reference. */
    public Float lrD = null;
    /** The discriminators' Adam β1 ({@code --beta1_D}); null: {@link #beta1}, as the reference. */
    public Float beta1D = null;
    /** The largest global L2 norm of G's and of D's parameter gradients ({@code --clip_grad_norm}); 0: no clipping. */
    public float clipGradNorm = 0f;
    /** The initial standard deviation of the {@link InstanceNoise} on the discriminators' inputs ({@code --d_noise}); 0: none. */
    public float dNoise = 0f;
    /** Recompute the generators' residual blocks during backward instead of keeping their activations. */
    public boolean recompute = false;

    /** An independent copy. */
    public CycleGanConfig copy() {
        CycleGanConfig c = new CycleGanConfig();
        c.inputNc = inputNc;
        c.outputNc = outputNc;
        c.ngf = ngf;
        c.ndf = ndf;
        c.netG = netG;
        c.upsample = upsample;
        c.netD = netD;
        c.norm = norm;
        c.initType = initType;
        c.initGain = initGain;
        c.noDropout = noDropout;
        c.ganMode = ganMode;
        c.lambdaGp = lambdaGp;
        c.gpType = gpType;
        c.poolSize = poolSize;
        c.lambdaA = lambdaA;
        c.lambdaB = lambdaB;
        c.lambdaIdentity = lambdaIdentity;
        c.lr = lr;
        c.beta1 = beta1;
        c.lrD = lrD;
        c.beta1D = beta1D;
        c.clipGradNorm = clipGradNorm;
        c.dNoise = dNoise;
        c.recompute = recompute;
        return c;
    }

    /** Whether the discriminators are Wasserstein critics ({@code --gan_mode wgangp}): signed scores, not probabilities. */
    public boolean isWasserstein() {
        return GanLoss.parse(ganMode) == GanLoss.Mode.WGANGP;
    }

    /** The discriminators' learning rate: {@code --lr_D}, or {@code --lr} when it is not given. */
    public float discriminatorLr() {
        return lrD == null ? lr : lrD;
    }

    /** The discriminators' β1: {@code --beta1_D}, or {@code --beta1} when it is not given. */
    public float discriminatorBeta1() {
        return beta1D == null ? beta1 : beta1D;
    }

    /** The image sizes these generators and discriminators take. */
    public NetworkInputSize inputSize() {
        return NetworkInputSize.cycleGan(netG, netD);
    }

    /** Checks the values that the networks and losses do not check themselves. */
    public void validate() {
        if (lambdaA < 0 || lambdaB < 0 || lambdaIdentity < 0) throw new IllegalArgumentException("--lambda_A, --lambda_B and --lambda_identity must be >= 0");
        if (lambdaIdentity > 0 && inputNc != outputNc) {
            throw new IllegalArgumentException("--lambda_identity > 0 needs --input_nc equal to --output_nc (got " + inputNc + " and " + outputNc + ")");
        }
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("--beta1 must be in [0, 1), got " + beta1);
        if (lrD != null && !(lrD > 0)) throw new IllegalArgumentException("--lr_D must be > 0, got " + lrD);
        if (beta1D != null && !(beta1D >= 0 && beta1D < 1)) throw new IllegalArgumentException("--beta1_D must be in [0, 1), got " + beta1D);
        if (!(clipGradNorm >= 0)) throw new IllegalArgumentException("--clip_grad_norm must be >= 0 (0: no clipping), got " + clipGradNorm);
        if (!(dNoise >= 0)) throw new IllegalArgumentException("--d_noise must be >= 0 (0: no noise), got " + dNoise);
        GanLoss.parse(ganMode);
        if (!(lambdaGp >= 0)) throw new IllegalArgumentException("--lambda_gp must be >= 0, got " + lambdaGp);
        GradientPenalty.parse(gpType);
        if (upsample != GeneratorUpsampling.TRANSPOSE && !netG.isResnet()) throw new IllegalArgumentException("--upsample " + upsample + " applies to the resnet generators, not --netG " + netG);
        if (recompute && !netG.isResnet()) throw new IllegalArgumentException("--recompute applies to the resnet generators, not --netG " + netG);
        if (recompute && !noDropout) throw new IllegalArgumentException("--recompute needs --no_dropout: a recomputed block would draw new dropout masks");
        if (recompute && norm.equals("batch")) throw new IllegalArgumentException("--recompute does not work with --norm batch: recomputing would update the running statistics twice");
    }
}
