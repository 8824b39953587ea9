package org.cyclegan.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.train.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a run wrote is lost by accident: a fresh train into an existing run, a second training of the same
 * experiment, a save that fails at any of its files, and the temporary files a killed save leaves.
 */
class RunSafetyTest {
    @TempDir Path dir;
    private ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int train(String... extra) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("train", "--max_dataset_size", "2", "--ngf", "4", "--ndf", "4", "--n_epochs", "1",
                "--n_epochs_decay", "0", "--checkpoints_dir", dir.toString(), "--name", "run", "--device", "cpu"));
        args.addAll(Arrays.asList(extra));
        return Main.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test void aFreshTrainIntoAnExistingRunIsRefusedAndOverwriteMovesTheOldRunAside() throws Exception {
        assertEquals(0, train(), errText());
        Path exp = dir.resolve("run");
        byte[] log = Files.readAllBytes(exp.resolve("loss_log.csv")), g = Files.readAllBytes(exp.resolve("latest_net_G_A.safetensors"));

        assertEquals(2, train("--seed", "7"));
        assertTrue(errText().contains(exp + " already holds a run") && errText().contains("--continue_train") && errText().contains("--name")
                && errText().contains("--overwrite"), errText());
        assertArrayEquals(log, Files.readAllBytes(exp.resolve("loss_log.csv")), "nothing of the first run touched");
        assertArrayEquals(g, Files.readAllBytes(exp.resolve("latest_net_G_A.safetensors")));

        assertEquals(2, train("--overwrite", "--continue_train"));
        assertTrue(errText().contains("contradict"), errText());

        assertEquals(0, train("--overwrite", "--seed", "7"), errText());
        List<Path> aside;
        try (Stream<Path> s = Files.list(dir)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith("run.replaced-")).toList();
        }
        assertEquals(1, aside.size(), "the earlier run is set aside whole: " + aside);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("moved the earlier run in " + exp + " to " + aside.get(0)), out.toString(StandardCharsets.UTF_8));
        assertArrayEquals(log, Files.readAllBytes(aside.get(0).resolve("loss_log.csv")));
        assertArrayEquals(g, Files.readAllBytes(aside.get(0).resolve("latest_net_G_A.safetensors")));
        assertFalse(Arrays.equals(g, Files.readAllBytes(exp.resolve("latest_net_G_A.safetensors"))), "a new run, another seed");
        assertEquals(2, Files.readAllLines(exp.resolve("loss_log.csv")).size(), "the new run's log only: header and its one epoch");
    }

    @Test void aSecondTrainingOfOneExperimentIsRefusedNamingTheFirst() throws Exception {
        try (ExperimentFolder held = ExperimentFolder.lock(dir.resolve("run"))) {
            assertEquals(1, train());
            assertTrue(errText().contains("is being trained by another process (pid " + ProcessHandle.current().pid()), errText());
        }
        assertEquals(0, train(), "free again once the first has ended: " + errText());
    }

    @Test void temporaryFilesOfAnInterruptedSaveAreRemovedOnTheNextStart() throws Exception {
        assertEquals(0, train());
        Path exp = dir.resolve("run");
        Path stale = exp.resolve("latest_train_state.safetensors.3f9a7c21e4b0d5a6.tmp"), keep = exp.resolve("notes.tmp");
        Files.writeString(stale, "half a state");
        Files.writeString(keep, "not ours");
        assertEquals(0, train("--continue_train", "--n_epochs", "2"), errText());
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(keep), "only the saves' own temporary names are removed");
        assertTrue(errText().contains("removed 1 temporary file that an interrupted save left in " + exp), errText());
    }

    @Test void aSaveThatFailsAtAnyOfItsFilesNamesItAndLeavesTheLastCompleteSave() throws Exception {
        assertEquals(0, train("--save_epoch_freq", "1"));
        Path exp = dir.resolve("run");
        for (String file : List.of("2_net_G_A", "2_net_G_B", "2_net_D_A", "2_net_D_B", "2_train_state")) {
            // A folder where the file should go: a write failure at exactly that file, as a full disk would give.
            Path blocker = exp.resolve(file + ".safetensors");
            Files.createDirectories(blocker.resolve("in-the-way"));
            assertEquals(1, train("--continue_train", "--epoch", "1", "--n_epochs", "2", "--save_epoch_freq", "2"), file);
            assertTrue(errText().contains("error: could not write " + blocker + ": "), errText());
            assertTrue(errText().contains("the save of 2_* at epoch 2 is incomplete") && errText().contains("The last complete save in " + exp + ": latest (end of epoch 2)"), errText());
            // latest_* of epoch 2 was complete before 2_* began: it is the one to continue from.
            TrainingState s = TrainingState.read(exp.resolve("latest_train_state.safetensors"), Backends.getDefault());
            assertEquals(3, s.progress.epoch(), file);
            try (Stream<Path> left = Files.list(exp)) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left behind");
            }
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);   // the next case continues from epoch 1's save again
        }
    }
}
