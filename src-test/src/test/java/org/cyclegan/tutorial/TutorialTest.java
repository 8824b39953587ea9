package org.cyclegan.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * engine/TUTORIAL.md and its examples in this package: every example runs, and every Java block of the text is the
 * marked region of an example's source, so the text cannot drift from code that runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorialTest {
    static final Path TEXT = Path.of("..", "engine", "TUTORIAL.md");
    static final Path SOURCES = Path.of("src", "test", "java", "org", "cyclegan", "tutorial");

    /** The chapters' examples, by class name. */
    static final Map<String, Executable> EXAMPLES = Map.of(
            "ChainRule", ChainRule::run,
            "Broadcasting", Broadcasting::run,
            "MatMulLayer", MatMulLayer::run,
            "ConvolutionAdjoint", ConvolutionAdjoint::run,
            "InstanceNormBackward", InstanceNormBackward::run,
            "GraphWalk", GraphWalk::run,
            "MemoryLifetimes", MemoryLifetimes::run,
            "HigherOrder", HigherOrder::run,
            "SwappingBackends", SwappingBackends::run);

    Stream<String> examples() {
        return EXAMPLES.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleRuns(String name) throws Throwable {
        EXAMPLES.get(name).execute();
    }

    @Test
    void everyExampleSourceIsRun() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            TreeSet<String> found = files.map(p -> p.getFileName().toString().replace(".java", ""))
                    .filter(n -> !n.startsWith("Tutorial")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(EXAMPLES.keySet()), found);
        }
    }

    @Test
    void everySnippetIsTheRegionOfItsSource() throws IOException {
        List<TutorialSnippets.Block> blocks = TutorialSnippets.javaBlocks(Files.readString(TEXT));
        assertFalse(blocks.isEmpty(), "no Java blocks in " + TEXT);
        for (TutorialSnippets.Block b : blocks) {
            assertTrue(b.marker() != null, "line " + b.line() + " of " + TEXT + ": a Java block without a snippet marker");
            Path source = SOURCES.resolve(b.marker().file());
            assertTrue(Files.exists(source), "line " + b.line() + ": no example source " + source);
            String region = TutorialSnippets.region(Files.readString(source), b.marker().region());
            assertTrue(region != null, "line " + b.line() + ": no region '" + b.marker().region() + "' in " + source);
            assertEquals(TutorialSnippets.dedent(region), TutorialSnippets.dedent(b.code()),
                    "line " + b.line() + " of " + TEXT + " differs from " + b.marker());
        }
    }

    @Test
    void anUnmarkedBlockIsFound() {
        List<TutorialSnippets.Block> blocks = TutorialSnippets.javaBlocks("text\n\n```java\nint a = 1;\n```\n");
        assertEquals(1, blocks.size());
        assertEquals(null, blocks.get(0).marker());
        assertEquals(3, blocks.get(0).line());
    }

    @Test
    void aMarkedBlockNamesItsRegion() {
        List<TutorialSnippets.Block> blocks = TutorialSnippets.javaBlocks("<!-- snippet: A.java#one -->\n```java\n  int a = 1;\n```\n");
        assertEquals(new TutorialSnippets.Marker("A.java", "one"), blocks.get(0).marker());
        assertEquals("int a = 1;", TutorialSnippets.dedent(blocks.get(0).code()));
    }

    @Test
    void aMissingRegionIsNull() {
        String source = "class A {\n    // tutorial:begin one\n    int a = 1;\n    // tutorial:end one\n}\n";
        assertEquals("int a = 1;", TutorialSnippets.dedent(TutorialSnippets.region(source, "one")));
        assertEquals(null, TutorialSnippets.region(source, "two"));
        assertEquals(null, TutorialSnippets.region("// tutorial:begin one\nint a;\n", "one"), "never ended");
    }

    @Test
    void indentationIsNormalizedButCodeIsNot() {
        assertEquals(TutorialSnippets.dedent("    a();\n      b();\n"), TutorialSnippets.dedent("a();\n  b();"));
        assertFalse(TutorialSnippets.dedent("a();\nb();").equals(TutorialSnippets.dedent("a();\n  b();")));
    }
}
