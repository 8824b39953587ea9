package org.cyclegan.train.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.cyclegan.train.gan.GanLoss;
import org.cyclegan.train.run.CheckpointFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per situation (a)–(e) on synthetic loss logs written as a run writes them, and none on a healthy run. */
class DoctorTest {
    @TempDir Path dir;

    /** What a healthy run's generators change: a quarter of the [−1, 1] range on average. */
    private static final CopyDistance TRANSLATING = new CopyDistance(0.25, 0.24, 16, 16, "after epoch 4");

    private Verdict examine(String name, GanLoss.Mode mode, DoubleFunction<Map<String, Double>> losses, CopyDistance copy) throws Exception {
        CheckpointFiles files = SyntheticRun.write(dir.resolve(name), 4, losses);
        return Doctor.examine(LossSeries.read(files, w -> { throw new AssertionError(w); }), mode, copy);
    }

    private static List<String> keys(Verdict v) {
        return v.findings().stream().map(Finding::key).toList();
    }

    @Test void aHealthyRunHasNoFindingAndTheVerdictShowsTheKeyNumbers() throws Exception {
        Verdict v = examine("healthy", GanLoss.Mode.LSGAN, SyntheticRun::healthy, TRANSLATING);
        assertEquals(List.of(), keys(v), v.text(""));
        assertEquals(List.of(), v.notJudged(), "2,000 steps are enough to judge everything");
        String text = v.text("doctor: healthy");
        assertTrue(text.contains("no finding"), text);
        assertTrue(text.contains("D_A 0.2") && text.contains("steps 1–400 → steps 1601–2000"), text);
        assertTrue(text.contains("mean |G_A(x) − x| 0.250 on 16 A images"), text);
    }

    @Test void aDiscriminatorNearZeroWithAHighGeneratorLossIsSituationA() throws Exception {
        Verdict v = examine("a", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> Map.of("D_A", 0.22 - 0.21 * t, "G_A", 0.36 + 0.6 * t)), TRANSLATING);
        assertEquals(List.of("a D_A/G_A"), keys(v), v.text(""));
        Finding f = v.findings().get(0);
        assertTrue(f.evidence().contains("over steps 1601–2000") && f.evidence().contains("below 0.040"), f.evidence());
        assertTrue(f.text().contains("--lr_D 0.0001") && f.text().contains("--d_noise 0.05"), f.text());
    }

    @Test void theThresholdsFollowTheGanMode() throws Exception {
        // D 0.15 with G 1.5: near 0 and high for vanilla's cross-entropy (balance ln 2), ordinary numbers for nothing else.
        DoubleFunction<Map<String, Double>> losses = SyntheticRun.healthyWith(t -> Map.of("D_A", 0.15, "G_A", 1.5, "D_B", 0.69, "G_B", 0.69));
        assertEquals(List.of("a D_A/G_A"), keys(examine("vanilla", GanLoss.Mode.VANILLA, losses, TRANSLATING)));
        assertEquals(List.of(), keys(examine("lsgan", GanLoss.Mode.LSGAN, losses, TRANSLATING)));
        Verdict w = examine("wgangp", GanLoss.Mode.WGANGP, SyntheticRun.healthyWith(t -> Map.of("D_A", 0.001, "G_A", 3.0)), TRANSLATING);
        assertEquals(List.of(), keys(w), "wgangp's signed critic losses are not judged by (a) and (b)");
        assertTrue(w.notJudged().get(0).contains("wgangp"), w.notJudged().toString());
    }

    @Test void aGeneratorLossFallingFastWhileTheDiscriminatorStaysHighIsSituationB() throws Exception {
        Verdict v = examine("b", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> Map.of("G_B", 0.5 - 0.46 * t, "D_B", 0.27)), TRANSLATING);
        assertEquals(List.of("b D_B/G_B"), keys(v), v.text(""));
        assertTrue(v.findings().get(0).evidence().contains("fell from 0.4"), v.findings().get(0).evidence());
        assertTrue(v.findings().get(0).text().contains("--n_layers_D"));
    }

    @Test void flatLossesWithAFaintTranslationAreSituationC() throws Exception {
        Verdict v = examine("c", GanLoss.Mode.LSGAN, SyntheticRun::healthy, new CopyDistance(0.08, 0.24, 16, 16, "after epoch 4"));
        assertEquals(List.of("c G_A"), keys(v), v.text(""));
        assertTrue(v.findings().get(0).evidence().contains("only 0.080"), v.findings().get(0).evidence());
        assertTrue(v.findings().get(0).text().contains("--lambda_identity 0.25"));
        // The same faint translation with losses still moving is no (c): the run has not settled.
        Verdict moving = examine("c-moving", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> Map.of("G_A", 0.2 + 0.6 * t)),
                new CopyDistance(0.08, 0.24, 16, 16, "after epoch 4"));
        assertEquals(List.of(), keys(moving), moving.text(""));
    }

    @Test void oscillationIsSituationD() throws Exception {
        // D_B's means jump between 0.1 and 0.45 from one 100-step block to the next in the second half of the run.
        Verdict v = examine("d", GanLoss.Mode.LSGAN,
                SyntheticRun.healthyWith(t -> t <= 0.5 ? Map.of() : Map.of("D_B", (int) Math.ceil(t * 20) % 2 == 0 ? 0.1 : 0.45)), TRANSLATING);
        assertEquals(List.of("d D_B"), keys(v), v.text(""));
        assertTrue(v.findings().get(0).text().contains("--clip_grad_norm 10"));
    }

    @Test void aNanOrInfAnywhereIsSituationD() throws Exception {
        Verdict v = examine("nan", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> Math.abs(t - 0.3) < 0.01 ? Map.of("cycle_A", Double.NaN) : Map.of()),
                TRANSLATING);
        assertTrue(keys(v).contains("d cycle_A"), v.text(""));
        assertTrue(v.findings().get(0).evidence().contains("NaN") && v.findings().get(0).evidence().contains("step 600"), v.findings().get(0).evidence());
        Verdict inf = examine("inf", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> t > 0.95 ? Map.of("G_B", Double.POSITIVE_INFINITY) : Map.of()),
                TRANSLATING);
        assertTrue(keys(inf).contains("d G_B"), inf.text(""));
    }

    @Test void anOutputThatCopiesItsInputWhileReconstructionDominatesIsSituationE() throws Exception {
        Verdict v = examine("e", GanLoss.Mode.LSGAN, SyntheticRun::healthy, new CopyDistance(0.02, 0.03, 16, 16, "after epoch 4"));
        assertEquals(List.of("e G_A", "e G_B"), keys(v), "(e), the stronger diagnosis, instead of (c): " + v.text(""));
        assertTrue(v.findings().get(0).evidence().contains("86%"), v.findings().get(0).evidence());
        assertTrue(v.findings().get(0).text().contains("--netG resnet_4blocks"));
        // Copying while the adversarial terms carry most of the loss is not blamed on the reconstruction weights.
        Verdict adversarial = examine("e-adv", GanLoss.Mode.LSGAN, SyntheticRun.healthyWith(t -> Map.of("G_A", 3.0, "G_B", 3.0)),
                new CopyDistance(0.02, 0.03, 16, 16, "after epoch 4"));
        assertTrue(keys(adversarial).stream().noneMatch(k -> k.startsWith("e")), adversarial.text(""));
    }

    @Test void aRunWithoutAStepLogIsJudgedOnItsEpochMeans() throws Exception {
        CheckpointFiles files = new CheckpointFiles(Files.createDirectories(dir.resolve("epochs")));
        StringBuilder log = new StringBuilder("epoch,steps,lr,D_A,G_A,cycle_A,idt_A,D_B,G_B,cycle_B,idt_B,data_seconds,compute_seconds\n");
        for (int e = 1; e <= 10; e++) log.append(e).append(",200,2.0E-4,").append(0.2 - 0.019 * e).append(",").append(0.4 + 0.05 * e).append(",2.0,1.0,0.22,0.35,2.0,1.0,1.0,20.0\n");
        Files.writeString(files.lossLog(), log);
        LossSeries series = LossSeries.read(files, w -> { throw new AssertionError(w); });
        assertEquals("loss_log.csv: 10 rows, epochs 1–10 in 10 blocks of at least 100 steps", series.describe());
        Verdict v = Doctor.examine(series, GanLoss.Mode.LSGAN, TRANSLATING);
        assertEquals(List.of("a D_A/G_A"), keys(v), v.text(""));
        assertTrue(v.findings().get(0).evidence().contains("over epochs 9–10"), v.findings().get(0).evidence());
    }

    @Test void aShortLogSaysWhatItCannotJudgeYetAndAHalfWrittenRowIsSkipped() throws Exception {
        CheckpointFiles files = SyntheticRun.write(dir.resolve("short"), 0, SyntheticRun::healthy);
        Files.writeString(files.stepLog(), Files.readString(files.stepLog()) + "1,50,50,0.2,0.3,2.0,1.0,0.2,0.3,2.0,1.0\n1,100,100,0.2,0.3,2.");
        StringBuilder warned = new StringBuilder();
        LossSeries log = LossSeries.read(files, warned::append);
        assertEquals(1, log.rows);
        assertTrue(warned.toString().contains(":3:"), "the cut row is named: " + warned);
        Verdict v = Doctor.examine(log, GanLoss.Mode.LSGAN, null);
        assertEquals(List.of(), v.findings());
        assertTrue(v.text("").contains("not judged: (a), (b) and (c): the log holds 1 block so far"), v.text(""));
    }
}
