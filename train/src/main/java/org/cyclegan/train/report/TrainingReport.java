package org.cyclegan.train.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * Brings a run's {@code loss_plot.png} and {@code index.html} up to date after an epoch, from the files on disk (so a
 * resumed run's plot covers the earlier epochs too). These are views of the run, not part of it: when one cannot be
 * written (a damaged log, a full disk) the reason goes to standard error and training goes on; the checkpoints of the
 * epoch are already saved by then.
 */
public final class TrainingReport {
    private TrainingReport() {}

    public static void update(Path dir, Map<String, String> options, PrintStream err) {
        try {
            CheckpointFiles files = new CheckpointFiles(dir);
            LossCsv epochs = LossCsv.read(files.lossLog(), "epoch", msg -> err.println("warning: " + msg));
            Path stepFile = files.stepLog();
            LossCsv steps = Files.exists(stepFile) ? LossCsv.read(stepFile, "global_step", msg -> err.println("warning: " + msg)) : null;
            LossPlot.write(files.lossPlot(), epochs, steps);
            TrainingPage.write(dir, options, epochs);
        } catch (IOException | RuntimeException | LinkageError | InternalError e) {   // a report must never stop training (java.awt without fonts throws errors)
            err.println("warning: could not update the loss plot and page in " + dir + ": " + e.getMessage() + "; training goes on");
        }
    }
}
