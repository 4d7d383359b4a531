package org.grace.webapp.incidents.detection;

/**
 * The numbers of the confidence model, carried by the rule file so that they are versioned with the phrases they
 * were tuned against.
 *
 * @param negatedFactor          multiplies the evidence of a phrase with a negation cue before it ("did not fall")
 * @param hypotheticalFactor     multiplies the evidence of a phrase in a hypothetical, future or remembered
 *                               context ("if she falls", "in case", "years ago")
 * @param questionFactor         multiplies the evidence of a phrase in a yes/no question ("did you fall?"): asking is
 *                               weaker evidence than telling; "why did you hit me?" is not reduced
 * @param negationWindow         how many words before a phrase a negation cue still applies (within the clause)
 * @param hypotheticalWindow     the same for hypothetical cues (within the clause)
 * @param signalFloor            evidence from one mention at or above which it counts as a signal: it sets its
 *                               category's severity and, for high or critical rules, counts towards escalation
 * @param highSignalsToEscalate  how many distinct high or critical rules with signals raise the severity one step
 * @param selfReportFactor       multiplies the evidence of a phrase that a member of staff or family says about
 *                               themselves ({@link LanguageCues#otherPeople()}); 1 (the default) turns it off
 */
public record DetectionTuning(double negatedFactor, double hypotheticalFactor, double questionFactor,
                              int negationWindow, int hypotheticalWindow, double signalFloor,
                              int highSignalsToEscalate, double selfReportFactor) {
}
