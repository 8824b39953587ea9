package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.cyclegan.engine.io.AtomicFile;

/**
 * A numeric CSV file with a header line, as train writes them ({@code loss_log.csv}, {@code loss_steps.csv}), read
 * back for the plot and the page.
 *
 * <p><b>Damaged rows are skipped with a warning, a damaged header is an error.</b> Rows are appended while training
 * runs, so a crash can leave the last one cut short; a row with the wrong number of fields or a field that is not a
 * number is left out, and {@code warn} receives one line naming the file, the line number and the reason. A file
 * whose first line is not a header naming {@code key} cannot be read at all: that is an IOException naming the file.
 * A file with only its header holds no rows.
 *
 * <p><b>A repeated run replaces what it repeats.</b> The {@code key} column (epoch, or global step) grows within one
 * run. When a row's key is not above the previous row's, a run was resumed or restarted in the same folder: the rows
 * of the earlier run from that key on are dropped, so each key keeps the values of the run that wrote it last.
 */
public final class LossCsv {
    private final Path file;
    private final List<String> columns;
    private final List<double[]> rows;

    private LossCsv(Path file, List<String> columns, List<double[]> rows) {
        this.file = file;
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
    }

    /**
     * (Re)starts a log that a run appends to: writes {@code header}, then the existing rows whose number in column
     * {@code column} passes {@code keep} (the rows of an earlier run that this one continues), atomically. A kept row
     * without a number there is an IOException naming the file, so a continued run never builds on a log it cannot read.
     */
    public static void keepRows(Path file, String header, int column, LongPredicate keep) throws IOException {
        List<String> kept = new ArrayList<>(List.of(header));
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] cells = line.split(",", column + 2);
                try {
                    if (cells.length > column && keep.test(Long.parseLong(cells[column]))) kept.add(line);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": row '" + line + "' has no number in column " + (column + 1));
                }
            }
        }
        AtomicFile.writeString(file, String.join("\n", kept) + "\n");
    }

    /** Reads {@code file}, whose header names the key column {@code key}; damaged rows go to {@code warn} (see the class comment). */
    public static LossCsv read(Path file, String key, Consumer<String> warn) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) first++;
        if (first == lines.size()) throw new IOException(file + " is empty: expected a header line starting with '" + key + "'");
        List<String> columns = Arrays.stream(lines.get(first).split(",", -1)).map(String::strip).toList();
        int keyColumn = columns.indexOf(key);
        if (keyColumn < 0) {
            throw new IOException(file + ": line " + (first + 1) + " is not a header with a '" + key + "' column: " + abbreviate(lines.get(first)));
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] fields = line.split(",", -1);
            String where = file + ":" + (i + 1) + ": ";
            if (fields.length != columns.size()) {
                warn.accept(where + fields.length + " fields where the header has " + columns.size() + "; row skipped");
                continue;
            }
            double[] row = new double[fields.length];
            String bad = null;
            for (int c = 0; c < fields.length && bad == null; c++) {
                try {
                    row[c] = Double.parseDouble(fields[c].strip());
                } catch (NumberFormatException e) {
                    bad = "'" + abbreviate(fields[c]) + "' in column " + columns.get(c) + " is not a number; row skipped";
                }
            }
            if (bad != null) {
                warn.accept(where + bad);
                continue;
            }
            while (!rows.isEmpty() && rows.get(rows.size() - 1)[keyColumn] >= row[keyColumn]) rows.remove(rows.size() - 1);
            rows.add(row);
        }
        return new LossCsv(file, columns, rows);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    public Path file() {
        return file;
    }

    public List<String> columns() {
        return columns;
    }

    /** The rows in order, each with one value per column. */
    public List<double[]> rows() {
        return rows;
    }

    /** Index of a column, or -1. */
    public int column(String name) {
        return columns.indexOf(name);
    }
}
