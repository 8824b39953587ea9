package org.cyclegan.train.gan;

import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;

/**
 * Instance noise ({@code --d_noise S}; Sønderby et al. 2016, Arjovsky and Bottou 2017): Gaussian noise added to every
 * image a discriminator sees, real and fake alike, in the generators' update as in the discriminators'. Blurring both
 * distributions makes them overlap, so a discriminator cannot separate them perfectly early on and its gradient stays
 * informative. The standard deviation starts at S and falls linearly to 0 over the run:
 * <pre>
 *   σ(t) = S · max(0, 1 − t / T)       t: steps trained before this one, T: steps of the whole run
 * </pre>
 * The noise is drawn on the host from its own {@link ResumableRandom} (saved with the training state), so a resumed run
 * adds exactly the noise an uninterrupted one would. Gradients flow through the addition unchanged (∂(x + n)/∂x = 1),
 * so a fake still gets its generator's gradient.
 */
public final class InstanceNoise {
    private final float initialSigma;
    private final ResumableRandom random;
    private float sigma;

    public InstanceNoise(float initialSigma, ResumableRandom random) {
        if (!(initialSigma > 0)) throw new IllegalArgumentException("--d_noise must be > 0 to add noise, got " + initialSigma);
        this.initialSigma = initialSigma;
        this.random = random;
        this.sigma = initialSigma;
    }

    /** The noise's standard deviation at step {@code stepsTrained} of a run of {@code runSteps} steps: σ(t) above. */
    public static float sigmaAt(float initialSigma, long stepsTrained, long runSteps) {
        if (runSteps <= 0) return 0f;
        return (float) (initialSigma * Math.max(0.0, 1.0 - (double) stepsTrained / runSteps));
    }

    /** Sets the standard deviation for the coming step from where the run stands. */
    public void anneal(long stepsTrained, long runSteps) {
        sigma = sigmaAt(initialSigma, stepsTrained, runSteps);
    }

    public float sigma() {
        return sigma;
    }

    /** {@code image} with noise of the current σ added (a new tensor in the graph); {@code image} itself once σ is 0. */
    public Tensor apply(Tensor image) {
        if (sigma == 0f) return image;
        float[] noise = new float[image.numel()];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (sigma * random.nextGaussian());
        Tensor n = Tensor.of(image.backend(), noise, image.shape());
        Tensor noisy = image.add(n);
        MemoryScope.done(n);   // the sum's backward does not need it
        return noisy;
    }

    /** The generator the noise is drawn from; saved and restored with the training state. */
    public ResumableRandom random() {
        return random;
    }
}
