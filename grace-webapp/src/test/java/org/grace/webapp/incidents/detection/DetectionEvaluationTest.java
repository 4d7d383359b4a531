package org.grace.webapp.incidents.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Runs the bundled rules over the labelled evaluation sets next to this class (short care-home transcripts written for
 * Grace, each with the categories a care manager would record and the minimum severity) and prints precision and
 * recall per category for each part ({@link #SPLITS}), for the development set and for the new holdout.
 *
 * <ul>
 *   <li>evaluation-set.jsonl, the <b>development set</b>: every transcript the rules have been tuned on, the old
 *       holdout included (it was used for tuning from rules 2026-12-01.1 on). The test fails unless recall on items
 *       labelled high or critical is at least 0.95 (a hit needs the category and at least the labelled severity,
 *       since a lower severity alerts fewer people) and overall precision is at least 0.9: a regression guard for
 *       the rule file, not an estimate of how it does on new text.</li>
 *   <li>evaluation-holdout2.jsonl, the <b>new holdout</b>: written and committed before rules 2026-12-01.1 were
 *       tuned, scored once after. Its figures are the estimate for unseen transcripts; never tune on it (docs/care.md
 *       has the history and what to do when it has been used up). It met both goals on that first scoring, so they
 *       are asserted on it too.</li>
 * </ul>
 */
class DetectionEvaluationTest {
    private static final String DEVELOPMENT_SET = "evaluation-set.jsonl";
    private static final String HOLDOUT_SET = "evaluation-holdout2.jsonl";
    private static final double REQUIRED_HIGH_RECALL = 0.95;
    private static final double REQUIRED_PRECISION = 0.9;
    /** How each part of the set was used; see docs/care.md. */
    private static final Map<String, String> SPLITS = Map.of(
            "dev", "written first, used in the first tuning round",
            "round2", "written as two held-out sets, measured unseen, then used in the second tuning round",
            "round3", "written after the second round, measured unseen, then used in the third round",
            "round4", "written after the third round, measured unseen, then used in the fourth round",
            "holdout", "written after the fourth round, measured unseen with rules .5, then used to tune 2026-12-01.1",
            "holdout2", "written before 2026-12-01.1 was tuned, never used for tuning: the new holdout");

    record Item(String id, String split, String text, Set<IncidentCategory> expected, Severity minSeverity) {
    }

    /** True and false positives and false negatives over (item, category) pairs. */
    static final class Counts {
        int truePositives;
        int falsePositives;
        int falseNegatives;

        double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        double recall() {
            return ratio(truePositives, truePositives + falseNegatives);
        }
    }

    record Scores(Map<IncidentCategory, Counts> perCategory, Counts overall, int highItems, int highHits,
                  int quietItems, int quietAlerts, List<String> misses) {
        double highRecall() {
            return ratio(highHits, highItems);
        }
    }

    @Test
    void theBundledRulesMeetTheGoalsOnTheDevelopmentSetAndTheNewHoldoutIsReported() throws IOException {
        List<Item> development = load(DEVELOPMENT_SET);
        List<Item> holdout = load(HOLDOUT_SET);
        checkCoverage(development, 200, 10, 60);
        checkCoverage(holdout, 80, 7, 30);

        IncidentDetector detector = IncidentDetector.withBundledRules();
        StringBuilder report = new StringBuilder();
        report.append("Incident detection evaluation, rules ").append(detector.ruleSet().version())
                .append(", minimum confidence ").append(detector.minConfidence()).append('\n');
        List<Item> all = new ArrayList<>(development);
        all.addAll(holdout);
        for (String split : all.stream().map(Item::split).distinct().toList()) {
            append(report, split + " (" + count(all, split) + " transcripts, " + SPLITS.getOrDefault(split, "?") + ")",
                    score(detector, all, i -> i.split.equals(split)));
        }
        Scores tuned = score(detector, development, i -> true);
        append(report, "development set (" + development.size() + " transcripts, every one tuned on): the asserted goals",
                tuned);
        Scores unseen = score(detector, holdout, i -> true);
        append(report, "new holdout (" + holdout.size() + " transcripts, never tuned on): asserted too", unseen);
        report.append("\nMisses and false alarms, development set:\n");
        tuned.misses.forEach(m -> report.append("  ").append(m).append('\n'));
        report.append("\nMisses and false alarms, new holdout:\n");
        unseen.misses.forEach(m -> report.append("  ").append(m).append('\n'));
        System.out.println(report);

        assertThat(tuned.highRecall()).as("recall on items labelled high or critical").isGreaterThanOrEqualTo(REQUIRED_HIGH_RECALL);
        assertThat(tuned.overall.precision()).as("overall precision").isGreaterThanOrEqualTo(REQUIRED_PRECISION);
        // Scored once, after tuning, with rules 2026-12-01.1 (and the same with .2, a scoring fix found by a unit
        // test): 40/42 = 0.952 and 0.908, so the goals are enforced here
        // too. If a rule change breaks them, fix the rules on the development set; reading this set's misses to fix
        // them makes it development data (then write a new holdout, as docs/care.md says).
        assertThat(unseen.highRecall()).as("new holdout: recall on items labelled high or critical")
                .isGreaterThanOrEqualTo(REQUIRED_HIGH_RECALL);
        assertThat(unseen.overall.precision()).as("new holdout: overall precision").isGreaterThanOrEqualTo(REQUIRED_PRECISION);
    }

    /** Enough transcripts, positives for every category and transcripts that must not alert. */
    private static void checkCoverage(List<Item> items, int size, int perCategory, int quiet) {
        assertThat(items).hasSizeGreaterThanOrEqualTo(size);
        for (IncidentCategory category : IncidentCategory.values()) {
            assertThat(items.stream().filter(i -> i.expected.contains(category)).count())
                    .as("positives for %s", category).isGreaterThanOrEqualTo(perCategory);
        }
        assertThat(items.stream().filter(i -> i.expected.isEmpty()).count()).isGreaterThanOrEqualTo(quiet);
    }

    private static Scores score(IncidentDetector detector, List<Item> items, Predicate<Item> which) {
        Map<IncidentCategory, Counts> perCategory = new EnumMap<>(IncidentCategory.class);
        for (IncidentCategory c : IncidentCategory.values()) {
            perCategory.put(c, new Counts());
        }
        Counts overall = new Counts();
        int highItems = 0;
        int highHits = 0;
        int quietItems = 0;
        int quietAlerts = 0;
        List<String> misses = new ArrayList<>();
        for (Item item : items) {
            if (!which.test(item)) {
                continue;
            }
            DetectionResult result = detector.detect(item.text);
            Set<IncidentCategory> found = result.categories().isEmpty() ? EnumSet.noneOf(IncidentCategory.class)
                    : EnumSet.copyOf(result.categories());
            for (IncidentCategory c : IncidentCategory.values()) {
                boolean expected = item.expected.contains(c);
                boolean detected = found.contains(c);
                Counts counts = perCategory.get(c);
                if (expected && detected) {
                    counts.truePositives++;
                    overall.truePositives++;
                } else if (detected) {
                    counts.falsePositives++;
                    overall.falsePositives++;
                } else if (expected) {
                    counts.falseNegatives++;
                    overall.falseNegatives++;
                }
            }
            if (item.expected.isEmpty()) {
                quietItems++;
                if (result.incidentDetected()) {
                    quietAlerts++;
                }
            }
            boolean severeEnough = item.minSeverity == null
                    || (result.severity() != null && result.severity().isAtLeast(item.minSeverity));
            if (item.minSeverity != null && item.minSeverity.isAtLeast(Severity.HIGH)) {
                for (IncidentCategory c : item.expected) {
                    highItems++;
                    if (found.contains(c) && severeEnough) {
                        highHits++;
                    }
                }
            }
            if (!found.equals(item.expected) || !severeEnough) {
                misses.add(String.format(Locale.ROOT, "%-10s expected %s %s, got %s %s %.2f %s | %s", item.id,
                        names(item.expected), item.minSeverity == null ? "-" : item.minSeverity.wireName(),
                        names(found), result.severity() == null ? "-" : result.severity().wireName(),
                        result.confidence(), result.matchedPhrases(), item.text.replace('\n', ' ')));
            }
        }
        return new Scores(perCategory, overall, highItems, highHits, quietItems, quietAlerts, misses);
    }

    private static void append(StringBuilder report, String title, Scores s) {
        report.append('\n').append(title).append('\n');
        report.append("| category | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|\n");
        s.perCategory.forEach((c, k) -> row(report, c.wireName(), k));
        row(report, "**overall**", s.overall);
        report.append(String.format(Locale.ROOT,
                "recall on high/critical labels (category found at or above the labelled severity): %d/%d = %.3f%n",
                s.highHits, s.highItems, s.highRecall()));
        report.append(String.format(Locale.ROOT, "transcripts labelled 'no incident' that alerted: %d/%d%n",
                s.quietAlerts, s.quietItems));
    }

    private static void row(StringBuilder report, String name, Counts k) {
        report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.3f |%n", name, k.truePositives,
                k.falsePositives, k.falseNegatives, k.precision(), k.recall()));
    }

    private static List<String> names(Set<IncidentCategory> categories) {
        return categories.stream().map(IncidentCategory::wireName).toList();
    }

    private static long count(List<Item> items, String split) {
        return items.stream().filter(i -> i.split.equals(split)).count();
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? 1.0 : (double) numerator / denominator;
    }

    private static List<Item> load(String set) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Item> items = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(DetectionEvaluationTest.class.getResourceAsStream(set), set);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = mapper.readTree(line);
                Set<IncidentCategory> expected = EnumSet.noneOf(IncidentCategory.class);
                node.get("expect").forEach(c -> expected.add(IncidentCategory.fromWireName(c.asText())));
                JsonNode severity = node.get("minSeverity");
                items.add(new Item(node.get("id").asText(), node.get("split").asText(), node.get("text").asText(),
                        expected, severity == null || severity.isNull() ? null : Severity.fromWireName(severity.asText())));
            }
        }
        return items;
    }
}
