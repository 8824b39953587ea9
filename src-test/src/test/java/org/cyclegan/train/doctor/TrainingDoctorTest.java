package org.cyclegan.train.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.layers.Identity;
import org.cyclegan.train.data.EmbeddedDataset;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.report.TrainingReport;
import org.cyclegan.train.run.CheckpointFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor during training: only new or gone findings printed, the full form at epoch ends, and its verdict on the run's page. */
class TrainingDoctorTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8), errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    /** A generator that changes every value by a lot: the negative of its input. */
    private static final class Negate extends Module {
        @Override public Tensor forward(Tensor x) {
            return x.neg();
        }
    }

    private String takeOut() {
        String s = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return s;
    }

    @Test void printsEachFindingOnceThenWhenItIsGoneAndPutsTheVerdictOnThePage() throws Exception {
        Path exp = dir.resolve("run");
        CheckpointFiles files = SyntheticRun.write(exp, 4, SyntheticRun.healthyWith(t -> Map.of("D_A", 0.22 - 0.21 * t, "G_A", 0.36 + 0.6 * t)));
        TrainingDoctor doctor = TrainingDoctor.open(files, "lsgan", EmbeddedDataset.open(EmbeddedDataset.defaultOptions().withMaxDatasetSize(3)),
                outStream, errStream);

        doctor.atProgressLine();
        String line = takeOut();
        assertTrue(line.startsWith("doctor: (a) the discriminator wins [D_A/G_A]: D_A 0.0") && line.indexOf('\n') == line.length() - 1, line);
        doctor.atProgressLine();
        assertEquals("", takeOut(), "an unchanged finding is not repeated");

        // Generators that return their input copy it: (e), measured on 3 images of each domain.
        doctor.atEpochEnd(4, new Identity(), new Identity());
        String epoch = takeOut();
        assertTrue(epoch.contains("doctor after epoch 4: finding (a) the discriminator wins") && epoch.contains("advice: slow the discriminator down"), epoch);
        assertTrue(epoch.contains("finding (e) the output copies the input [G_A]: mean |G_A(x) − x| 0.000") && epoch.contains("[G_B]"), epoch);
        String verdict = Files.readString(files.doctor());
        assertTrue(verdict.startsWith("doctor after epoch 4 (lsgan; loss_steps.csv: 40 rows"), verdict);
        assertTrue(verdict.contains("on 3 A images") && verdict.contains("--netG resnet_4blocks"), verdict);

        Files.writeString(files.lossLog(), "epoch,steps,lr," + String.join(",", CycleGan.LOSS_NAMES) + ",data_seconds,compute_seconds\n"
                + "4,500,2.0E-4,0.2,0.5,2.0,1.0,0.25,0.4,2.2,1.1,0.5,12.0\n");
        TrainingReport.update(exp, Map.of("name", "run"), errStream);
        String page = Files.readString(files.page());
        assertTrue(page.contains("<h2>Doctor</h2>") && page.contains("finding (e) the output copies the input [G_A]"), page);

        doctor.atEpochEnd(5, new Negate(), new Negate());
        String next = takeOut();
        assertTrue(next.contains("no longer (e) the output copies the input [G_A]") && !next.contains("finding (a)"), next);
        SyntheticRun.write(exp, 4, SyntheticRun::healthy);
        doctor.atProgressLine();
        assertEquals("doctor: no longer (a) the discriminator wins [D_A/G_A]\n", takeOut());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test void aLossThatStopsBeingFiniteIsReportedWithAdvice() throws Exception {
        CheckpointFiles files = SyntheticRun.write(dir.resolve("nan"), 1, SyntheticRun::healthy);
        TrainingDoctor doctor = TrainingDoctor.open(files, "lsgan", EmbeddedDataset.open(EmbeddedDataset.defaultOptions().withMaxDatasetSize(1)),
                outStream, errStream);
        doctor.atNonFinite("G_A", Float.NaN, 2, 612);
        String s = takeOut();
        assertTrue(s.contains("finding (d) oscillation, NaN or Inf [G_A]") && s.contains("G_A became NaN at epoch 2, global step 612")
                && s.contains("--clip_grad_norm 10"), s);
        assertTrue(Files.readString(files.doctor()).contains("G_A became NaN"));
    }
}
