package org.cyclegan.train.doctor;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cyclegan.engine.io.AtomicFile;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.train.data.UnalignedDataset;
import org.cyclegan.train.gan.GanLoss;
import org.cyclegan.train.run.CheckpointFiles;

/**
 * The doctor during training. At every progress line it examines the logs so far and prints, in one line, the findings
 * that are new since the last progress line and those that are gone; at the end of each epoch it measures the
 * generators' {@link CopyDistance} on a {@link CopyProbe} (the only measure that runs networks: once per epoch), prints
 * in full (evidence and advice) the findings new since the previous epoch's end, and writes the whole verdict to
 * {@code doctor.txt}, which the run's page shows. Nothing is printed while nothing changes (but for one "no finding"
 * at the first epoch's end, so that a run without findings shows that the doctor looked).
 *
 * <p>Like the loss plot and the page, the doctor is a view of the run: when it cannot read a log or write its file,
 * a warning says why, once, and training goes on.
 */
public final class TrainingDoctor {
    private final CheckpointFiles files;
    private final GanLoss.Mode mode;
    private final CopyProbe probe;
    private final PrintStream out, err;
    /** The generators' last measure (null before the first epoch's end) and what the last examination read. */
    private CopyDistance copy;
    private String lastLog = "";
    /** The findings of the last progress line, and of the last epoch's end, by key. */
    private Map<String, Finding> atLine = Map.of(), atEpoch = Map.of();
    /** Whether an epoch's end was examined yet: the first says "no finding" once, so the user knows the doctor looked. */
    private boolean announced, warned;

    private TrainingDoctor(CheckpointFiles files, GanLoss.Mode mode, CopyProbe probe, PrintStream out, PrintStream err) {
        this.files = files;
        this.mode = mode;
        this.probe = probe;
        this.out = out;
        this.err = err;
    }

    /** The doctor of a run in {@code files} trained with {@code ganMode}, on {@link CopyProbe#DEFAULT_IMAGES} images of {@code data}. */
    public static TrainingDoctor open(CheckpointFiles files, String ganMode, UnalignedDataset data, PrintStream out, PrintStream err) {
        CopyProbe probe = CopyProbe.of(data, CopyProbe.DEFAULT_IMAGES, msg -> err.println("warning: " + msg));
        return new TrainingDoctor(files, GanLoss.parse(ganMode), probe, out, err);
    }

    /** After a progress line (its row is in the step log): the new and the gone findings, in one line. */
    public void atProgressLine() {
        Verdict v = examine();
        if (v == null) return;
        Map<String, Finding> now = byKey(v.findings());
        StringBuilder line = new StringBuilder();
        for (Finding f : now.values()) if (!atLine.containsKey(f.key())) line.append(line.length() == 0 ? "" : "; ").append(f.line());
        for (Finding f : atLine.values()) if (!now.containsKey(f.key())) line.append(line.length() == 0 ? "" : "; ").append(gone(f));
        atLine = now;
        if (line.length() > 0) out.println("doctor: " + line);
    }

    /** At the end of epoch {@code epoch}: measures the generators, prints the findings new since the last epoch in full, writes doctor.txt. */
    public void atEpochEnd(int epoch, Module gA, Module gB) {
        try {
            copy = probe.measure(gA, gB, "after epoch " + epoch);
        } catch (RuntimeException e) {   // a device out of memory, say: the run's own steps do not need this measure
            warnOnce("the training doctor could not run the generators on its " + CopyProbe.DEFAULT_IMAGES + " images: " + e.getMessage());
            copy = null;
        }
        Verdict v = examine();
        if (v == null) return;
        Map<String, Finding> now = byKey(v.findings());
        for (Finding f : now.values()) if (!atEpoch.containsKey(f.key())) out.print("doctor after epoch " + epoch + ": " + f.text());
        for (Finding f : atEpoch.values()) if (!now.containsKey(f.key())) out.println("doctor after epoch " + epoch + ": " + gone(f));
        if (now.isEmpty() && !announced) out.println("doctor after epoch " + epoch + ": no finding (its key numbers: " + files.doctor() + " and the run's page)");
        announced = true;
        atEpoch = now;
        atLine = now;
        write(v.text("doctor after epoch " + epoch + " (" + mode.name().toLowerCase(Locale.ROOT) + "; " + lastLog + ")"));
    }

    /** A loss that became NaN or infinite: training stops, and this says why it matters and what to change. */
    public void atNonFinite(String loss, float value, int epoch, long globalStep) {
        Finding f = Doctor.nonFinite(loss, value, epoch, globalStep);
        out.print("doctor: " + f.text());
        write(new Verdict(List.of(f), List.of(), List.of()).text("doctor at epoch " + epoch + ", step " + globalStep));
    }

    private Verdict examine() {
        try {
            LossSeries log = LossSeries.read(files, msg -> {});
            if (log == null) return null;
            lastLog = log.describe();
            return Doctor.examine(log, mode, copy);
        } catch (IOException | RuntimeException e) {
            warnOnce("the training doctor could not read the loss logs in " + files.dir() + ": " + e.getMessage());
            return null;
        }
    }

    private void write(String text) {
        try {
            AtomicFile.writeString(files.doctor(), text);
        } catch (IOException e) {
            warnOnce("could not write " + files.doctor() + ": " + e.getMessage());
        }
    }

    private void warnOnce(String message) {
        if (warned) return;
        warned = true;
        err.println("warning: " + message + "; training goes on");
    }

    /** "no longer (a) [D_A/G_A]". */
    private static String gone(Finding f) {
        return "no longer " + f.situation().label() + " [" + f.subject() + "]";
    }

    private static Map<String, Finding> byKey(List<Finding> findings) {
        Map<String, Finding> m = new LinkedHashMap<>();
        for (Finding f : findings) m.putIfAbsent(f.key(), f);
        return m;
    }
}
