package org.grace.webapp.incidents.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviour of the bundled rules on sentences chosen to pin one rule of the confidence model each. */
class IncidentDetectorTest {
    private static final IncidentDetector DETECTOR = IncidentDetector.withBundledRules();

    private static DetectionResult detect(String text) {
        return DETECTOR.detect(text);
    }

    private static double confidence(String text, IncidentCategory category) {
        DetectionResult result = detect(text);
        return Stream.concat(result.findings().stream(), result.belowThreshold().stream())
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

    /** Each text reports one incident of the category named first. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cognitive_change   | She is CONFUSÉD and disoriented this morning
            medical_emergency  | Zoë said she had chest pain
            emotional_distress | She’s been crying all morning
            behaviour          | she refused her tablets
            emotional_distress | She can't stop crying
            fall_injury        | She didn't eat her lunch, but then she fell in the lounge
            fall_injury        | She hasn't been eating much and she fell in the bathroom
            fall_injury        | Years ago she broke her hip. Today she fell in the lounge.
            safeguarding       | Resident: Why did you hit me?
            safeguarding       | Resident: someone has taken my wedding ring
            safeguarding       | Resident: someone has taken my lovely old wedding ring
            cognitive_change   | She is very confused this morning
            fall_injury        | Staff: Did you fall?\\nResident: Yes, I fell off the toilet.
            fall_injury        | Staff: I found her on the floor by the bed.
            fall_injury        | Family: When I came in I found Dad on the floor.
            medical_emergency  | Staff: Mrs Dean's face has dropped on one side
            medical_emergency  | Staff: Her lips are going blue and her breathing is rapid and shallow
            """)
    void reportsTheCategory(String category, String text) {
        DetectionResult result = detect(text.replace("\\n", "\n"));
        assertThat(result.categories()).as(text).contains(IncidentCategory.fromWireName(category));
        assertThat(result.findings()).as(text).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"I fell", "I fall a lot now", "she is falling", "he has fallen", "she falls",
            "his cut is bleeding", "it bled", "she refused her tablets", "he is refusing", "she refuses",
            "crying", "she cried", "she cries"})
    void stemmingFindsEveryFormOfAWord(String text) {
        assertThat(detect(text).incidentDetected()).isTrue();
    }

    /** Negations, hypotheticals, the past, exclusions, the companion's own words and whole-word matching. */
    @ParameterizedTest
    @ValueSource(strings = {
            "My fellow residents are lovely, we had a good laugh.",
            "The hospital sent a new fellowship nurse.",
            "She's been hitchhiking in her youth, she told us.",
            "I did not fall, I sat down on purpose",
            "Resident: no pain at all today, thank you",
            "She didn't hit anyone today, much calmer",
            "Checked him over: no bruising, no bleeding",
            "If I fell, nobody would know",
            "Keep the sensor mat down in case she falls in the night",
            "When I was a girl I fell off my bike all the time",
            "My husband died of a heart attack years ago.",
            "My mother fell down the stairs when I was a girl",
            "I did not fall and bang my head",
            "Staff: Did you fall?\nResident: No, I'm just sitting down for a rest.",
            "She fell asleep in the chair after lunch",
            "Her blood pressure was fine this morning",
            "You gave me a heart attack creeping up like that!",
            "That quiz was so confusing!",
            "Grace: Remember to tell someone if you fall or feel chest pain.",
            "Grace: I'm sorry you feel scared.",
            "Resident: someone has taken my very lovely old gold wedding ring",
            "Staff: I slipped on the wet steps outside the office, I am fine.",
            "Staff: Her face did not droop and her breathing was not rapid."})
    void doesNotAlert(String text) {
        assertThat(detect(text).incidentDetected()).isFalse();
    }

    /** The first text of each pair is weaker evidence than the second. */
    @ParameterizedTest(name = "{1} < {2}")
    @CsvSource(delimiter = '|', textBlock = """
            fall_injury  | I did not fall                       | I did fall
            fall_injury  | if she falls                         | she falls
            fall_injury  | Did you fall?                        | You fell.
            fall_injury  | She was on the floor                 | She was on the floor, she had fallen
            fall_injury  | Staff: I fell over in the car park   | Staff: Mrs Ray fell over in the car park
            fall_injury  | Family: my brother fell on the ice   | Resident: I fell on the ice
            """)
    void weakerEvidence(String category, String weaker, String stronger) {
        IncidentCategory c = IncidentCategory.fromWireName(category);
        assertThat(confidence(weaker, c)).isLessThan(confidence(stronger, c));
    }

    @Test
    void severalIndependentSignalsRaiseConfidenceOverTheThreshold() {
        assertThat(confidence("She was on the floor", IncidentCategory.FALL_INJURY)).isLessThan(0.6);
        assertThat(confidence("She was on the floor, she had fallen", IncidentCategory.FALL_INJURY))
                .isGreaterThanOrEqualTo(0.6);
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
    void aConceptWordStandsForEveryWordOfItsLexicon() {
        // "@med" is a lexicon of medicines; "@limb" of limbs: one phrase covers every pair
        for (String medicine : new String[] {"tablets", "warfarin", "insulin", "eye drops"}) {
            assertThat(detect("Staff: Mr Hill's " + medicine + " ran out on Monday.").categories()).as(medicine)
                    .containsExactly(IncidentCategory.MEDICATION_ERROR);
        }
        assertThat(detect("Staff: her ankle is at an odd angle").severity()).isEqualTo(Severity.HIGH);
        assertThat(detect("Staff: his wrist is at an odd angle").severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void togetherGroupsMatchInAnyOrderWithinASentenceAndNameWhatFired() {
        CategoryFinding forward = detect("Staff: Her chest feels heavy.").findings().get(0);
        CategoryFinding backward = detect("Staff: A heavy feeling across her chest.").findings().get(0);
        assertThat(forward.category()).isEqualTo(IncidentCategory.MEDICAL_EMERGENCY);
        assertThat(forward.ruleIds()).contains("chest_together");
        assertThat(forward.matchedPhrases()).contains("chest + heavy");
        assertThat(backward.ruleIds()).contains("chest_together");
        assertThat(backward.matchedPhrases()).contains("heavy + chest");
        // the parts must share a sentence
        assertThat(detect("Staff: Her chest was listened to. The bag was heavy.").incidentDetected()).isFalse();
    }

    @Test
    void aNegatedPartWeakensTheWhole() {
        assertThat(detect("Staff: Her chest feels heavy.").incidentDetected()).isTrue();
        assertThat(detect("Staff: no heaviness or pain in her chest today").incidentDetected()).isFalse();
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

    @Test
    void aTranscriptOfSixtyFourKilobytesIsScoredWhole() {
        StringBuilder text = new StringBuilder();
        while (text.length() < 64 * 1024 - 200) {
            text.append("Resident: what a lovely day, the tea is nice and the garden looks beautiful.\n");
        }
        text.append("Staff: Mrs Lee has just collapsed in the lounge.");
        DetectionResult result = detect(text.toString());
        assertThat(result.categories()).containsExactly(IncidentCategory.MEDICAL_EMERGENCY);
        assertThat(result.matchedPhrases()).containsExactly("collapsed");
        // one word repeated with no punctuation at all: every word starts candidate phrases with gaps
        String repeated = "took my tablets ".repeat(64 * 1024 / 16);
        assertThat(detect(repeated).ruleSetVersion()).isEqualTo(RuleSet.bundled().version());
    }
}
