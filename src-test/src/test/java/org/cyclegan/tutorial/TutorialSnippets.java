package org.cyclegan.tutorial;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two sides of a tutorial snippet: the Java blocks of the Markdown text, each with the marker
 * {@code <!-- snippet: File.java#region -->} on the line before it, and the regions of an example's source between
 * {@code // tutorial:begin region} and {@code // tutorial:end region}.
 */
final class TutorialSnippets {
    private TutorialSnippets() {}

    /** Which region of which example source a block shows. */
    record Marker(String file, String region) {
        @Override
        public String toString() {
            return file + "#" + region;
        }
    }

    /** A fenced Java block: the 1-based line of its opening fence, its marker (null when unmarked) and its code. */
    record Block(int line, Marker marker, String code) {}

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*([\\w.]+\\.java)#([\\w-]+)\\s*-->$");

    /** Every block fenced with {@code ```java} in {@code markdown}, in order. */
    static List<Block> javaBlocks(String markdown) {
        String[] lines = markdown.split("\n", -1);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals("```java")) continue;
            Marker marker = null;
            int before = i - 1;
            while (before >= 0 && lines[before].isBlank()) before--;
            if (before >= 0) {
                Matcher m = MARKER.matcher(lines[before].strip());
                if (m.matches()) marker = new Marker(m.group(1), m.group(2));
            }
            StringBuilder code = new StringBuilder();
            int end = i + 1;
            while (end < lines.length && !lines[end].strip().equals("```")) code.append(lines[end++]).append('\n');
            if (end == lines.length) throw new IllegalArgumentException("line " + (i + 1) + ": a Java block that is never closed");
            blocks.add(new Block(i + 1, marker, code.toString()));
            i = end;
        }
        return blocks;
    }

    /** The lines between the begin and end markers of {@code region} in {@code source}, or null when it has none. */
    static String region(String source, String region) {
        String[] lines = source.split("\n", -1);
        StringBuilder out = null;
        for (String line : lines) {
            String s = line.strip();
            if (s.equals("// tutorial:begin " + region)) {
                out = new StringBuilder();
            } else if (s.equals("// tutorial:end " + region)) {
                return out == null ? null : out.toString();
            } else if (out != null) {
                out.append(line).append('\n');
            }
        }
        return null;
    }

    /** The lines without their common indentation and trailing blanks, and without blank lines at either end. */
    static String dedent(String code) {
        List<String> lines = new ArrayList<>(List.of(code.split("\n", -1)));
        lines.replaceAll(String::stripTrailing);
        while (!lines.isEmpty() && lines.get(0).isEmpty()) lines.remove(0);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        lines.replaceAll(l -> l.isEmpty() ? l : l.substring(indent));
        return String.join("\n", lines);
    }
}
