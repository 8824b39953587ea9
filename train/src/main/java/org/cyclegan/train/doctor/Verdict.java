package org.cyclegan.train.doctor;

import java.util.List;

/**
 * What the doctor found ({@code findings}), the key numbers it looked at, and what it could not judge and why. The
 * same text is printed by the {@code doctor} command, at the end of each training epoch and on the run's page.
 */
public record Verdict(List<Finding> findings, List<String> numbers, List<String> notJudged) {
    public Verdict {
        findings = List.copyOf(findings);
        numbers = List.copyOf(numbers);
        notJudged = List.copyOf(notJudged);
    }

    /** {@code header}, then each finding with evidence and advice (or "no finding"), the key numbers and what was not judged. */
    public String text(String header) {
        StringBuilder sb = new StringBuilder(header).append('\n');
        if (findings.isEmpty()) sb.append("no finding\n");
        for (Finding f : findings) sb.append(f.text());
        if (!numbers.isEmpty()) sb.append("key numbers:\n");
        for (String n : numbers) sb.append("  ").append(n).append('\n');
        for (String n : notJudged) sb.append("not judged: ").append(n).append('\n');
        return sb.toString();
    }
}
