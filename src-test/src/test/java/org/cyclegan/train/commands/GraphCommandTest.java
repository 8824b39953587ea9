package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.cyclegan.testing.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** graph: the DOT of a generator, a discriminator and a training step; a picture when dot is there, a plain word when not. */
class GraphCommandTest {
    @TempDir Path dir;
    private final Console console = new Console();

    private static long opBoxes(String dot) {
        return Pattern.compile("^\\s*op\\d+ \\[shape=box", Pattern.MULTILINE).matcher(dot).results().count();
    }

    @Test void writesTheGeneratorsDotAndRendersItWhenDotIsInstalled() throws Exception {
        Path output = dir.resolve("g.dot");
        assertEquals(0, console.run("graph", "--netG", "resnet_6blocks", "--size", "32", "--ngf", "4", "--output", output.toString(), "--device", "cpu"), console.err());
        String dot = Files.readString(output);
        assertTrue(dot.startsWith("digraph") && dot.contains("label=\"model.10.conv_block\""), dot.substring(0, 200));
        assertEquals(57, opBoxes(dot), "16 convs (the 14 reflection pads fused into the convolutions after them), 17 norms, 11 relus, "
                + "6 sums, 2 transposed convs, tanh, and the L1 loss's 4 ops");
        boolean installed = GraphCommand.findDot(System.getenv("PATH")) != null;
        assertEquals(installed, Files.isRegularFile(dir.resolve("g.svg")), console.out() + console.err());
        if (installed) assertTrue(Files.readString(dir.resolve("g.svg")).contains("<svg"));
        else assertTrue(console.err().contains("dot is not on PATH"), console.err());
    }

    @Test void aStepDrawsAllFourNetworksAndADiscriminatorItsOwn() throws Exception {
        Path step = dir.resolve("step.dot"), d = dir.resolve("d.dot");
        CommandLine cl = GraphCommand.options().parse(List.of("--what", "step", "--ngf", "2", "--ndf", "2", "--output", step.toString()));
        assertEquals(0, GraphCommand.run(cl, console.outStream, console.errStream, null), console.err());
        String dot = Files.readString(step);
        for (String net : List.of("G_A", "G_B", "D_A", "D_B")) assertTrue(dot.contains("label=\"" + net + ".model\""), net);
        assertTrue(dot.contains("label=\"D_A.model.0.weight\\n[2, 3, 4, 4]\"") , "a frozen discriminator's weight: named, no grad");
        assertTrue(console.err().contains("no picture was rendered"), console.err());

        cl = GraphCommand.options().parse(List.of("--what", "discriminator", "--ndf", "2", "--output", d.toString()));
        assertEquals(0, GraphCommand.run(cl, console.outStream, console.errStream, null), console.err());
        String discriminator = Files.readString(d);
        assertTrue(discriminator.contains("label=\"model.0.weight\\n[2, 3, 4, 4]\\nrequires grad\""), discriminator.substring(0, 400));
        assertTrue(opBoxes(dot) > 4 * opBoxes(discriminator), "four generator passes and more");
    }

    @Test void aPictureWithoutGraphvizIsAnErrorThatSaysHowToMakeIt() throws Exception {
        Path svg = dir.resolve("g.svg");
        CommandLine cl = GraphCommand.options().parse(List.of("--ngf", "2", "--output", svg.toString()));
        assertEquals(1, GraphCommand.run(cl, console.outStream, console.errStream, null));
        assertTrue(console.err().contains("Graphviz's dot is not on PATH") && console.err().contains("dot -Tsvg"), console.err());
        assertTrue(Files.isRegularFile(dir.resolve("g.dot")), "the DOT is still written");
        assertFalse(Files.exists(svg));
    }

    @Test void rendersAPngWithGraphviz() throws Exception {
        Path graphviz = GraphCommand.findDot(System.getenv("PATH"));
        assumeTrue(graphviz != null, "Graphviz's dot is not installed");
        Path png = dir.resolve("g.png");
        assertEquals(0, console.run("graph", "--ngf", "2", "--output", png.toString(), "--device", "cpu"), console.err());
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("g.dot", "g.png"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test void findsDotOnlyWhereItIs() throws Exception {
        assertNull(GraphCommand.findDot(dir.toString()));
        assertNull(GraphCommand.findDot(null));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = Files.writeString(bin.resolve("dot"), "#!/bin/sh\n");
        assertTrue(fake.toFile().setExecutable(true));
        assertNotNull(GraphCommand.findDot(dir + java.io.File.pathSeparator + bin));
    }

    @Test void badOptionsAreUsageErrors() {
        String[][] cases = {
                {"--size", "32"},
                {"--output", dir.resolve("g.txt").toString()},
                {"--output", dir.toString()},
                {"--output", dir.resolve("g.dot").toString(), "--what", "everything"},
                {"--output", dir.resolve("g.dot").toString(), "--size", "30"},
                {"--output", dir.resolve("g.dot").toString(), "--netG", "resnet_0blocks"},
                {"--output", dir.resolve("g.dot").toString(), "--ngf", "0"},
        };
        String[] expected = {"--output is required", ".dot, .svg or .png", "is a folder", "--what must be one of", "--size 30 does not fit",
                "--netG must be one of", "--ngf must be at least 1"};
        for (int i = 0; i < cases.length; i++) {
            console.resetErr();
            String[] args = new String[cases[i].length + 1];
            args[0] = "graph";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            assertEquals(2, console.run(args), String.join(" ", args));
            assertTrue(console.err().contains(expected[i]), expected[i] + " in: " + console.err());
        }
        assertFalse(Files.exists(dir.resolve("g.dot")), "nothing written on a refusal");
    }

    @Test void helpListsTheOptionsAndMainListsTheCommand() {
        assertEquals(0, console.run("graph", "--help"));
        String help = console.out();
        for (String option : List.of("--output", "--what", "--size", "--netG", "--ngf")) assertTrue(help.contains(option), option + " in " + help);
        console.resetOut();
        assertEquals(0, console.run("--help"));
        assertTrue(console.out().contains("graph "));
    }
}
