package org.cyclegan.train.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What translate and test check before they write anything: that the output folder cannot overwrite or be read back
 * as input, and that no existing file is replaced unless {@code --overwrite} says so.
 *
 * <p>Paths are compared as real paths (symbolic links resolved, and for an output folder that does not exist yet, its
 * nearest existing parent resolved), so neither a link nor a {@code ..} can make two folders look different.
 */
final class OutputGuard {
    private OutputGuard() {}

    /**
     * Refuses an {@code output} folder that is the {@code input} folder, lies inside it (its pictures would be written
     * among the inputs, and read as input by the next run) or contains it (the inputs would lie among the outputs).
     */
    static void refuseOverlap(String command, String outputOption, Path output, String inputOption, Path input) throws IOException {
        Path out = real(output), in = real(input);
        String relation = out.equals(in) ? "is" : out.startsWith(in) ? "lies inside" : in.startsWith(out) ? "contains" : null;
        if (relation == null) return;
        throw new UsageException(command + ": " + outputOption + " " + output + " " + relation + " the input folder " + input
                + (relation.equals("contains") ? "" : " (" + in + ")") + "; writing there could overwrite the input images or mix results with them"
                + ": choose an output folder outside it");
    }

    /** Refuses an {@code output} file that is the input file {@code input} itself (translate of one image into its own folder). */
    static void refuseSameFile(String command, Path output, Path input) throws IOException {
        if (real(output).equals(real(input))) {
            throw new UsageException(command + ": the output " + output + " would overwrite the input image " + input
                    + " itself: choose another --output folder");
        }
    }

    /**
     * Refuses, unless {@code overwrite}, when any of {@code targets} exists: the message names the first, counts the
     * others and names the flag; {@code elsewhere} says where else to write ("another --output").
     */
    static void refuseExisting(String command, Collection<Path> targets, boolean overwrite, String elsewhere) {
        if (overwrite) return;
        List<Path> existing = new ArrayList<>();
        for (Path t : targets) if (Files.exists(t, java.nio.file.LinkOption.NOFOLLOW_LINKS)) existing.add(t);
        if (existing.isEmpty()) return;
        String more = existing.size() == 1 ? "" : " (and " + (existing.size() - 1) + " more of the " + targets.size() + " files to write)";
        throw new UsageException(command + ": " + existing.get(0) + " already exists" + more + "; nothing was written."
                + " Pass --overwrite to replace existing files, or choose " + elsewhere);
    }

    /** {@code p} with symbolic links and {@code ..} resolved, for a path that may not exist yet: its existing part is resolved. */
    static Path real(Path p) throws IOException {
        // Not normalized first: "link/.." means the link target's parent to the OS, not the link's folder.
        Path abs = p.toAbsolutePath();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return abs.normalize();
        // The part that does not exist yet holds no links, so normalizing it is safe.
        return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    }
}
