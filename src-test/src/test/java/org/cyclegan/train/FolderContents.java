package org.cyclegan.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A folder's regular files, for tests that compare what commands wrote. */
public final class FolderContents {
    private FolderContents() {}

    /** Every regular file under {@code folder} by relative path, with its bytes; empty when the folder does not exist. */
    public static Map<String, byte[]> of(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(folder)) return files;
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) files.put(folder.relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }
}
