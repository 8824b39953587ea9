package org.cyclegan.train.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.List;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.autograd.Autograd;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.autograd.OpCatalog;
import org.cyclegan.testing.Console;
import org.junit.jupiter.api.Test;

/** gradcheck: every catalogue case passes through the command line, a wrong rule fails by name, and the refusals. */
class GradCheckCommandTest {
    private final Console console = new Console();

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
        assertEquals(0, console.run("gradcheck"), console.out());
        List<OpCatalog.Case> cases = OpCatalog.firstOrder();
        assertOneOkLinePerCase(console.out(), cases);
        assertTrue(console.out().contains("gradcheck: all " + cases.size() + " first-order cases of " + OpCatalog.ops(cases).size() + " ops passed"), console.out());
    }

    @Test void everySecondOrderCasePasses() {
        assertEquals(0, console.run("gradcheck", "--second-order"), console.out());
        assertOneOkLinePerCase(console.out(), OpCatalog.secondOrder());
        assertTrue(console.out().contains("gradcheck: all " + OpCatalog.secondOrder().size() + " second-order cases"), console.out());
    }

    @Test void oneOpChecksOnlyItsCasesAndNamesTheWorstElement() {
        assertEquals(0, console.run("gradcheck", "--op", "conv_transpose2d"), console.out());
        List<String> rows = console.out().lines().filter(l -> l.startsWith("conv_transpose2d")).toList();
        assertEquals(3, rows.size(), console.out());
        assertTrue(rows.stream().allMatch(l -> l.matches(".* ok +input \\d \\[[0-9, ]+\\] \\d+: \\S+, \\S+")), console.out());
        assertEquals(5, console.out().lines().count(), "a header, three cases, the summary:\n" + console.out());
    }

    @Test void aWrongRuleFailsWithItsName() {
        CommandLine cl = GradCheckCommand.options().parse(List.of());
        PrintStream o = console.outStream;
        assertEquals(1, GradCheckCommand.run(cl, o, List.of(wrongSquare(1))), console.out());
        assertTrue(console.out().lines().anyMatch(l -> l.startsWith("wrong_square ") && l.contains(" FAIL ")), console.out());
        assertTrue(console.out().contains("gradcheck: 1 of " + (OpCatalog.firstOrder().size() + 1) + " first-order cases of "), console.out());
        assertTrue(console.out().strip().endsWith("FAILED: wrong_square"), console.out());
    }

    @Test void aRuleOffByHalfAPercentFailsInDouble() {
        // Forward x², backward 2x·(1 + 5e-3): within a float32 check's rtol of 1e-2, outside double's 1e-3.
        OpCatalog.Case slightlyWrong = new OpCatalog.Case("slightly_wrong_square", "", 1, in -> List.of(in.randn(3, 3)), x -> Autograd.record("slightly_wrong_square",
                x.get(0).detach().mul(x.get(0).detach()), Autograd.saves(x.get(0)), g -> new Tensor[] {g.mul(x.get(0).detach()).mul(2f * 1.005f)}, x.get(0)));
        CommandLine cl = GradCheckCommand.options().parse(List.of("--op", "slightly_wrong_square"));
        assertEquals(1, GradCheckCommand.run(cl, console.outStream, List.of(slightlyWrong)), console.out());
        assertTrue(console.out().lines().anyMatch(l -> l.startsWith("slightly_wrong_square ") && l.contains(" FAIL ")), console.out());
    }

    @Test void aWrongRuleOfTheOtherOrderIsLeftOut() {
        CommandLine cl = GradCheckCommand.options().parse(List.of("--op", "mul"));
        assertEquals(0, GradCheckCommand.run(cl, console.outStream, List.of(wrongSquare(2))), console.out());
        assertTrue(!console.out().contains("wrong_square"), console.out());
    }

    @Test void listNamesEveryOpAndItsCases() {
        assertEquals(0, console.run("gradcheck", "--list"), console.out());
        for (String op : OpCatalog.ops(OpCatalog.firstOrder())) assertTrue(console.out().lines().anyMatch(l -> l.equals(op) || l.startsWith(op + ": ")), op);
        assertTrue(console.out().contains("conv2d: stride1_pad1_bias, "), console.out());
        assertTrue(!console.out().contains("elements"), "nothing is checked:\n" + console.out());
    }

    @Test void anUnknownOpIsAUsageErrorListingTheOps() {
        assertEquals(2, console.run("gradcheck", "--op", "conv3d"));
        String e = console.err();
        assertTrue(e.contains("no first-order case for op 'conv3d'") && e.contains("conv2d, conv_transpose2d"), e);
        assertEquals(2, console.run("gradcheck", "--second-order", "--op", "dropout"), "dropout has no second-order case");
    }

    @Test void helpSaysWhatPrecisionItChecksIn() {
        assertEquals(0, console.run("gradcheck", "--help"));
        assertTrue(console.out().contains("in double precision") && console.out().contains("float64"), console.out());
        assertTrue(console.out().contains("eps " + GradCheck.EPS) && console.out().contains(GradCheck.ATOL + " + " + GradCheck.RTOL + "*|numeric|"), console.out());
    }
}
