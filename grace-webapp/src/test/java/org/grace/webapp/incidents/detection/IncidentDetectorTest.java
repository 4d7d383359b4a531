package org.grace.webapp.incidents.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The behaviour of the bundled rules on sentences chosen to pin one rule of the confidence model each. */
class IncidentDetectorTest {
    private static final IncidentDetector DETECTOR = IncidentDetector.withBundledRules();

    private static DetectionResult detect(String text) {
        return DETECTOR.detect(text);
    }

    private static double confidence(String text, IncidentCategory category) {
        DetectionResult result = detect(text);
        return java.util.stream.Stream.concat(result.findings().stream(), result.belowThreshold().stream())
                .filter(f -> f.category() == category).mapToDouble(CategoryFinding::confidence).findFirst().orElse(0);
    }

    @Test
    void aPlainReportOfAFallIsAnIncidentWithItsPhraseAsWritten() {
        DetectionResult result = detect("Staff: Mrs Hughes FELL in the corridor after lunch.");
        assertThat(result.incidentDetected()).isTrue();
        assertThat(result.categories()).containsExactly(IncidentCategory.FALL_INJURY);
        assertThat(result.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(result.confidence()).isGreaterThanOrEqualTo(0.6);
        assertThat(result.matchedPhrases()).containsExactly("FELL");
        assertThat(result.suggestedActions()).isNotEmpty();
        assertThat(result.ruleSetVersion()).isEqualTo(RuleSet.bundled().version());
    }

    @Test
    void wordsMatchWholeNotInsideOtherWords() {
        assertThat(detect("My fellow residents are lovely, we had a good laugh.").incidentDetected()).isFalse();
        assertThat(detect("The hospital sent a new fellowship nurse.").incidentDetected()).isFalse();
        assertThat(detect("She's been hitchhiking in her youth, she told us.").incidentDetected()).isFalse();
    }

    @Test
    void caseAndAccentsAreIgnored() {
        assertThat(detect("She is CONFUSÉD and disoriented this morning").categories())
                .containsExactly(IncidentCategory.COGNITIVE_CHANGE);
        assertThat(detect("Zoë said she had chest pain").categories()).containsExactly(IncidentCategory.MEDICAL_EMERGENCY);
        assertThat(detect("She’s been crying all morning").categories()).containsExactly(IncidentCategory.EMOTIONAL_DISTRESS);
    }

    @Test
    void stemmingFindsEveryFormOfAWord() {
        for (String text : List.of("I fell", "I fall a lot now", "she is falling", "he has fallen", "she falls",
                "his cut is bleeding", "it bled", "she refused her tablets", "he is refusing", "she refuses",
                "crying", "she cried", "she cries")) {
            assertThat(detect(text).incidentDetected()).as(text).isTrue();
        }
        assertThat(detect("she refused her tablets").categories()).containsExactly(IncidentCategory.BEHAVIOUR);
    }

    @Test
    void negationLowersConfidenceBelowTheThreshold() {
        assertThat(detect("I did not fall, I sat down on purpose").incidentDetected()).isFalse();
        assertThat(detect("Resident: no pain at all today, thank you").incidentDetected()).isFalse();
        assertThat(detect("She didn't hit anyone today, much calmer").incidentDetected()).isFalse();
        assertThat(detect("Checked him over: no bruising, no bleeding").incidentDetected()).isFalse();
        assertThat(confidence("I did not fall", IncidentCategory.FALL_INJURY))
                .isLessThan(confidence("I did fall", IncidentCategory.FALL_INJURY));
    }

    @Test
    void negationEndsAtTheClause() {
        assertThat(detect("She didn't eat her lunch, but then she fell in the lounge").categories())
                .contains(IncidentCategory.FALL_INJURY);
    }

    @Test
    void notStoppingIsNotANegation() {
        assertThat(detect("She can't stop crying").categories()).containsExactly(IncidentCategory.EMOTIONAL_DISTRESS);
    }

    @Test
    void hypotheticalsLowerConfidence() {
        assertThat(detect("If I fell, nobody would know").incidentDetected()).isFalse();
        assertThat(detect("Keep the sensor mat down in case she falls in the night").incidentDetected()).isFalse();
        assertThat(detect("When I was a girl I fell off my bike all the time").incidentDetected()).isFalse();
        assertThat(confidence("if she falls", IncidentCategory.FALL_INJURY))
                .isLessThan(confidence("she falls", IncidentCategory.FALL_INJURY));
    }

    @Test
    void aYesNoQuestionIsWeakerEvidenceThanAStatement() {
        assertThat(detect("Staff: Did you fall?\nResident: No, I'm just sitting down for a rest.").incidentDetected())
                .isFalse();
        assertThat(confidence("Did you fall?", IncidentCategory.FALL_INJURY))
                .isLessThan(confidence("You fell.", IncidentCategory.FALL_INJURY));
        assertThat(detect("Staff: Did you fall?\nResident: Yes, I fell off the toilet.").incidentDetected()).isTrue();
        // "why ...?" reports what happened; it is not weakened
        assertThat(detect("Resident: Why did you hit me?").categories()).containsExactly(IncidentCategory.SAFEGUARDING);
    }

    @Test
    void severalIndependentSignalsRaiseConfidence() {
        double one = confidence("She was on the floor", IncidentCategory.FALL_INJURY);
        double two = confidence("She was on the floor, she had fallen", IncidentCategory.FALL_INJURY);
        assertThat(one).isLessThan(0.6);
        assertThat(two).isGreaterThan(one).isGreaterThanOrEqualTo(0.6);
    }

    @Test
    void theSamePhraseRepeatedIsOneSignal() {
        assertThat(confidence("she fell. she fell. she fell.", IncidentCategory.FALL_INJURY))
                .isEqualTo(confidence("she fell.", IncidentCategory.FALL_INJURY));
    }

    @Test
    void severityIsTheHighestCategorysRaisedOneStepBySeveralHighSignals() {
        DetectionResult oneHigh = detect("She fell and hit her head");
        assertThat(oneHigh.severity()).isEqualTo(Severity.HIGH);
        DetectionResult twoHigh = detect("She fell and hit her head, there is blood everywhere");
        assertThat(twoHigh.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(detect("He's choking on his sandwich and can't breathe").severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void exclusionsCancelTheirRule() {
        assertThat(detect("She fell asleep in the chair after lunch").incidentDetected()).isFalse();
        assertThat(detect("Her blood pressure was fine this morning").incidentDetected()).isFalse();
        assertThat(detect("You gave me a heart attack creeping up like that!").incidentDetected()).isFalse();
    }

    @Test
    void theCompanionsOwnWordsCountLittle() {
        assertThat(detect("Grace: Remember to tell someone if you fall or feel chest pain.").incidentDetected()).isFalse();
        assertThat(detect("Grace: I'm sorry you feel scared.").incidentDetected()).isFalse();
    }

    @Test
    void theMinimumConfidenceIsAParameter() {
        IncidentDetector strict = IncidentDetector.create(RuleSet.bundled(), 0.99);
        assertThat(strict.detect("She fell in the lounge").incidentDetected()).isFalse();
        assertThat(strict.detect("She fell in the lounge").belowThreshold()).isNotEmpty();
        IncidentDetector lenient = IncidentDetector.create(RuleSet.bundled(), 0.2);
        assertThat(lenient.detect("Did you fall?").incidentDetected()).isTrue();
        assertThatThrownBy(() -> IncidentDetector.create(RuleSet.bundled(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum confidence");
        assertThatThrownBy(() -> IncidentDetector.create(RuleSet.bundled(), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void speakerLabelsAndTimesOfDayAreNotWords() {
        DetectionResult result = detect("10:30 Resident: I've had a fall\nStaff (night): Found her on the floor");
        assertThat(result.categories()).containsExactly(IncidentCategory.FALL_INJURY);
        assertThat(result.matchedPhrases()).contains("had a fall", "Found her on the floor");
    }
}
