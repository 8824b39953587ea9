package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cyclegan.engine.F;
import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.GraphCapture;
import org.cyclegan.engine.autograd.GraphDot;
import org.cyclegan.engine.autograd.Node;
import org.cyclegan.engine.nn.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GraphDot on a resnet_6blocks generator at 32 px: one box per recorded op, each inside the cluster of the module that
 * ran it, the parameters under their state-dict names, and text Graphviz accepts.
 */
class GraphExportTest {
    @TempDir Path dir;

    /** A generator's forward and an L1 loss, captured, and its DOT. */
    private record Drawn(Module generator, GraphCapture capture, Tensor loss, String dot) {}

    private static Drawn draw(int ngf, String targetName) {
        Module g = Networks.defineG(3, 3, ngf, "resnet_6blocks", "instance", false, "normal", 0.02f, new Random(3));
        Random rng = new Random(4);
        Tensor x = Tensor.randn(rng, 1, 3, 32, 32), target = Tensor.randn(rng, 1, 3, 32, 32);
        Tensor loss;
        GraphCapture capture;
        try (GraphCapture c = GraphCapture.start()) {
            capture = c;
            loss = F.l1Loss(g.forward(x), target);
        }
        String dot = new GraphDot(capture).module("", g).name(target, targetName).render(loss);
        return new Drawn(g, capture, loss, dot);
    }

    /** The ops behind {@code root}, found by a walk of this test's own over the gradFn links. */
    private static Set<Node> walk(Tensor root) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.pop().gradFn();
            if (n == null || !seen.add(n)) continue;
            for (Tensor in : n.inputs()) if (in != null) todo.push(in);
        }
        return seen;
    }

    private static final Pattern OP = Pattern.compile("^\\s*(op\\d+) \\[shape=box.*label=\"([a-z_0-9()]+)\\\\n");
    private static final Pattern LEAF = Pattern.compile("^\\s*(leaf\\d+) \\[.*label=\"([^\"\\\\]*)\\\\n");
    private static final Pattern LABEL = Pattern.compile("^\\s*label=\"([^\"]*)\";");

    /** Each node statement's cluster label ("" outside all), read from the nesting of the DOT text: id → {name, cluster}. */
    private static Map<String, String[]> nodesByCluster(String dot, Pattern kind) {
        Map<String, String[]> out = new TreeMap<>();
        Deque<String> clusters = new ArrayDeque<>();
        for (String line : dot.split("\n")) {
            if (line.trim().startsWith("subgraph cluster_")) clusters.push("?");
            else if (line.trim().equals("}") && !clusters.isEmpty()) clusters.pop();
            Matcher label = LABEL.matcher(line);
            if (label.find() && !clusters.isEmpty()) {
                clusters.pop();
                clusters.push(label.group(1));
            }
            Matcher m = kind.matcher(line);
            if (m.find()) out.put(m.group(1), new String[] {m.group(2), clusters.isEmpty() ? "" : clusters.peek()});
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 64})
    void oneBoxPerRecordedOpInTheClusterOfTheModuleThatRanIt(int ngf) {
        try (MemoryScope scope = MemoryScope.open()) {
            Drawn d = draw(ngf, "target");
            Set<Node> walked = walk(d.loss());
            assertEquals(walked.size(), d.capture().recorded().size(), "every op the forward recorded leads to the loss");
            Map<String, String[]> ops = nodesByCluster(d.dot(), OP);
            assertEquals(walked.size(), ops.size(), "op boxes");
            assertEquals(walked.size(), GraphDot.ops(d.loss()).size());

            List<String> drawnNames = new ArrayList<>(), recordedNames = new ArrayList<>();
            for (String[] op : ops.values()) drawnNames.add(op[0]);
            for (Node n : walked) recordedNames.add(n.op());
            Collections.sort(drawnNames);
            Collections.sort(recordedNames);
            assertEquals(recordedNames, drawnNames);

            Map<String, Module> modules = d.generator().namedModules();
            Map<String, String> layerOf = Map.of("conv2d", "Conv2d", "conv_transpose2d", "ConvTranspose2d", "instance_norm", "InstanceNorm2d",
                    "relu", "ReLU", "tanh", "Tanh", "reflection_pad2d", "ReflectionPad2d", "add", "ResnetBlock");
            Set<String> lossOps = Set.of("sub", "abs", "sum", "mul_scalar");
            for (String[] op : ops.values()) {
                if (lossOps.contains(op[0])) {
                    assertEquals("", op[1], "the loss's " + op[0] + " ran outside the generator");
                    continue;
                }
                Module m = modules.get(op[1]);
                assertNotNull(m, op[0] + " drawn in '" + op[1] + "', which is no module path");
                assertEquals(layerOf.get(op[0]), m.getClass().getSimpleName(), op[0] + " in " + op[1]);
            }

            // Every cluster is a state-dict prefix, the six residual blocks and their convolutions among them.
            Set<String> clusterLabels = new TreeSet<>();
            Matcher label = Pattern.compile("subgraph cluster_\\d+ \\{\\n\\s*label=\"([^\"]*)\"").matcher(d.dot());
            while (label.find()) clusterLabels.add(label.group(1));
            assertTrue(modules.keySet().containsAll(clusterLabels), clusterLabels.toString());
            for (int block = 10; block < 16; block++) {
                assertTrue(clusterLabels.contains("model." + block) && clusterLabels.contains("model." + block + ".conv_block.5"), clusterLabels.toString());
            }

            // Parameters: named by their keys, inside their module's cluster; the target as named, outside (the input image
            // is no node: the first op that records reads its padding, which needs no grad).
            Map<String, String[]> leaves = nodesByCluster(d.dot(), LEAF);
            Set<String> leafNames = new TreeSet<>();
            for (String[] leaf : leaves.values()) {
                leafNames.add(leaf[0]);
                if (d.generator().namedParameters().containsKey(leaf[0])) {
                    assertEquals(leaf[0].substring(0, leaf[0].lastIndexOf('.')), leaf[1], leaf[0]);
                }
            }
            assertTrue(leafNames.containsAll(d.generator().namedParameters().keySet()), leafNames.toString());
            assertTrue(leafNames.contains("target"), leafNames.toString());
            assertTrue(d.dot().contains("holds "), "bytes held for backward");
        }
    }

    @Test void withoutACaptureOpsAreDrawnOutsideEveryClusterAndAClosedCaptureNotesNothing() {
        try (MemoryScope scope = MemoryScope.open()) {
            Drawn d = draw(4, "target");
            int recorded = d.capture().recorded().size();
            Tensor again = F.l1Loss(d.generator().forward(Tensor.randn(new Random(5), 1, 3, 32, 32)), Tensor.zeros(1, 3, 32, 32));
            assertEquals(recorded, d.capture().recorded().size());
            String dot = new GraphDot(null).module("", d.generator()).render(again);
            for (String[] op : nodesByCluster(dot, OP).values()) assertEquals("", op[1], op[0]);
        }
    }

    @Test void graphvizParsesTheGeneratorsGraphEvenWithAwkwardNames() throws IOException, InterruptedException {
        Path graphviz = null;
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "dot"))) graphviz = Path.of(p, "dot");
        }
        assumeTrue(graphviz != null, "Graphviz's dot is not installed");
        String dot;
        try (MemoryScope scope = MemoryScope.open()) {
            dot = draw(4, "a \"quoted\" name\\with a backslash\nand a line break").dot();
        }
        assertTrue(dot.contains("a \\\"quoted\\\" name\\\\with a backslash\\nand a line break"), "escaped label");
        Path file = Files.writeString(dir.resolve("g.dot"), dot);
        Process p = new ProcessBuilder(graphviz.toString(), "-Tsvg", file.toString()).redirectErrorStream(true).start();
        String svg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), svg.length() > 2000 ? svg.substring(0, 2000) : svg);
        assertTrue(svg.contains("<svg") && svg.contains("model.10.conv_block.1.weight") && svg.contains("quoted"), "an SVG of the graph");
        assertTrue(!svg.contains("Warning") && !svg.contains("Error"), "dot complained");
    }
}
