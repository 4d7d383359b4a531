package org.grace.webapp.incidents.detection;

import java.util.List;

/**
 * Who speaks about a resident rather than as one, and how to tell when they speak about themselves. Part of
 * {@link LanguageCues}; all lists empty turns it off.
 *
 * @param labels         speaker labels (first word, lower case) of people who report about a resident ("staff",
 *                       "family"): in their turns "I" and "my" are the speaker, not the resident
 * @param selfReferences words by which such a speaker speaks of themselves ("i", "my")
 * @param otherPeople    words that bring someone else into a clause ("she", "mum", "mrs"): a reporting speaker's
 *                       clause with a self reference before the phrase and none of these is about the speaker ("I
 *                       tripped on the kerb on my way in"), and weighs {@link DetectionTuning#selfReportFactor()}
 */
public record ReportingSpeakers(List<String> labels, List<String> selfReferences, List<String> otherPeople) {
    public ReportingSpeakers {
        labels = List.copyOf(labels);
        selfReferences = List.copyOf(selfReferences);
        otherPeople = List.copyOf(otherPeople);
    }
}
