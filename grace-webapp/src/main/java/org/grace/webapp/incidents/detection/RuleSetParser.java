package org.grace.webapp.incidents.detection;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns rule-file JSON into a {@link RuleSet}, checking every field by hand so that each problem is reported as
 * "rule file F: rule 'R' (rules[i]), field 'x': what is wrong". Unknown fields are errors too: a misspelt
 * "phrase" would otherwise leave a rule with nothing to match.
 */
final class RuleSetParser {
    static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> TOP_FIELDS = Set.of("format", "version", "description", "tuning", "cues",
            "concepts", "rules");
    private static final Set<String> TUNING_FIELDS = Set.of("negatedFactor", "hypotheticalFactor", "questionFactor",
            "negationWindow", "hypotheticalWindow", "signalFloor", "highSignalsToEscalate", "selfReportFactor");
    private static final Set<String> CUE_FIELDS = Set.of("negation", "pseudoNegation", "hypothetical",
            "hypotheticalAnywhere",
            "questionOpeners", "openQuestionWords", "clauseBreaks", "irregularForms", "speakerFactors",
            "reportingSpeakers", "selfReferences", "otherPeople");
    private static final Set<String> RULE_FIELDS = Set.of("id", "category", "severity", "weight", "phrases",
            "exclude", "actions", "note", "together");

    private static final Set<String> ONE_WORD_CUES = Set.of("openQuestionWords", "reportingSpeakers",
            "selfReferences", "otherPeople");

    private final String source;

    RuleSetParser(String source) {
        this.source = source;
    }

    RuleSet parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw fail("is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw fail("must be a JSON object");
        }
        checkFields(root, TOP_FIELDS, "");
        JsonNode format = root.get("format");
        if (format == null || !format.isInt() || format.intValue() != FORMAT) {
            throw fail("field 'format': must be " + FORMAT + ", was " + format);
        }
        String version = text(root, "version", "");
        DetectionTuning tuning = tuning(object(root, "tuning", ""));
        LanguageCues cues = cues(object(root, "cues", ""));
        Map<String, List<String>> concepts = concepts(root.get("concepts"));
        Vocabulary stemmer;
        try {
            stemmer = new Vocabulary(new WordStemmer(cues.irregularForms()), concepts);
        } catch (IllegalArgumentException e) {
            throw fail("concepts: " + e.getMessage(), e);
        }
        checkPhrases(cues, stemmer);
        JsonNode rulesNode = root.get("rules");
        if (rulesNode == null || !rulesNode.isArray() || rulesNode.isEmpty()) {
            throw fail("field 'rules': must be a non-empty array of rules");
        }
        List<DetectionRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            DetectionRule rule = rule(rulesNode.get(i), i, stemmer);
            if (!ids.add(rule.id())) {
                throw fail("rule '" + rule.id() + "' (rules[" + i + "]), field 'id': duplicate id");
            }
            rules.add(rule);
        }
        return new RuleSet(source, version, tuning, cues, concepts, rules);
    }

    private DetectionTuning tuning(JsonNode node) {
        checkFields(node, TUNING_FIELDS, "tuning: ");
        return new DetectionTuning(
                fraction(node, "negatedFactor", "tuning: "),
                fraction(node, "hypotheticalFactor", "tuning: "),
                fraction(node, "questionFactor", "tuning: "),
                integer(node, "negationWindow", 1, 20, "tuning: "),
                integer(node, "hypotheticalWindow", 1, 30, "tuning: "),
                fraction(node, "signalFloor", "tuning: "),
                integer(node, "highSignalsToEscalate", 1, 10, "tuning: "),
                node.has("selfReportFactor") ? fraction(node, "selfReportFactor", "tuning: ") : 1.0);
    }

    private LanguageCues cues(JsonNode node) {
        checkFields(node, CUE_FIELDS, "cues: ");
        Map<String, String> irregular = new LinkedHashMap<>();
        JsonNode forms = object(node, "irregularForms", "cues: ");
        for (Iterator<Map.Entry<String, JsonNode>> it = forms.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank() || e.getKey().isBlank()) {
                throw fail("cues: field 'irregularForms', entry '" + e.getKey() + "': must map a word to a word");
            }
            irregular.put(TranscriptText.normalise(e.getKey().trim()),
                    TranscriptText.normalise(e.getValue().asText().trim()));
        }
        Map<String, Double> speakers = new LinkedHashMap<>();
        JsonNode speakerNode = object(node, "speakerFactors", "cues: ");
        for (Iterator<Map.Entry<String, JsonNode>> it = speakerNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            double f = e.getValue().isNumber() ? e.getValue().doubleValue() : -1;
            if (f < 0 || f > 1) {
                throw fail("cues: field 'speakerFactors', entry '" + e.getKey() + "': must be a number from 0 to 1");
            }
            speakers.put(TranscriptText.normalise(e.getKey().trim()), f);
        }
        return new LanguageCues(strings(node, "negation", "cues: ", true),
                strings(node, "pseudoNegation", "cues: ", false),
                strings(node, "hypothetical", "cues: ", true), strings(node, "hypotheticalAnywhere", "cues: ", false),
                strings(node, "questionOpeners", "cues: ", false),
                strings(node, "openQuestionWords", "cues: ", false), strings(node, "clauseBreaks", "cues: ", false),
                irregular, speakers, new ReportingSpeakers(optionalStrings(node, "reportingSpeakers"),
                optionalStrings(node, "selfReferences"), optionalStrings(node, "otherPeople")));
    }

    /** The optional named lexicons: {@code {"limp": ["limp", "floppy"]}}. */
    private Map<String, List<String>> concepts(JsonNode node) {
        Map<String, List<String>> concepts = new LinkedHashMap<>();
        if (node == null) {
            return concepts;
        }
        if (!node.isObject()) {
            throw fail("field 'concepts': must be an object of word lists");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.matches("[a-z0-9_]{1,40}")) {
                throw fail("concepts: '" + name + "': a concept name must be 1-40 characters of a-z, 0-9 and _");
            }
            concepts.put(name, strings(node, name, "concepts: ", true));
        }
        return concepts;
    }

    private void checkPhrases(LanguageCues cues, Vocabulary stemmer) {
        Map<String, List<String>> lists = Map.of("negation", cues.negationCues(), "pseudoNegation",
                cues.pseudoNegations(), "hypothetical", cues.hypotheticalCues(),
                "hypotheticalAnywhere", cues.hypotheticalAnywhereCues(), "questionOpeners",
                cues.questionOpeners(), "openQuestionWords", cues.openQuestionWords(),
                "clauseBreaks", cues.clauseBreaks(), "reportingSpeakers", cues.reportingSpeakers().labels(),
                "selfReferences", cues.reportingSpeakers().selfReferences(),
                "otherPeople", cues.reportingSpeakers().otherPeople());
        for (Map.Entry<String, List<String>> list : lists.entrySet()) {
            for (String phrase : list.getValue()) {
                String[][] positions = compile(phrase, stemmer, "cues: field '" + list.getKey() + "'");
                for (String[] accepted : positions) {
                    if (accepted == null) {
                        throw fail("cues: field '" + list.getKey() + "', phrase '" + phrase + "': cues cannot have gaps");
                    }
                }
                if (ONE_WORD_CUES.contains(list.getKey()) && (positions.length != 1 || positions[0].length != 1)) {
                    throw fail("cues: field '" + list.getKey() + "', phrase '" + phrase + "': must be one word");
                }
            }
        }
    }

    private DetectionRule rule(JsonNode node, int index, Vocabulary stemmer) {
        String at = "rules[" + index + "]";
        if (node == null || !node.isObject()) {
            throw fail(at + ": must be an object");
        }
        JsonNode idNode = node.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText() : null;
        String where = id == null ? at + ": " : "rule '" + id + "' (" + at + "), ";
        checkFields(node, RULE_FIELDS, where);
        if (id == null || !id.matches("[a-z0-9_]{1,60}")) {
            throw fail(where + "field 'id': must be 1-60 characters of a-z, 0-9 and _");
        }
        IncidentCategory category;
        try {
            category = IncidentCategory.fromWireName(text(node, "category", where));
        } catch (IllegalArgumentException e) {
            throw fail(where + "field 'category': " + e.getMessage());
        }
        Severity severity;
        try {
            severity = Severity.fromWireName(text(node, "severity", where));
        } catch (IllegalArgumentException e) {
            throw fail(where + "field 'severity': " + e.getMessage());
        }
        double weight = fraction(node, "weight", where);
        if (weight == 0) {
            throw fail(where + "field 'weight': must be above 0");
        }
        List<List<String>> together = together(node.get("together"), where);
        List<String> phrases = node.has("phrases") || together.isEmpty()
                ? strings(node, "phrases", where, together.isEmpty()) : List.of();
        List<String> exclusions = node.has("exclude") ? strings(node, "exclude", where, false) : List.of();
        for (String p : phrases) {
            compile(p, stemmer, where + "field 'phrases'");
        }
        for (int g = 0; g < together.size(); g++) {
            for (String p : together.get(g)) {
                compile(p, stemmer, where + "field 'together'[" + g + "]");
            }
        }
        for (String p : exclusions) {
            compile(p, stemmer, where + "field 'exclude'");
        }
        List<String> actions = strings(node, "actions", where, true);
        return new DetectionRule(id, category, severity, weight, phrases, exclusions, actions, together);
    }

    /** Optional: two or more groups of phrases, every group needed in one sentence. */
    private List<List<String>> together(JsonNode node, String where) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray() || node.size() < 2) {
            throw fail(where + "field 'together': must be an array of two or more arrays of phrases");
        }
        List<List<String>> groups = new ArrayList<>();
        for (int g = 0; g < node.size(); g++) {
            JsonNode group = node.get(g);
            List<String> phrases = new ArrayList<>();
            for (int i = 0; group.isArray() && i < group.size(); i++) {
                if (group.get(i).isTextual() && !group.get(i).asText().isBlank()) {
                    phrases.add(group.get(i).asText().trim());
                }
            }
            if (phrases.isEmpty() || phrases.size() != group.size()) {
                throw fail(where + "field 'together'[" + g + "]: must be a non-empty array of non-empty strings");
            }
            groups.add(phrases);
        }
        return groups;
    }

    private String[][] compile(String phrase, Vocabulary stemmer, String where) {
        try {
            return PhraseMatcher.compile(phrase, stemmer);
        } catch (IllegalArgumentException e) {
            throw fail(where + ", phrase '" + phrase + "': " + e.getMessage());
        }
    }

    private void checkFields(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw fail(where + "unknown field '" + name + "' (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private JsonNode object(JsonNode parent, String field, String where) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw fail(where + "field '" + field + "': missing or not an object");
        }
        return node;
    }

    private String text(JsonNode parent, String field, String where) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw fail(where + "field '" + field + "': missing or not a non-empty string");
        }
        return node.asText();
    }

    private double fraction(JsonNode parent, String field, String where) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isNumber() || node.doubleValue() < 0 || node.doubleValue() > 1) {
            throw fail(where + "field '" + field + "': must be a number from 0 to 1, was " + node);
        }
        return node.doubleValue();
    }

    private int integer(JsonNode parent, String field, int min, int max, String where) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isInt() || node.intValue() < min || node.intValue() > max) {
            throw fail(where + "field '" + field + "': must be a whole number from " + min + " to " + max + ", was " + node);
        }
        return node.intValue();
    }

    private List<String> optionalStrings(JsonNode cues, String field) {
        return cues.has(field) ? strings(cues, field, "cues: ", false) : List.of();
    }

    private List<String> strings(JsonNode parent, String field, String where, boolean nonEmpty) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isArray() || (nonEmpty && node.isEmpty())) {
            throw fail(where + "field '" + field + "': must be " + (nonEmpty ? "a non-empty" : "an") + " array of strings");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw fail(where + "field '" + field + "'[" + i + "]: must be a non-empty string, was " + item);
            }
            values.add(item.asText().trim());
        }
        return values;
    }

    private RuleSetException fail(String problem) {
        return new RuleSetException("rule file " + source + ": " + problem);
    }

    private RuleSetException fail(String problem, Throwable cause) {
        return new RuleSetException("rule file " + source + ": " + problem, cause);
    }
}
