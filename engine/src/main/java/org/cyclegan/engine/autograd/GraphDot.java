package org.cyclegan.engine.autograd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cyclegan.engine.Shape;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.nn.Module;

/**
 * The recorded graph behind a tensor as Graphviz DOT, for looking at what autodiff will walk: each op is a node (its
 * name, its output's shape, the bytes its saved tensors hold until its backward has run); each leaf is a node of its
 * own (a parameter under its state-dict name, an input under the name given to {@link #name}, its shape and whether
 * it requires grad); each tensor passed from one to the next is an edge labelled with its shape, bold where it
 * requires grad, dashed where it does not (a constant such as a target image). The root's op points to an output node.
 *
 * <p>The nodes are those of {@link Autograd}'s topological walk from the root, so the picture shows exactly what a
 * backward from there visits. Modules are clusters named by their state-dict prefix ({@code model.10.conv_block.1}
 * inside {@code model.10} inside {@code model}), nested as the modules are. An op goes into the cluster of the module
 * that ran it, as noted by a {@link GraphCapture} open during the forward: guessing it from the parameters an op reads
 * would misplace every op that reads none (pads, norms without affine, activations, a residual block's sum), so the
 * containers report which child is running instead, which costs nothing when no capture is open. Without a capture
 * (or for an op recorded outside every module) the op is drawn outside the clusters.
 */
public final class GraphDot {
    private final GraphCapture capture;
    private final Map<Tensor, String> names = new IdentityHashMap<>();
    private final Map<Object, String> modulePaths = new IdentityHashMap<>();
    private final Set<String> paths = new HashSet<>();

    /** A printer whose ops are placed into modules by {@code capture} (null: no clusters for ops). */
    public GraphDot(GraphCapture capture) {
        this.capture = capture;
    }

    /** Names a leaf (an input image, say) in the picture. */
    public GraphDot name(Tensor leaf, String name) {
        names.put(leaf, name);
        return this;
    }

    /**
     * Draws {@code module}'s parts as clusters and names its parameters, every path and name preceded by {@code prefix}
     * ({@code "netG_A."} when a picture holds several networks; {@code ""} for one).
     */
    public GraphDot module(String prefix, Module module) {
        module.namedModules().forEach((path, m) -> {
            modulePaths.putIfAbsent(m, join(prefix, path));
            paths.add(join(prefix, path));
        });
        module.namedParameters().forEach((name, p) -> names.putIfAbsent(p, prefix + name));
        return this;
    }

    private static String join(String prefix, String path) {
        String p = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() ? path : path.isEmpty() ? p : p + "." + path;
    }

    /** The ops behind {@code root}, inputs before the ops that read them: the nodes the picture draws. */
    public static List<Node> ops(Tensor root) {
        List<Node> ops = new ArrayList<>();
        for (Tensor t : Autograd.topologicalOrder(root)) if (t.gradFn() != null) ops.add(t.gradFn());
        return ops;
    }

    /** The DOT text of the graph behind {@code root}. */
    public String render(Tensor root) {
        List<Tensor> order = Autograd.topologicalOrder(root);
        Map<Tensor, String> ids = new IdentityHashMap<>();
        Map<String, List<String>> members = new TreeMap<>();   // cluster path → node statements ("" outside every cluster)
        StringBuilder edges = new StringBuilder();
        for (Tensor t : order) {
            Node node = t.gradFn();
            if (node == null) {
                declareLeaf(t, ids, members);
                continue;
            }
            String id = "op" + ids.size();
            ids.put(t, id);
            String label = node.op() + "\n" + Shape.str(t.shape()) + (node.saved().isEmpty() ? "" : "\nholds " + bytes(savedBytes(node)));
            members.computeIfAbsent(clusterOf(node), k -> new ArrayList<>())
                    .add(id + " [shape=box, style=\"rounded,filled\", fillcolor=\"#dbe8f7\", label=" + quote(label) + "];");
            for (Tensor in : node.inputs()) {
                if (in == null) continue;
                if (!ids.containsKey(in)) declareLeaf(in, ids, members);   // an input that needs no grad: not walked
                edges.append("  ").append(ids.get(in)).append(" -> ").append(id).append(" [label=").append(quote(Shape.str(in.shape())))
                        .append(in.requiresGrad() ? ", style=bold" : ", style=dashed, color=gray40").append("];\n");
            }
        }
        StringBuilder dot = new StringBuilder("digraph autograd {\n");
        dot.append("  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n");
        writeClusters(dot, "", members, new int[] {0}, "  ");
        dot.append("  output [shape=plaintext, label=").append(quote("output " + Shape.str(root.shape()))).append("];\n");
        dot.append(edges);
        dot.append("  ").append(ids.get(root)).append(" -> output;\n");
        return dot.append("}\n").toString();
    }

    private void declareLeaf(Tensor t, Map<Tensor, String> ids, Map<String, List<String>> members) {
        String id = "leaf" + ids.size();
        ids.put(t, id);
        String name = names.get(t);
        String label = (name != null ? name : t.requiresGrad() ? "leaf" : "constant") + "\n" + Shape.str(t.shape()) + (t.requiresGrad() ? "\nrequires grad" : "");
        String cluster = name == null || !name.contains(".") ? "" : name.substring(0, name.lastIndexOf('.'));
        if (!cluster.isEmpty() && !paths.contains(cluster)) cluster = "";
        members.computeIfAbsent(cluster, k -> new ArrayList<>()).add(id + " [shape=ellipse, style=filled, fillcolor="
                + (t.requiresGrad() ? "\"#f7e3c4\"" : "\"#eeeeee\"") + ", label=" + quote(label) + "];");
    }

    private String clusterOf(Node node) {
        Object owner = capture == null ? null : capture.ownerOf(node);
        String path = owner == null ? null : modulePaths.get(owner);
        return path == null ? "" : path;
    }

    /** Writes the nodes of {@code path} and, nested in it, the clusters of the paths directly below it. */
    private static void writeClusters(StringBuilder dot, String path, Map<String, List<String>> members, int[] counter, String indent) {
        for (String statement : members.getOrDefault(path, List.of())) dot.append(indent).append(statement).append('\n');
        for (String child : childrenOf(path, members)) {
            dot.append(indent).append("subgraph cluster_").append(counter[0]++).append(" {\n");
            dot.append(indent).append("  label=").append(quote(child)).append(";\n");
            dot.append(indent).append("  style=rounded; color=gray60; fontname=\"Helvetica\"; fontsize=10;\n");
            writeClusters(dot, child, members, counter, indent + "  ");
            dot.append(indent).append("}\n");
        }
    }

    /**
     * The cluster paths directly below {@code path} that lead to some node: {@code model.1} and {@code model.10} below
     * {@code model}, and {@code model} below {@code ""}. A path holding no node of its own still appears when something
     * below it does, so the nesting follows the modules.
     */
    private static List<String> childrenOf(String path, Map<String, List<String>> members) {
        Map<String, Boolean> children = new LinkedHashMap<>();
        for (String p : members.keySet()) {
            if (p.isEmpty() || p.equals(path)) continue;
            if (!path.isEmpty() && !p.startsWith(path + ".")) continue;
            String rest = path.isEmpty() ? p : p.substring(path.length() + 1);
            int dot = rest.indexOf('.');
            children.put(path.isEmpty() ? rest.substring(0, dot < 0 ? rest.length() : dot)
                    : path + "." + (dot < 0 ? rest : rest.substring(0, dot)), true);
        }
        List<String> out = new ArrayList<>(children.keySet());
        out.sort(GraphDot::byPath);
        return out;
    }

    /** Paths in the order a state dict lists them: numeric parts as numbers ({@code model.2} before {@code model.10}). */
    private static int byPath(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d+") && y[i].matches("\\d+") ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    /** The bytes {@code node}'s saved tensors hold for its backward (float32 elements). */
    public static long savedBytes(Node node) {
        long n = 0;
        for (Tensor t : node.saved()) if (t != null) n += (long) t.numel() * Float.BYTES;
        return n;
    }

    private static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    /** A DOT quoted string: backslashes and quotes escaped, line breaks as DOT's centred {@code \n}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> { }
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
