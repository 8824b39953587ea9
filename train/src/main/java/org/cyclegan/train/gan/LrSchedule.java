package org.cyclegan.train.gan;

import java.util.List;

/**
 * The reference's learning-rate policies ({@code --lr_policy}), as a multiplier of the initial rate for each epoch.
 * {@code k} counts the epochs already trained since the run's first epoch ({@code k = epoch − epoch_count}, so 0 in the
 * first epoch), which is how many times the reference's scheduler has stepped when the epoch starts.
 * <pre>
 *   linear   1 − max(0, k + epoch_count − n_epochs) / (n_epochs_decay + 1)     lr through epoch n_epochs, then down
 *   step     0.1 ^ floor(k / lr_decay_iters)                                     (StepLR, gamma 0.1)
 *   cosine   (1 + cos(π · k / n_epochs)) / 2                                    (CosineAnnealingLR, T_max n_epochs, eta_min 0)
 *   plateau  × 0.2 after more than 5 epochs without a 1 % improvement of the metric   (ReduceLROnPlateau)
 * </pre>
 * With epoch_count 1 the linear rate is lr through epoch n_epochs and lr / (n_epochs_decay + 1) in the last epoch,
 * never zero.
 *
 * <p>Plateau needs a metric. The reference passes a constant 0 for CycleGAN, which makes it cut the rate every 6 epochs
 * whatever happens; here the metric is the epoch's mean cycle loss (cycle_A + cycle_B), the reconstruction error
 * that actually levels off, reported through {@link #endEpoch}. Plateau is the only policy with state
 * ({@link #plateauState}), which the training state saves.
 */
public final class LrSchedule {
    public static final List<String> POLICIES = List.of("linear", "step", "plateau", "cosine");
    private static final double STEP_GAMMA = 0.1, PLATEAU_FACTOR = 0.2, PLATEAU_THRESHOLD = 0.01;
    private static final int PLATEAU_PATIENCE = 5;

    /** ReduceLROnPlateau's memory: the best metric so far, the epochs since it, and the current multiplier. */
    public record PlateauState(double best, int badEpochs, double multiplier) {
        static final PlateauState INITIAL = new PlateauState(Double.POSITIVE_INFINITY, 0, 1.0);
    }

    private final String policy;
    private final int epochCount, nEpochs, nEpochsDecay, lrDecayIters;
    private PlateauState plateau = PlateauState.INITIAL;

    public LrSchedule(String policy, int epochCount, int nEpochs, int nEpochsDecay, int lrDecayIters) {
        if (!POLICIES.contains(policy)) throw new IllegalArgumentException("--lr_policy must be one of " + POLICIES + ", got '" + policy + "'");
        if (policy.equals("step") && lrDecayIters < 1) throw new IllegalArgumentException("--lr_decay_iters must be at least 1, got " + lrDecayIters);
        if (policy.equals("cosine") && nEpochs < 1) throw new IllegalArgumentException("--lr_policy cosine needs --n_epochs >= 1 (its period)");
        this.policy = policy;
        this.epochCount = epochCount;
        this.nEpochs = nEpochs;
        this.nEpochsDecay = nEpochsDecay;
        this.lrDecayIters = lrDecayIters;
    }

    /** The linear policy (the reference's default). */
    public LrSchedule(int epochCount, int nEpochs, int nEpochsDecay) {
        this("linear", epochCount, nEpochs, nEpochsDecay, 50);
    }

    /** The multiplier of the base rate for the epoch numbered {@code epoch} (epoch_count, epoch_count + 1, ...). */
    /** The run's first epoch ({@code --epoch_count}). */
    public int epochCount() {
        return epochCount;
    }

    public double multiplier(int epoch) {
        int k = epoch - epochCount;
        return switch (policy) {
            case "linear" -> 1.0 - Math.max(0, k + epochCount - nEpochs) / (double) (nEpochsDecay + 1);
            case "step" -> Math.pow(STEP_GAMMA, Math.floorDiv(k, lrDecayIters));
            case "cosine" -> (1 + Math.cos(Math.PI * k / nEpochs)) / 2;
            case "plateau" -> plateau.multiplier();
            default -> throw new IllegalStateException(policy);
        };
    }

    /** Reports the finished epoch's metric (only plateau listens), as the reference's {@code scheduler.step(metric)}. */
    public void endEpoch(double metric) {
        if (!policy.equals("plateau")) return;
        PlateauState p = plateau;
        // mode 'min', threshold_mode 'rel': better means below best · (1 − threshold).
        if (metric < p.best() * (1 - PLATEAU_THRESHOLD)) {
            plateau = new PlateauState(metric, 0, p.multiplier());
        } else if (p.badEpochs() + 1 > PLATEAU_PATIENCE) {
            plateau = new PlateauState(p.best(), 0, p.multiplier() * PLATEAU_FACTOR);
        } else {
            plateau = new PlateauState(p.best(), p.badEpochs() + 1, p.multiplier());
        }
    }

    public PlateauState plateauState() {
        return plateau;
    }

    public void restore(PlateauState state) {
        this.plateau = state;
    }
}
