package org.grace.webapp.incidents.detection;

import java.util.List;
import java.util.Map;

/**
 * The words around a phrase that change what it means, and how speakers are weighed. Part of a {@link RuleSet}.
 *
 * @param negationCues       phrases that negate what follows them in the clause ("not", "didn't", "no sign of")
 * @param pseudoNegations    phrases that contain a negation or hypothetical cue but do not carry it
 *                           ("can't stop", "no longer", "could see")
 * @param hypotheticalCues   phrases that make what follows hypothetical, future or past history ("if", "in case")
 * @param hypotheticalAnywhereCues phrases that make everything between the punctuation marks around them
 *                           hypothetical or past, before or after them ("years ago", "when I was a girl")
 * @param questionOpeners    phrases that open a yes/no question ("did you", "has she"), with or without a
 *                           question mark
 * @param openQuestionWords  words that open a question which still reports something ("why did you hit me?"), so
 *                           a question mark after them does not weaken the evidence
 * @param clauseBreaks       words that start a new clause and so end a cue's scope ("but", "although", "and then")
 * @param irregularForms     word to base form for the stemmer ("fell" to "fall")
 * @param speakerFactors     speaker label (lower case, e.g. "grace" for the companion device) to a factor for the
 *                           evidence of that speaker's turns; labels not listed count 1
 * @param reportingSpeakers  staff and family, who speak about a resident: when they speak about themselves
 */
public record LanguageCues(List<String> negationCues, List<String> pseudoNegations, List<String> hypotheticalCues,
                           List<String> hypotheticalAnywhereCues,
                           List<String> questionOpeners, List<String> openQuestionWords,
                           List<String> clauseBreaks,
                           Map<String, String> irregularForms, Map<String, Double> speakerFactors,
                           ReportingSpeakers reportingSpeakers) {
    public LanguageCues {
        negationCues = List.copyOf(negationCues);
        pseudoNegations = List.copyOf(pseudoNegations);
        hypotheticalCues = List.copyOf(hypotheticalCues);
        hypotheticalAnywhereCues = List.copyOf(hypotheticalAnywhereCues);
        questionOpeners = List.copyOf(questionOpeners);
        openQuestionWords = List.copyOf(openQuestionWords);
        clauseBreaks = List.copyOf(clauseBreaks);
        irregularForms = Map.copyOf(irregularForms);
        speakerFactors = Map.copyOf(speakerFactors);
    }
}
