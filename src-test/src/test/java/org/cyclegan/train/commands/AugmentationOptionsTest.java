package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.testing.Console;
import org.cyclegan.train.run.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's --rotate and --color_jitter: help, defaults, the training state, refusals; test and translate do not take them. */
class AugmentationOptionsTest {
    @TempDir Path dir;
    private final Console console = new Console();

    @Test
    void defaultsAreOffAndBothAreSavedWithTheRunsOptions() {
        Map<String, String> defaults = TrainCommand.options().parse(List.of()).effectiveValues();
        assertEquals("0", defaults.get("rotate"));
        assertEquals("0,0", defaults.get("color_jitter"));
        Map<String, String> given = TrainCommand.options().parse(List.of("--rotate", "15", "--color_jitter", "0.2,0.1")).effectiveValues();
        assertEquals("15", given.get("rotate"));
        assertEquals("0.2,0.1", given.get("color_jitter"));
        assertEquals(0, console.run("train", "--help"));
        assertTrue(console.out().contains("--rotate") && console.out().contains("--color_jitter") && console.out().contains("reflection fill"), console.out());
    }

    @Test
    void anAugmentedRunTrainsAndItsTrainingStateHoldsTheOptions() throws Exception {
        int rc = console.run("train", "--max_dataset_size", "2", "--ngf", "4", "--ndf", "4", "--n_epochs", "1", "--n_epochs_decay", "0",
                "--rotate", "30", "--color_jitter", "0.3,0.2", "--checkpoints_dir", dir.toString(), "--name", "aug", "--device", "cpu");
        assertEquals(0, rc, console.err());
        TrainingState state = TrainingState.read(dir.resolve("aug/latest_train_state.safetensors"), Backends.getDefault());
        assertEquals("30", state.options.get("rotate"));
        assertEquals("0.3,0.2", state.options.get("color_jitter"));
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() {
        for (String rotate : List.of("-5", "181", "left")) {
            console.resetErr();
            assertEquals(2, console.run("train", "--rotate", rotate, "--checkpoints_dir", dir.toString()), rotate);
            assertTrue(console.err().contains("--rotate"), console.err());
        }
        for (String jitter : List.of("0.2", "1,0", "0,1.5", "-0.1,0", "x,y", "0.1,0.1,0.1")) {
            console.resetErr();
            assertEquals(2, console.run("train", "--color_jitter", jitter, "--checkpoints_dir", dir.toString()), jitter);
            assertTrue(console.err().contains("--color_jitter"), console.err());
        }
    }

    /** Test and translate build the reference's transform without augmentation, and refuse the options rather than ignore them. */
    @Test
    void testAndTranslateDoNotTakeThem() {
        for (String command : List.of("test", "translate")) {
            for (String option : List.of("--rotate", "--color_jitter")) {
                console.resetErr();
                assertEquals(2, console.run(command, option, "10"), command + " " + option);
                assertTrue(console.err().contains("unknown option '" + option + "'"), console.err());
            }
        }
    }
}
