package org.cyclegan.train.gan;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.nn.Module;

/**
 * The gradient penalty of WGAN-GP (Gulrajani et al. 2017), as the reference's {@code cal_gradient_penalty}
 * (models/networks.py): at points x̂ between real and fake images, λ · mean over the batch of
 * (‖∇x̂ D(x̂) + 1e-16‖₂ − 1)², each sample's norm taken over all its C·H·W values. It pulls the critic's gradient
 * norm towards 1, the Lipschitz constraint a Wasserstein critic needs (the reference defines this function but its
 * CycleGAN never calls it, see the README).
 *
 * <p>The gradient ∇x̂ D(x̂) is taken with {@code createGraph}, so it is itself a graph in D's parameters: back-propagating
 * a loss that contains the penalty runs a second-order backward through D. x̂ is, by {@link Interpolation}: per sample
 * α·real + (1 − α)·fake with α ~ U[0, 1) broadcast over C, H, W (mixed), or the real or the fake images themselves.
 * The α come from a {@link ResumableRandom} of their own, saved with the training state, so a continued run draws the
 * same ones as an uninterrupted run.
 */
public final class GradientPenalty {
    /** Where the penalty looks at D's gradient (the reference's {@code type}). */
    public enum Interpolation { MIXED, REAL, FAKE }

    /** The --gp_type names: the interpolations' names in lower case. */
    public static final List<String> TYPES = Arrays.stream(Interpolation.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
    /** The gradient norm the penalty pulls towards (the reference's {@code constant}). */
    static final float TARGET_NORM = 1f;

    /**
     * The penalty's value (with its graph), the x̂ it was taken at and D's output there, whose forward graph
     * {@code Autograd.grad} retained for the backward through the gradient.
     */
    public record Penalty(Tensor value, Tensor interpolates, Tensor score) {
        /**
         * After the backward through {@link #value}: frees the nodes of D(x̂)'s graph that backward did not reach (D's
         * output layer, which the gradient does not depend on through saved values), so that nothing of the penalty
         * outlives the D step.
         */
        public void release() {
            Autograd.releaseGraph(score);
        }
    }

    private final float lambda;
    private final Interpolation type;
    private final ResumableRandom random;
    /** The α of each sample for a batch size; drawn from {@link #random} unless a test supplies them. */
    private IntFunction<float[]> alphas;

    GradientPenalty(float lambda, Interpolation type, ResumableRandom random) {
        this.lambda = lambda;
        this.type = type;
        this.random = random;
        this.alphas = this::draw;
    }

    public static Interpolation parse(String name) {
        int i = TYPES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("--gp_type: '" + name + "' is not supported; use " + String.join(", ", TYPES));
        return Interpolation.values()[i];
    }

    /** The generator of the mixed interpolation's α, saved with the training state. */
    public ResumableRandom random() {
        return random;
    }

    /** Takes the α of the mixed interpolation from {@code source} (batch size → one α per sample) instead of the generator. */
    void drawAlphasFrom(IntFunction<float[]> source) {
        this.alphas = source;
    }

    /**
     * The penalty for discriminator {@code d} on batches {@code real} and {@code fake} (no graph of their own), or null
     * when λ is 0: then nothing is computed and no α is drawn, the reference's bare WGAN.
     */
    public Penalty of(Module d, Tensor real, Tensor fake) {
        if (lambda == 0) return null;
        Tensor x = interpolates(real, fake).requiresGrad(true);
        Tensor score = d.forward(x);
        Tensor gradient = Autograd.grad(score, score.backend().full(score.shape(), 1f), true, x)[0];
        if (gradient == null) throw new IllegalStateException("gradient penalty: the discriminator's output does not depend on its input");
        x.requiresGrad(false);   // the second backward needs D's parameters' gradients only, not x̂'s
        Tensor value = F.gradientPenalty(gradient, TARGET_NORM).mul(lambda);
        MemoryScope.release(gradient);
        return new Penalty(value, x, score);
    }

    /** x̂ as {@link Interpolation} says, a new leaf (a view for real and fake, so the batches themselves stay untouched). */
    private Tensor interpolates(Tensor real, Tensor fake) {
        if (type == Interpolation.REAL) return real.detach();
        if (type == Interpolation.FAKE) return fake.detach();
        int batch = real.dim(0);
        float[] a = alphas.apply(batch);
        if (a.length != batch) throw new IllegalStateException("gradient penalty: " + a.length + " interpolation weights for a batch of " + batch);
        int[] shape = new int[real.rank()];
        Arrays.fill(shape, 1);
        shape[0] = batch;
        Tensor alpha = Tensor.of(real.backend(), a, shape);
        Tensor realPart = real.mul(alpha), fakePart = fake.mul(alpha.rsub(1f));
        Tensor x = realPart.add(fakePart);
        MemoryScope.done(realPart);
        MemoryScope.done(fakePart);
        return x;
    }

    /** torch.rand(batch, 1): one α in [0, 1) per sample. */
    private float[] draw(int batch) {
        float[] a = new float[batch];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat();
        return a;
    }
}
