package org.grace.webapp.incidents.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
              "concepts": {"hot": ["kettle", "teapot", "urn"]},
              "rules": [
                {"id": "kettle", "category": "fall_injury", "severity": "high", "weight": 0.9,
                 "phrases": ["@hot ... spilt|spilled", "scald"], "exclude": ["scald test"],
                 "actions": ["Cool the burn under running water for 20 minutes"]},
                {"id": "scald", "category": "fall_injury", "severity": "medium", "weight": 0.8,
                 "together": [["@hot"], ["spilt|spilled", "no lid"]], "actions": ["Check the skin"]}
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
        assertThat(result.matchedPhrases()).containsExactly("kettle was spilt", "kettle + spilt", "scald");
        assertThat(result.suggestedActions())
                .containsExactly("Cool the burn under running water for 20 minutes", "Check the skin");
        assertThat(detector.detect("She fell over").incidentDetected()).as("only this file's rules apply").isFalse();
    }

    @Test
    void rulesLoadFromAStreamNamedByTheCaller() {
        RuleSet rules = RuleSet.load(new ByteArrayInputStream(VALID.getBytes(StandardCharsets.UTF_8)), "rule_sets row 3");
        assertThat(rules.version()).isEqualTo("test-7");
        assertThat(rules.source()).isEqualTo("rule_sets row 3");
    }

    /** Each row breaks one thing in {@link #VALID}: what is replaced, by what, and what the message says. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '#', quoteCharacter = '`', textBlock = """
            "version": "test-7",          # "version": "test-7"            # is not valid JSON at line 4
            "weight": 0.9                 # "weight": 1.5                  # rule 'kettle' (rules[0]), field 'weight': must be a number from 0 to 1, was 1.5
            "severity": "high"            # "severity": "urgent"           # rule 'kettle' (rules[0]), field 'severity': unknown severity 'urgent'
            "category": "fall_injury"     # "category": "burns"            # rule 'kettle' (rules[0]), field 'category': unknown category 'burns'
            "phrases"                     # "phrase"                       # rule 'kettle' (rules[0]), unknown field 'phrase'
            "actions": ["Cool the burn under running water for 20 minutes"] # "actions": [] # rule 'kettle' (rules[0]), field 'actions': must be a non-empty array
            "scald"]                      # "... scald"]                   # rule 'kettle' (rules[0]), field 'phrases', phrase '... scald': '...' must stand between two words
            "scald"]                      # "scald|"]                      # phrase 'scald|': 'scald|' has an alternative that is not one word
            "scald"]                      # "!!"]                          # phrase '!!': phrase has no words
            "version": "test-7",          # ``                             # field 'version': missing or not a non-empty string
            "format": 1                   # "format": 2                    # field 'format': must be 1, was 2
            "negationWindow": 5           # "negationWindow": 0            # tuning: field 'negationWindow': must be a whole number from 1 to 20, was 0
            "rules": [                    # "rules": [], "x": [            # unknown field 'x'
            "version": "test-7",          # "version": "a", "version": "b", # Duplicate field 'version'
            "scald"]                      # "@burnt"]                      # phrase '@burnt': unknown concept '@burnt'
            "hot": ["kettle"             # "hot": ["boiling water"        # concepts: concept 'hot', word 'boiling water': must be one word
            "hot": ["kettle"              # "hot stuff": ["kettle"        # concepts: 'hot stuff': a concept name must be 1-40 characters
            "together": [["@hot"], ["spilt|spilled", "no lid"]] # "together": [["@hot"]] # rule 'scald' (rules[1]), field 'together': must be an array of two or more arrays of phrases
            ["spilt|spilled", "no lid"]]  # []]                            # rule 'scald' (rules[1]), field 'together'[1]: must be a non-empty array of non-empty strings
            """)
    void aMalformedFileIsRefusedWithAMessageSayingWhere(String find, String replacement, String message) {
        assertThat(VALID).contains(find);
        assertThat(failure(VALID.replace(find, replacement.strip())).getMessage())
                .startsWith("rule file broken.json: ").contains(message);
    }

    @Test
    void aDuplicateRuleIdIsRefused() {
        String twice = VALID.replace("\"rules\": [", "\"rules\": [{\"id\": \"kettle\", \"category\": \"fall_injury\", "
                + "\"severity\": \"low\", \"weight\": 0.5, \"phrases\": [\"tea\"], \"actions\": [\"Check\"]},");
        assertThat(failure(twice).getMessage()).contains("rule 'kettle' (rules[1]), field 'id': duplicate id");
    }

    @Test
    void aConceptInAPhraseAcceptsEveryWordOfTheConcept() {
        IncidentDetector detector = IncidentDetector.create(RuleSet.parse(VALID, "valid.json"), 0.6);
        assertThat(RuleSet.parse(VALID, "valid.json").concepts()).containsEntry("hot", List.of("kettle", "teapot", "urn"));
        for (String text : new String[] {"the kettle was spilt", "the teapot was spilt", "the urn spilled"}) {
            assertThat(detector.detect(text).categories()).as(text).containsExactly(IncidentCategory.FALL_INJURY);
        }
        assertThat(detector.detect("the jug was spilt").incidentDetected()).isFalse();
    }

    @Test
    void togetherNeedsEveryGroupInOneSentenceAndAPartsOwnCueDoesNotNegateAnother() {
        IncidentDetector detector = IncidentDetector.create(RuleSet.parse(VALID, "valid.json"), 0.6);
        DetectionResult result = detector.detect("Staff: spilled all over her, the urn.");
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleIds()).containsExactly("scald");
            assertThat(f.matchedPhrases()).containsExactly("spilled + urn");
        });
        assertThat(detector.detect("Staff: the urn is on. Nothing spilled.").incidentDetected())
                .as("different sentences").isFalse();
        assertThat(detector.detect("Staff: no water spilled from the urn").incidentDetected()).as("negated part").isFalse();
        // "no" is the first word of the part "no lid": it does not negate "urn" three words on
        assertThat(detector.detect("Staff: no lid on the urn").categories()).containsExactly(IncidentCategory.FALL_INJURY);
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> RuleSet.load(missing)).isInstanceOf(RuleSetException.class)
                .hasMessageStartingWith("rule file " + missing + ": cannot be read");
    }
}
