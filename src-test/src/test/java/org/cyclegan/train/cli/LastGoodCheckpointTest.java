package org.cyclegan.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The save the launcher names after a train child died: the newest complete one (its training state is written last). */
class LastGoodCheckpointTest {
    private static void save(Path dir, String prefix, Instant when) throws Exception {
        Files.createDirectories(dir);
        for (String part : new String[] {"net_G_A", "net_G_B", "net_D_A", "net_D_B", "train_state"}) {
            Path f = Files.writeString(dir.resolve(prefix + "_" + part + ".safetensors"), "x");
            Files.setLastModifiedTime(f, FileTime.from(when));
        }
    }

    @Test void theNewestTrainingStateOfThisRunIsNamedWithHowToContinue(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("checkpoints/horses");
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        save(dir, "5", start.plusSeconds(60));
        save(dir, "iter_1200", start.plusSeconds(120));
        Files.writeString(dir.resolve("latest_train_state.safetensors.1f2e.tmp"), "half");   // a write the crash cut short
        String s = LastGoodCheckpoint.sentence(dir, start);
        assertTrue(s.startsWith("last good checkpoint: " + dir.resolve("iter_1200_*.safetensors") + " (saved "), s);
        assertTrue(s.endsWith("), continue with --continue_train --epoch iter_1200"), s);
        save(dir, "latest", start.plusSeconds(180));
        s = LastGoodCheckpoint.sentence(dir, start);
        assertTrue(s.startsWith("last good checkpoint: " + dir.resolve("latest_*.safetensors")), s);
        assertTrue(s.endsWith("), continue with --continue_train"), "latest is --continue_train's default: " + s);
    }

    @Test void savesFromBeforeTheRunAreNotPassedOffAsItsOwn(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        save(dir, "latest", start.minusSeconds(3600));
        String s = LastGoodCheckpoint.sentence(dir, start);
        assertTrue(s.startsWith("this run saved no checkpoint (the newest in " + dir + " is from before it: " + dir.resolve("latest_*.safetensors")), s);
        assertEquals("no checkpoint was saved in " + tmp.resolve("none"), LastGoodCheckpoint.sentence(tmp.resolve("none"), start));
    }

    @Test void theFolderComesFromTrainsOwnOptionsAndDefaults(@TempDir Path tmp) throws Exception {
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        save(tmp.resolve("ck/emoji_g2t"), "latest", start.plusSeconds(5));
        String s = LastGoodCheckpoint.sentence(new String[] {"train", "--checkpoints_dir", tmp.resolve("ck").toString(), "--n_epochs", "1"}, start);
        assertTrue(s.contains(tmp.resolve("ck/emoji_g2t/latest_*.safetensors").toString()), "the embedded set's default name: " + s);
        save(tmp.resolve("ck/zebra"), "latest", start.plusSeconds(5));
        s = LastGoodCheckpoint.sentence(new String[] {"train", "--checkpoints_dir", tmp.resolve("ck").toString(), "--dataroot", tmp.resolve("data/zebra").toString()}, start);
        assertTrue(s.contains(tmp.resolve("ck/zebra/latest_").toString()), "the dataroot's folder name: " + s);
        assertNull(LastGoodCheckpoint.sentence(new String[] {"translate", "--weights", "g.pth"}, start), "only train has checkpoints");
        assertNull(LastGoodCheckpoint.sentence(new String[] {"train", "--no_such_option"}, start), "a command line train refuses never trained");
    }
}
