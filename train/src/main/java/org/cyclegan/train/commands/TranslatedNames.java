package org.cyclegan.train.commands;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where translate writes each input: its path relative to the input folder, with the extension replaced by
 * {@code .png} ({@code in/sub/x.jpg} becomes {@code out/sub/x.png}). When two inputs of one folder would get the same
 * name ({@code x.png} and {@code x.jpg}), each of them that is not already a {@code .png} keeps its extension
 * ({@code x.jpg.png}), so {@code x.png} stays {@code x.png}; names stay the same whatever else the folder holds, apart from
 * those clashing files. A clash that remains (inputs {@code x.jpg}, {@code x.png} and {@code x.jpg.png}) is refused with the
 * files named rather than resolved by a counter.
 */
public final class TranslatedNames {
    private TranslatedNames() {}

    /**
     * The output path, relative to the output folder, of every file: {@code root} is the input folder (null for a
     * single input file, which is named after its file name alone).
     */
    static Map<Path, Path> assign(Path root, List<Path> files) {
        Map<Path, Path> plain = new LinkedHashMap<>();
        Map<Path, Integer> uses = new HashMap<>();
        for (Path f : files) {
            Path rel = root == null ? f.getFileName() : root.relativize(f);
            Path name = withExtension(rel, stem(rel.getFileName().toString()));
            plain.put(f, name);
            uses.merge(name, 1, Integer::sum);
        }
        Map<Path, Path> out = new LinkedHashMap<>();
        Map<Path, Path> taken = new HashMap<>();
        for (Map.Entry<Path, Path> e : plain.entrySet()) {
            Path f = e.getKey(), name = e.getValue();
            String file = f.getFileName().toString();
            if (uses.get(name) > 1 && !isPng(file)) name = withExtension(name, file);
            Path other = taken.putIfAbsent(name, f);
            if (other != null) {
                throw new UsageException("translate: " + other + " and " + f + " would both be written as " + name
                        + " (a file that is not .png keeps its extension when its name clashes: x.jpg -> x.jpg.png); rename one of them");
            }
            out.put(f, name);
        }
        return out;
    }

    /**
     * The same rule on paths given relative to the input folder, '/'-separated (the Spark job's, from any file system):
     * each maps to its output path relative to the output folder.
     */
    public static Map<String, String> assignRelative(List<String> relative) {
        List<Path> files = relative.stream().map(Path::of).toList();
        Map<Path, Path> names = assign(Path.of(""), files);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < relative.size(); i++) out.put(relative.get(i), names.get(files.get(i)).toString());
        return out;
    }

    private static boolean isPng(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".png");
    }

    /** The name without its last extension ("x.tar.gz" -> "x.tar"); a name with no dot, or only a leading one, as is. */
    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** {@code rel}'s folder with {@code base + ".png"} as its file name. */
    private static Path withExtension(Path rel, String base) {
        String png = base + ".png";
        return rel.getParent() == null ? Path.of(png) : rel.getParent().resolve(png);
    }
}
