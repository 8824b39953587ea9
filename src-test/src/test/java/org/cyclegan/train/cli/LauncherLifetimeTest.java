package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher and the JVM it starts live and die together: a launcher killed with SIGKILL (which it cannot pass on)
 * leaves a child that notices within a second, finishes its step, saves and exits, so nothing trains on unseen and a
 * later --continue_train continues from that save.
 */
class LauncherLifetimeTest {
    @TempDir Path dir;

    @Test void aKilledLaunchersChildSavesAndStops() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "re-parenting of orphans is how the child notices");
        // The launcher as `java -jar` starts it: without the Vector module, so it starts the child JVM itself.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName(), "train", "--max_dataset_size", "200", "--ngf", "4", "--ndf", "4", "--print_freq", "1",
                "--checkpoints_dir", dir.toString(), "--name", "run", "--device", "cpu");
        Path log = dir.resolve("out.txt");
        Process launcher = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessHandle child = null;
        for (int i = 0; i < 600 && child == null; i++) {   // until training runs (a progress line) and the child is known
            Thread.sleep(100);
            if (Files.readString(log).contains("step 2/")) child = launcher.toHandle().children().findFirst().orElse(null);
            assertTrue(launcher.isAlive(), Files.readString(log));
        }
        assertTrue(child != null, "training never started: " + Files.readString(log));
        launcher.destroyForcibly();   // SIGKILL
        launcher.waitFor();
        assertTrue(child.onExit().get(60, TimeUnit.SECONDS) != null);
        assertFalse(child.isAlive());
        String text = Files.readString(log);
        assertTrue(text.contains("the launcher (pid " + launcher.pid() + ") has ended: stopping as on SIGTERM"), text);
        assertTrue(text.contains("interrupted: saved"), text);
        assertTrue(Files.exists(dir.resolve("run/latest_train_state.safetensors")), text);

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"train", "--continue_train", "--max_dataset_size", "200", "--n_epochs", "1", "--n_epochs_decay", "0",
                "--checkpoints_dir", dir.toString(), "--name", "run", "--device", "cpu"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("continuing"), out.toString(StandardCharsets.UTF_8));
    }

    @Test void killingTheTrainingJvmAtRandomMomentsOfItsSavesLosesNothing() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        java.util.Random random = new java.util.Random(11);
        for (int trial = 1; trial <= 3; trial++) {
            // A save every step, so a SIGKILL at a random moment often lands inside one (between a temporary file and
            // its rename, between the networks and the state).
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                    "--max_dataset_size", "200", "--ngf", "4", "--ndf", "4", "--print_freq", "50", "--save_latest_freq", "1",
                    "--checkpoints_dir", dir.toString(), "--name", "run", "--device", "cpu"));
            if (trial > 1) cmd.add("--continue_train");
            Path log = dir.resolve("kill" + trial + ".txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            for (int i = 0; i < 600 && !Files.readString(log).contains("saved "); i++) Thread.sleep(50);
            Thread.sleep(random.nextInt(1500));
            p.destroyForcibly();
            assertEquals(137, p.waitFor(), Files.readString(log));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"train", "--continue_train", "--max_dataset_size", "200", "--n_epochs", "1", "--n_epochs_decay", "0",
                "--checkpoints_dir", dir.toString(), "--name", "run", "--device", "cpu"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        try (var files = Files.walk(dir.resolve("run"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary files of killed saves are gone");
        }
    }
}
