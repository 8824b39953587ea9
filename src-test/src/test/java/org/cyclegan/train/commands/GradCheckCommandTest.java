package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.OpCatalog;
import org.cyclegan.train.cli.Main;
import org.junit.jupiter.api.Test;

/** gradcheck: every catalogue case passes through the command line, a wrong rule fails by name, and the refusals. */
class GradCheckCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A deliberately wrong rule: forward x², backward claiming 3x·g. */
    private static OpCatalog.Case wrongSquare(int order) {
        return new OpCatalog.Case("wrong_square", "", order, in -> List.of(in.randn(3, 3)), x -> Autograd.record("wrong_square",
                x.get(0).detach().mul(x.get(0).detach()), Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach()).mul(3f)}, x.get(0)));
    }

    private static void assertOneOkLinePerCase(String text, List<OpCatalog.Case> cases) {
        for (OpCatalog.Case c : cases) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(c.name() + " ") && l.contains(" ok ")), c.name() + " has an ok line:\n" + text);
        }
        assertTrue(!text.contains("FAIL"), text);
    }

    @Test void everyFirstOrderCasePasses() {
        assertEquals(0, run("gradcheck"), out());
        List<OpCatalog.Case> cases = OpCatalog.firstOrder();
        assertOneOkLinePerCase(out(), cases);
        assertTrue(out().contains("gradcheck: all " + cases.size() + " first-order cases of " + OpCatalog.ops(cases).size() + " ops passed"), out());
    }

    @Test void everySecondOrderCasePasses() {
        assertEquals(0, run("gradcheck", "--second-order"), out());
        assertOneOkLinePerCase(out(), OpCatalog.secondOrder());
        assertTrue(out().contains("gradcheck: all " + OpCatalog.secondOrder().size() + " second-order cases"), out());
    }

    @Test void oneOpChecksOnlyItsCasesAndNamesTheWorstElement() {
        assertEquals(0, run("gradcheck", "--op", "conv_transpose2d"), out());
        List<String> rows = out().lines().filter(l -> l.startsWith("conv_transpose2d")).toList();
        assertEquals(3, rows.size(), out());
        assertTrue(rows.stream().allMatch(l -> l.matches(".* ok +input \\d \\[[0-9, ]+\\] \\d+: \\S+, \\S+")), out());
        assertEquals(5, out().lines().count(), "a header, three cases, the summary:\n" + out());
    }

    @Test void aWrongRuleFailsWithItsName() {
        CommandLine cl = GradCheckCommand.options().parse(List.of());
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(1, GradCheckCommand.run(cl, o, List.of(wrongSquare(1))), out());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("wrong_square ") && l.contains(" FAIL ")), out());
        assertTrue(out().contains("gradcheck: 1 of " + (OpCatalog.firstOrder().size() + 1) + " first-order cases of "), out());
        assertTrue(out().strip().endsWith("FAILED: wrong_square"), out());
    }

    @Test void aWrongRuleOfTheOtherOrderIsLeftOut() {
        CommandLine cl = GradCheckCommand.options().parse(List.of("--op", "mul"));
        assertEquals(0, GradCheckCommand.run(cl, new PrintStream(out, true, StandardCharsets.UTF_8), List.of(wrongSquare(2))), out());
        assertTrue(!out().contains("wrong_square"), out());
    }

    @Test void listNamesEveryOpAndItsCases() {
        assertEquals(0, run("gradcheck", "--list"), out());
        for (String op : OpCatalog.ops(OpCatalog.firstOrder())) assertTrue(out().lines().anyMatch(l -> l.equals(op) || l.startsWith(op + ": ")), op);
        assertTrue(out().contains("conv2d: stride1_pad1_bias, "), out());
        assertTrue(!out().contains("elements"), "nothing is checked:\n" + out());
    }

    @Test void anUnknownOpIsAUsageErrorListingTheOps() {
        assertEquals(2, run("gradcheck", "--op", "conv3d"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("no first-order case for op 'conv3d'") && e.contains("conv2d, conv_transpose2d"), e);
        assertEquals(2, run("gradcheck", "--second-order", "--op", "dropout"), "dropout has no second-order case");
    }

    @Test void helpSaysWhatPrecisionItChecksIn() {
        assertEquals(0, run("gradcheck", "--help"));
        assertTrue(out().contains("not a double-precision check") && out().contains("float32"), out());
    }
}
