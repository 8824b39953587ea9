package org.cyclegan.train.commands;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cyclegan.engine.autograd.GradCheck;
import org.cyclegan.engine.autograd.OpCatalog;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.reference.Float64ReferenceBackend;

/**
 * {@code gradcheck}: every op's backward (or one op's, {@code --op}) against central differences, the cases of
 * {@link OpCatalog} checked by {@link GradCheck} with its tolerances, in double precision on the float64 reference
 * backend ({@link Float64ReferenceBackend}, which is the default backend while the cases are drawn and checked); with
 * {@code --second-order}, the second derivatives of the ops on a gradient penalty's path. One line per case: the
 * elements checked, the worst of them (input, index, analytic, numeric), its error over the allowed error, ok or FAIL.
 * Exit status 0 when every case passes, 1 when one fails, 2 for an unknown op.
 */
public final class GradCheckCommand {
    private GradCheckCommand() {}

    public static CommandLine options() {
        return new CommandLine("gradcheck", String.format(Locale.ROOT, String.join("\n",
                "Checks each op's backward against central finite differences in double precision, as PyTorch's",
                "gradcheck on float64 tensors: the ops run on the reference backend's loops in float64 (reference64),",
                "inputs, losses, differences and the analytic gradients are all double, with eps %s; an element passes",
                "when |analytic - numeric| <= %s + %s*|numeric| (PyTorch's defaults). Exit status 1 when any case fails."),
                GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL))
                .option("op", null, "check only this op's cases (--list names the ops)")
                .flag("second-order", "check second derivatives (as gradgradcheck) of the ops on a gradient penalty's path")
                .flag("list", "list the ops and their cases instead of checking them");
    }

    public static int run(CommandLine cl, PrintStream out) {
        return run(cl, out, List.of());
    }

    /**
     * As {@link #run(CommandLine, PrintStream)}, with {@code extra} cases (an op being written) beside the catalogue's;
     * those of the other order than the one asked for are left out.
     */
    public static int run(CommandLine cl, PrintStream out, List<OpCatalog.Case> extra) {
        int order = cl.flag("second-order") ? 2 : 1;
        List<OpCatalog.Case> cases = new ArrayList<>(order == 1 ? OpCatalog.firstOrder() : OpCatalog.secondOrder());
        for (OpCatalog.Case c : extra) if (c.order() == order) cases.add(c);
        String op = cl.string("op");
        if (op != null) {
            List<String> ops = OpCatalog.ops(cases);
            if (!ops.contains(op)) {
                throw new UsageException("gradcheck: no " + (order == 1 ? "first" : "second") + "-order case for op '" + op + "'; the ops: " + String.join(", ", ops));
            }
            cases.removeIf(c -> !c.op().equals(op));
        }
        if (cl.flag("list")) {
            list(out, cases);
            return 0;
        }
        Backend previous = Backends.getDefault();
        try (Backend float64 = new Float64ReferenceBackend()) {
            Backends.setDefault(float64);
            return check(out, cases, order);
        } finally {
            Backends.setDefault(previous);
        }
    }

    private static int check(PrintStream out, List<OpCatalog.Case> cases, int order) {
        int width = 4;
        for (OpCatalog.Case c : cases) width = Math.max(width, c.name().length());
        String row = "%-" + width + "s  %8s  %-13s  %s%n";
        out.printf(Locale.ROOT, row, "case", "elements", "error/allowed", "result, worst element (input [shape] index: analytic, numeric)");
        List<String> failed = new ArrayList<>();
        for (OpCatalog.Case c : cases) {
            GradCheck.Report r = c.check();
            boolean ok = r.passed() && r.checked() > 0;
            if (!ok) failed.add(c.name());
            GradCheck.Worst w = r.worst();
            String worst = w.input() < 0 ? "no element checked" : String.format(Locale.ROOT, "input %d %s %d: %.9g, %.9g",
                    w.input(), w.shape(), w.element(), w.analytic(), w.numeric());
            out.printf(Locale.ROOT, row, c.name(), r.checked(), String.format(Locale.ROOT, "%.3g", r.maxRatio()), (ok ? "ok    " : "FAIL  ") + worst);
        }
        String what = (order == 1 ? "first" : "second") + "-order cases of " + OpCatalog.ops(cases).size() + " ops";
        if (failed.isEmpty()) {
            out.println("gradcheck: all " + cases.size() + " " + what + " passed, in float64");
            return 0;
        }
        out.println("gradcheck: " + failed.size() + " of " + cases.size() + " " + what + " FAILED: " + String.join(", ", failed));
        return 1;
    }

    private static void list(PrintStream out, List<OpCatalog.Case> cases) {
        for (String op : OpCatalog.ops(cases)) {
            List<String> variants = new ArrayList<>();
            for (OpCatalog.Case c : cases) if (c.op().equals(op) && !c.variant().isEmpty()) variants.add(c.variant());
            out.println(variants.isEmpty() ? op : op + ": " + String.join(", ", variants));
        }
    }
}
