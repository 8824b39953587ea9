package org.cyclegan.train;

/**
 * The reference's {@code linear} learning-rate policy: the rate stays at {@code lr} for {@code n_epochs} epochs, then
 * falls linearly to (nearly) zero over {@code n_epochs_decay} more:
 * <pre>   lr_l = 1 − max(0, k + epoch_count − n_epochs) / (n_epochs_decay + 1)</pre>
 * where k counts the epochs already trained in this run (k = 0 in the first epoch, epoch_count): with epoch_count 1 the
 * rate is lr through epoch n_epochs and lr / (n_epochs_decay + 1) in the last epoch, never zero.
 */
final class LrSchedule {
    private final int epochCount, nEpochs, nEpochsDecay;

    LrSchedule(int epochCount, int nEpochs, int nEpochsDecay) {
        this.epochCount = epochCount;
        this.nEpochs = nEpochs;
        this.nEpochsDecay = nEpochsDecay;
    }

    /** The multiplier of the base rate for the epoch numbered {@code epoch} (epoch_count, epoch_count + 1, ...). */
    double multiplier(int epoch) {
        int k = epoch - epochCount;
        return 1.0 - Math.max(0, k + epochCount - nEpochs) / (double) (nEpochsDecay + 1);
    }
}
