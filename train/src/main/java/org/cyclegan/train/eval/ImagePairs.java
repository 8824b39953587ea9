package org.cyclegan.train.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.cyclegan.train.data.DataSetException;
import org.cyclegan.train.data.ImageFolder;

/**
 * Images of several folders matched by base name (the file name without its extension), so that {@code fakeB/x.png}
 * written by translate matches {@code testB/x.png} or {@code testB/x.jpg}. Only the top level of each folder is looked
 * at, since translate writes its outputs flat. A base name is matched when every folder has it.
 */
public final class ImagePairs {
    /** One base name present in every folder, with its file in each (in the folders' order). */
    public record Match(String name, List<Path> files) {}

    private final List<Match> matches;
    private final List<List<String>> unmatched;

    private ImagePairs(List<Match> matches, List<List<String>> unmatched) {
        this.matches = matches;
        this.unmatched = unmatched;
    }

    /**
     * Lists and matches the image files of {@code folders}. A folder with two images of the same base name
     * ({@code x.png} and {@code x.jpg}) is refused, since which of them to compare would be a guess.
     */
    public static ImagePairs match(List<Path> folders) throws IOException {
        List<Map<String, Path>> byName = new ArrayList<>();
        for (Path folder : folders) byName.add(list(folder));
        List<Match> matches = new ArrayList<>();
        for (Map.Entry<String, Path> e : byName.get(0).entrySet()) {
            List<Path> files = new ArrayList<>();
            for (Map<String, Path> m : byName) {
                Path f = m.get(e.getKey());
                if (f == null) break;
                files.add(f);
            }
            if (files.size() == folders.size()) matches.add(new Match(e.getKey(), List.copyOf(files)));
        }
        List<List<String>> unmatched = new ArrayList<>();
        for (Map<String, Path> m : byName) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, Path> e : m.entrySet()) {
                if (!byName.stream().allMatch(other -> other.containsKey(e.getKey()))) names.add(e.getValue().getFileName().toString());
            }
            unmatched.add(List.copyOf(names));
        }
        return new ImagePairs(List.copyOf(matches), List.copyOf(unmatched));
    }

    /** The matched names, sorted. */
    public List<Match> matches() {
        return matches;
    }

    /** The file names of folder {@code i} whose base name is missing from some other folder, sorted. */
    public List<String> unmatched(int i) {
        return unmatched.get(i);
    }

    /** Number of image files found in folder {@code i}. */
    public int found(int i) {
        return matches.size() + unmatched.get(i).size();
    }

    private static Map<String, Path> list(Path folder) throws IOException {
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                String file = p.getFileName().toString();
                if (!ImageFolder.isImageFile(file)) continue;
                String base = file.substring(0, file.lastIndexOf('.'));
                Path previous = byName.put(base, p);
                if (previous != null) {
                    throw new DataSetException("eval: " + folder + " holds two images named " + base + " (" + previous.getFileName() + " and "
                            + file + "); keep one");
                }
            }
        } catch (UncheckedIOException e) {   // a failure while iterating the listing
            throw new IOException("eval: cannot list " + folder + ": " + e.getCause().getMessage(), e.getCause());
        }
        return byName;
    }
}
