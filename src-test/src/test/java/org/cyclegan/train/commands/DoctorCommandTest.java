package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.cyclegan.testing.Console;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor command: usage errors for a folder without a run, and the verdict on a tiny trained run, also while its log is being written. */
class DoctorCommandTest {
    @TempDir static Path dir;
    static Path checkpoints;
    private final Console console = new Console();

    @BeforeAll static void trainTinyExperiment() {
        checkpoints = dir.resolve("checkpoints");
        Console train = new Console();
        int rc = train.run("train", "--max_dataset_size", "4", "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "0", "--print_freq", "2",
                "--checkpoints_dir", checkpoints.toString(), "--name", "tiny", "--device", "cpu");
        assertEquals(0, rc, train.out() + train.err());
    }

    @Test void aMissingExperimentOrOneWithoutLogsIsAUsageErrorNamingThePath() throws Exception {
        assertEquals(2, console.run("doctor", "--name", "nothing", "--checkpoints_dir", checkpoints.toString()));
        assertTrue(console.err().contains("there is no experiment folder " + checkpoints.resolve("nothing")), console.err());
        Files.createDirectories(checkpoints.resolve("empty"));
        console.resetErr();
        assertEquals(2, console.run("doctor", "--name", "empty", "--checkpoints_dir", checkpoints.toString()));
        assertTrue(console.err().contains(checkpoints.resolve("empty") + " holds no loss log (loss_steps.csv or loss_log.csv)"), console.err());
        assertEquals(2, console.run("doctor", "--name", "tiny", "--checkpoints_dir", checkpoints.toString(), "--images", "-1"));
        assertTrue(console.err().contains("--images must be at least 0"), console.err());
    }

    @Test void printsItsVerdictOnATrainedRunWithTheGeneratorsMeasured() {
        assertEquals(0, console.run("doctor", "--name", "tiny", "--checkpoints_dir", checkpoints.toString(), "--device", "cpu"), console.err());
        String out = console.out();
        assertTrue(out.startsWith("doctor: " + checkpoints.resolve("tiny") + " (lsgan; loss_steps.csv: 2 rows, steps 1–4 in 1 block, shorter than 100 steps)"), out);
        assertTrue(out.contains("no finding") || out.contains("finding ("), out);
        assertTrue(out.contains("D_A ") && out.contains("mean |G_A(x) − x| ") && out.contains("on 4 A images"), out);
        assertTrue(out.contains("(latest_net_G_A.safetensors and latest_net_G_B.safetensors)"), out);
        assertTrue(out.contains("not judged: (a), (b) and (c): the log holds 1 block so far; trends need 5 (500 steps)"), out);
    }

    @Test void readsARunningExperimentsLogWithAHalfWrittenLastLine() throws Exception {
        Path copy = Files.createDirectories(checkpoints.resolve("running"));
        Path steps = checkpoints.resolve("tiny/loss_steps.csv");
        Files.copy(steps, copy.resolve("loss_steps.csv"));
        Files.writeString(copy.resolve("loss_steps.csv"), "1,6,6,0.2", StandardOpenOption.APPEND);
        assertEquals(0, console.run("doctor", "--name", "running", "--checkpoints_dir", checkpoints.toString(), "--device", "cpu"), console.err());
        assertTrue(console.out().contains("loss_steps.csv: 2 rows"), console.out());
        assertTrue(console.err().contains("loss_steps.csv:4: 4 fields where the header has 11; row skipped"), console.err());
        assertTrue(console.err().contains("latest_train_state.safetensors does not exist"), console.err());
    }

    @Test void helpNamesTheOptions() {
        assertEquals(0, console.run("doctor", "--help"));
        assertTrue(console.out().contains("--name") && console.out().contains("--checkpoints_dir ./checkpoints"), console.out());
    }
}
