package org.grace.webapp.incidents.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading rule files: another version from a file or stream, and the message a malformed file gets. */
class RuleSetTest {
    /** A complete, minimal rule file; the tests below break one thing in it at a time. */
    private static final String VALID = """
            {
              "format": 1,
              "version": "test-7",
              "tuning": {"negatedFactor": 0.05, "hypotheticalFactor": 0.25, "questionFactor": 0.25,
                         "negationWindow": 5, "hypotheticalWindow": 15, "signalFloor": 0.5,
                         "highSignalsToEscalate": 2},
              "cues": {"negation": ["not", "no"], "pseudoNegation": [], "hypothetical": ["if"],
                       "hypotheticalAnywhere": [], "questionOpeners": ["did you"], "openQuestionWords": ["why"],
                       "clauseBreaks": ["but"], "irregularForms": {"fell": "fall"}, "speakerFactors": {"grace": 0.3}},
              "rules": [
                {"id": "kettle", "category": "fall_injury", "severity": "high", "weight": 0.9,
                 "phrases": ["kettle ... spilt|spilled", "scald"], "exclude": ["scald test"],
                 "actions": ["Cool the burn under running water for 20 minutes"]}
              ]
            }
            """;

    private static RuleSetException failure(String json) {
        try {
            RuleSet.parse(json, "broken.json");
        } catch (RuleSetException e) {
            return e;
        }
        throw new AssertionError("the rule file was accepted: " + json);
    }

    @Test
    void theBundledRulesLoadWithAVersion() {
        RuleSet bundled = RuleSet.bundled();
        assertThat(bundled.version()).isNotBlank();
        assertThat(bundled.rules()).hasSizeGreaterThan(30);
        assertThat(bundled.rules()).extracting(DetectionRule::category).contains(IncidentCategory.values());
        assertThat(bundled.source()).contains("rules.json");
    }

    @Test
    void anotherVersionFromAFileChangesWhatIsDetectedWithoutCode(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules-test-7.json");
        Files.writeString(file, VALID);
        IncidentDetector detector = IncidentDetector.create(RuleSet.load(file), 0.6);
        DetectionResult result = detector.detect("Staff: the kettle was spilt over her hand, a nasty scald.");
        assertThat(result.ruleSetVersion()).isEqualTo("test-7");
        assertThat(result.categories()).containsExactly(IncidentCategory.FALL_INJURY);
        assertThat(result.matchedPhrases()).containsExactly("kettle was spilt", "scald");
        assertThat(result.suggestedActions()).containsExactly("Cool the burn under running water for 20 minutes");
        assertThat(detector.detect("She fell over").incidentDetected()).as("only this file's rules apply").isFalse();
    }

    @Test
    void rulesLoadFromAStreamNamedByTheCaller() {
        RuleSet rules = RuleSet.load(new ByteArrayInputStream(VALID.getBytes(StandardCharsets.UTF_8)), "rule_sets row 3");
        assertThat(rules.version()).isEqualTo("test-7");
        assertThat(rules.source()).isEqualTo("rule_sets row 3");
    }

    @Test
    void invalidJsonNamesTheFileLineAndColumn() {
        assertThat(failure(VALID.replace("\"version\": \"test-7\",", "\"version\": \"test-7\"")).getMessage())
                .startsWith("rule file broken.json: is not valid JSON at line 4");
    }

    @Test
    void aBadFieldOfARuleNamesTheRuleAndTheField() {
        assertThat(failure(VALID.replace("\"weight\": 0.9", "\"weight\": 1.5")).getMessage()).isEqualTo(
                "rule file broken.json: rule 'kettle' (rules[0]), field 'weight': must be a number from 0 to 1, was 1.5");
        assertThat(failure(VALID.replace("\"severity\": \"high\"", "\"severity\": \"urgent\"")).getMessage())
                .contains("rule 'kettle' (rules[0]), field 'severity': unknown severity 'urgent'");
        assertThat(failure(VALID.replace("\"category\": \"fall_injury\"", "\"category\": \"burns\"")).getMessage())
                .contains("rule 'kettle' (rules[0]), field 'category': unknown category 'burns'");
        assertThat(failure(VALID.replace("\"phrases\"", "\"phrase\"")).getMessage())
                .contains("rule 'kettle' (rules[0]), unknown field 'phrase'");
        assertThat(failure(VALID.replace("\"actions\": [\"Cool the burn under running water for 20 minutes\"]",
                "\"actions\": []")).getMessage()).contains("rule 'kettle' (rules[0]), field 'actions': must be a non-empty array");
    }

    @Test
    void aBadPhraseIsQuoted() {
        assertThat(failure(VALID.replace("\"scald\"]", "\"... scald\"]")).getMessage()).isEqualTo(
                "rule file broken.json: rule 'kettle' (rules[0]), field 'phrases', phrase '... scald': "
                        + "'...' must stand between two words");
        assertThat(failure(VALID.replace("\"scald\"]", "\"scald|\"]")).getMessage())
                .contains("phrase 'scald|': 'scald|' has an alternative that is not one word");
        assertThat(failure(VALID.replace("\"scald\"]", "\"!!\"]")).getMessage())
                .contains("phrase '!!': phrase has no words");
    }

    @Test
    void missingPartsAndDuplicatesAreRefused() {
        assertThat(failure(VALID.replace("\"version\": \"test-7\",", "")).getMessage())
                .isEqualTo("rule file broken.json: field 'version': missing or not a non-empty string");
        assertThat(failure(VALID.replace("\"format\": 1", "\"format\": 2")).getMessage())
                .contains("field 'format': must be 1, was 2");
        assertThat(failure(VALID.replace("\"negationWindow\": 5", "\"negationWindow\": 0")).getMessage())
                .contains("tuning: field 'negationWindow': must be a whole number from 1 to 20, was 0");
        assertThat(failure(VALID.replace("\"rules\": [", "\"rules\": [], \"x\": [")).getMessage())
                .contains("unknown field 'x'");
        String twice = VALID.replace("\"rules\": [", "\"rules\": [{\"id\": \"kettle\", \"category\": \"fall_injury\", "
                + "\"severity\": \"low\", \"weight\": 0.5, \"phrases\": [\"tea\"], \"actions\": [\"Check\"]},");
        assertThat(failure(twice).getMessage()).contains("rule 'kettle' (rules[1]), field 'id': duplicate id");
        assertThat(failure(VALID.replace("\"version\": \"test-7\",", "\"version\": \"a\", \"version\": \"b\",")).getMessage())
                .contains("Duplicate field 'version'");
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> RuleSet.load(missing)).isInstanceOf(RuleSetException.class)
                .hasMessageStartingWith("rule file " + missing + ": cannot be read");
    }
}
