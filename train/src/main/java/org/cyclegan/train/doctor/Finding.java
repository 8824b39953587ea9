package org.cyclegan.train.doctor;

/**
 * One thing the doctor recognised: the {@link Situation}, what it concerns ({@code D_A/G_A}, {@code G_B}, a loss's
 * name), a short {@code summary} with the key numbers (the one-line form at progress lines) and the {@code evidence}
 * in full: the numbers, over which steps or epochs, against which threshold.
 */
public record Finding(Situation situation, String subject, String summary, String evidence) {
    /** What stays the same while a finding persists (its numbers change from line to line): the situation and subject. */
    public String key() {
        return situation.letter + " " + subject;
    }

    /** "(a) the discriminator wins [D_A/G_A]: D_A 0.021, G_A 0.82 over steps 6401–8052". */
    public String line() {
        return situation.label() + " [" + subject + "]: " + summary;
    }

    /** The line, then the evidence and the advice, each on its own indented line. */
    public String text() {
        return "finding " + line() + "\n  evidence: " + evidence + "\n  advice: " + situation.advice + "\n";
    }
}
