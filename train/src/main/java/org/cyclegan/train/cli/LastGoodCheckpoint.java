package org.cyclegan.train.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.commands.TrainCommand;
import org.cyclegan.train.run.CheckpointFiles;
import org.cyclegan.train.run.TrainingRun;

/**
 * After a {@code train} child died, names the save to continue from: the newest {@code <prefix>_train_state.safetensors}
 * in the run's folder. {@link TrainingRun} writes a save's four networks first and its training state last, each
 * atomically (a temporary file renamed into place), so a training state on disk means its whole save is complete; the
 * newest one is the last good checkpoint. The folder is found from the same command line the child got, parsed with
 * {@code train}'s own options, so the defaults ({@code ./checkpoints}, the experiment name) are the child's.
 */
final class LastGoodCheckpoint {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private LastGoodCheckpoint() {}

    /**
     * A clause (for the end of the launcher's line) naming the last good checkpoint of the {@code train} run in {@code args}, or null when {@code args} is not
     * a {@code train} command line (or one that does not parse: such a child never got to train).
     *
     * @param startedAt when the child started: a save older than that is from an earlier run, and said so
     */
    static String sentence(String[] args, Instant startedAt) {
        if (args.length == 0 || !args[0].equals("train")) return null;
        Path dir;
        try {
            CommandLine cl = TrainCommand.options().parse(CommandLine.rest(args, 1));
            dir = Path.of(cl.string("checkpoints_dir")).resolve(TrainCommand.experimentName(cl));
        } catch (RuntimeException e) {
            return null;
        }
        return sentence(dir, startedAt);
    }

    /** The clause for the run folder {@code dir}. */
    static String sentence(Path dir, Instant startedAt) {
        Path newest = null;
        FileTime newestTime = null;
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, CheckpointFiles.trainStateGlob())) {
                for (Path f : files) {
                    FileTime t = Files.getLastModifiedTime(f);
                    if (newest == null || t.compareTo(newestTime) > 0) {
                        newest = f;
                        newestTime = t;
                    }
                }
            } catch (IOException e) {
                return "the run's checkpoints in " + dir + " could not be listed: " + e.getMessage();
            }
        }
        if (newest == null) return "no checkpoint was saved in " + dir;
        String prefix = CheckpointFiles.trainStatePrefix(newest.getFileName().toString());
        String saved = new CheckpointFiles(dir).save(prefix) + " (saved " + TIME.format(newestTime.toInstant()) + ")";
        if (newestTime.toInstant().isBefore(startedAt)) {
            return "this run saved no checkpoint (the newest in " + dir + " is from before it: " + saved + ")";
        }
        return "last good checkpoint: " + saved + ", continue with --continue_train" + (prefix.equals(CheckpointFiles.LATEST) ? "" : " --epoch " + prefix);
    }
}
