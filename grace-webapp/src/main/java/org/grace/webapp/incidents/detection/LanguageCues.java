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
 * @param questionOpeners    phrases that open a yes/no question ("did you", "has she"), with or without a
 *                           question mark
 * @param openQuestionWords  words that open a question which still reports something ("why did you hit me?"), so
 *                           a question mark after them does not weaken the evidence
 * @param clauseBreaks       words that start a new clause and so end a negation's scope ("but", "although")
 * @param irregularForms     word to base form for the stemmer ("fell" to "fall")
 * @param speakerFactors     speaker label (lower case, e.g. "grace" for the companion device) to a factor for the
 *                           evidence of that speaker's turns; labels not listed count 1
 */
public record LanguageCues(List<String> negationCues, List<String> pseudoNegations, List<String> hypotheticalCues,
                           List<String> questionOpeners, List<String> openQuestionWords,
                           List<String> clauseBreaks,
                           Map<String, String> irregularForms, Map<String, Double> speakerFactors) {
    public LanguageCues {
        negationCues = List.copyOf(negationCues);
        pseudoNegations = List.copyOf(pseudoNegations);
        hypotheticalCues = List.copyOf(hypotheticalCues);
        questionOpeners = List.copyOf(questionOpeners);
        openQuestionWords = List.copyOf(openQuestionWords);
        clauseBreaks = List.copyOf(clauseBreaks);
        irregularForms = Map.copyOf(irregularForms);
        speakerFactors = Map.copyOf(speakerFactors);
    }
}
