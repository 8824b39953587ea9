package org.cyclegan.train.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small option parser for the commands: options are declared with a default and a help line, given as
 * {@code --name value}, {@code --name=value} or (flags) {@code --name}. An unknown option, a missing value or a value of
 * the wrong type is an {@link UsageException} that names the option.
 */
public final class CommandLine {
    /** A declared option. */
    private record Spec(String name, String defaultValue, boolean flag, String help) {}

    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private boolean help;
    private String invocation;

    public CommandLine(String command, String summary) {
        this.command = command;
        this.summary = summary;
        this.invocation = "java -jar cyclegan-engine.jar " + command;
    }

    /** How the usage line says to run it, when not as a command of the jar (the Spark job: through spark-submit). */
    public CommandLine invokedAs(String invocation) {
        this.invocation = invocation;
        return this;
    }

    public CommandLine option(String name, String defaultValue, String help) {
        specs.put(name, new Spec(name, defaultValue, false, help));
        return this;
    }

    /** --device and --threads, which every command takes (see {@code Main.selectBackend}). */
    public CommandLine deviceOptions() {
        return option("device", "auto", "auto | cpu | opencl | opencl:N | reference (auto: an OpenCL GPU if there is one, else cpu; 'devices' lists N)")
                .option("threads", "", "cpu backend threads (default: all cores)");
    }

    public CommandLine flag(String name, String help) {
        specs.put(name, new Spec(name, null, true, help));
        return this;
    }

    public CommandLine parse(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--")) throw new UsageException(command + ": unexpected argument '" + a + "'");
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = specs.get(name);
            if (spec == null) throw new UsageException(command + ": unknown option '--" + name + "'" + hint(name));
            if (spec.flag) {
                if (value != null) throw new UsageException(command + ": option --" + name + " takes no value");
                values.put(name, "true");
            } else {
                if (value == null) {
                    if (i + 1 >= args.size()) throw new UsageException(command + ": option --" + name + " needs a value");
                    // "--batch_size --lr 0.1": the next word is an option, so the value was forgotten (else --lr would be
                    // taken as the batch size and 0.1 reported as a stray argument). Values that start with "--" can still
                    // be given as --name=value; negative numbers (-1) start with one dash and are taken as values.
                    String next = args.get(i + 1);
                    if (next.startsWith("--") && next.length() > 2) {
                        throw new UsageException(command + ": option --" + name + " needs a value, but is followed by the option " + next
                                + " (to give a value that starts with --, write --" + name + "=VALUE)");
                    }
                    value = args.get(++i);
                }
                values.put(name, value);
            }
        }
        return this;
    }

    /** The reference's options that have another name here, with what to use instead. */
    private static final Map<String, String> RENAMED = Map.of(
            "gpu_ids", "this program selects its device with --device (auto | cpu | opencl | opencl:N; 'devices' lists N), not --gpu_ids");

    /** "; <what to use instead>" for an unknown option that has a known replacement, else "". */
    private static String hint(String name) {
        String instead = RENAMED.get(name);
        return instead == null ? "" : "; " + instead;
    }

    /** The command's name, for messages: "train". */
    public String command() {
        return command;
    }

    public boolean helpRequested() {
        return help;
    }

    public String usage() {
        StringBuilder sb = new StringBuilder("usage: " + invocation + " [options]\n\n" + summary + "\n\noptions:\n");
        for (Spec s : specs.values()) {
            String left = "  --" + s.name + (s.flag ? "" : " " + (s.defaultValue == null ? "VALUE" : s.defaultValue));
            sb.append(String.format("%-34s %s%n", left, s.help));
        }
        return sb.toString();
    }

    boolean given(String name) {
        return values.containsKey(name);
    }

    /**
     * Every declared option's value as it stands: as given, else its default ("" when the command derives it later);
     * flags "true" or "false"; in declaration order.
     */
    Map<String, String> effectiveValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Spec s : specs.values()) out.put(s.name, s.flag ? Boolean.toString(values.containsKey(s.name)) : string(s.name));
        return out;
    }

    /**
     * Takes {@code saved} values (from {@link #effectiveValues} of an earlier run) for the options not given on this
     * command line; saved names that are no longer declared are ignored. Returns the names of the given options whose value differs
     * from the saved one.
     */
    List<String> adoptSaved(Map<String, String> saved) {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : saved.entrySet()) {
            Spec s = specs.get(e.getKey());
            if (s == null) continue;
            String now = s.flag ? Boolean.toString(values.containsKey(s.name)) : string(s.name);
            if (given(s.name)) {
                if (!now.equals(e.getValue())) changed.add(s.name);
            } else if (s.flag) {
                if (e.getValue().equals("true")) values.put(s.name, "true");
            } else {
                values.put(s.name, e.getValue());
            }
        }
        return changed;
    }

    public String string(String name) {
        Spec s = spec(name);
        return values.getOrDefault(name, s.defaultValue);
    }

    public boolean flag(String name) {
        spec(name);
        return values.containsKey(name);
    }

    public int integer(String name, int min) {
        String v = string(name);
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) throw new UsageException(command + ": --" + name + " must be at least " + min + ", got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " needs an integer, got '" + v + "'");
        }
    }

    /**
     * As {@link #integer}, for an option declared with an empty default that the command works out itself:
     * {@code whenEmpty} when it was left empty.
     */
    int integerOr(String name, int whenEmpty, int min) {
        return string(name).isEmpty() ? whenEmpty : integer(name, min);
    }

    long longValue(String name) {
        String v = string(name);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " needs an integer, got '" + v + "'");
        }
    }

    public float real(String name) {
        String v = string(name);
        try {
            float f = Float.parseFloat(v.trim());
            if (!Float.isFinite(f)) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " needs a number, got '" + v + "'");
        }
    }

    public String choice(String name, List<String> allowed) {
        String v = string(name);
        if (!allowed.contains(v)) throw new UsageException(command + ": --" + name + " must be one of " + allowed + ", got '" + v + "'");
        return v;
    }

    private Spec spec(String name) {
        Spec s = specs.get(name);
        if (s == null) throw new IllegalArgumentException("option --" + name + " was not declared");
        return s;
    }

    public static List<String> rest(String[] args, int from) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < args.length; i++) l.add(args[i]);
        return l;
    }
}
