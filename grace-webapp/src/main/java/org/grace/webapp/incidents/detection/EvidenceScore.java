package org.grace.webapp.incidents.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Steps 3 and 4 of {@link IncidentDetector}'s scoring: the mentions found in one transcript, already weighed for
 * their context, become per-category confidences and the incident's severity. Each distinct signal keeps its
 * strongest mention; the signals of a category combine as independent evidence, confidence = 1 - product(1 -
 * evidence); a category at or above the minimum confidence is a finding; the severity is the most severe finding's,
 * raised one step when enough distinct high or critical rules gave a signal.
 */
final class EvidenceScore {
    /**
     * One piece of evidence: a phrase (or, for a rule's "together" groups, one phrase of each group in a sentence),
     * its rule, where it starts, its evidence after the context factors, and the words quoted.
     *
     * @param signal identifies the phrase (or the together-rule): the same signal repeated counts once
     */
    record Mention(int signal, int rule, int first, double evidence, String quote) {
    }

    private EvidenceScore() {
    }

    static DetectionResult score(RuleSet ruleSet, DetectionTuning tuning, double minConfidence,
                                 List<Mention> mentions) {
        List<DetectionRule> rules = ruleSet.rules();
        Map<Integer, Double> bestBySignal = new HashMap<>();
        Map<Integer, Double> bestByRule = new LinkedHashMap<>();
        for (Mention mention : mentions) {
            bestBySignal.merge(mention.signal, mention.evidence, Math::max);
            bestByRule.merge(mention.rule, mention.evidence, Math::max);
        }
        Map<IncidentCategory, Double> remaining = new EnumMap<>(IncidentCategory.class);
        Set<Integer> signalSeen = new HashSet<>();
        for (Mention mention : mentions) {
            if (signalSeen.add(mention.signal)) {
                IncidentCategory c = rules.get(mention.rule).category();
                remaining.merge(c, 1 - bestBySignal.get(mention.signal), (a, b) -> a * b);
            }
        }
        List<CategoryFinding> findings = new ArrayList<>();
        List<CategoryFinding> below = new ArrayList<>();
        int highSignals = 0;
        for (Map.Entry<IncidentCategory, Double> e : remaining.entrySet()) {
            IncidentCategory category = e.getKey();
            double confidence = Math.round((1 - e.getValue()) * 1000) / 1000.0;
            List<Integer> categoryRules = bestByRule.keySet().stream()
                    .filter(r -> rules.get(r).category() == category)
                    .sorted(Comparator.comparing((Integer r) -> rules.get(r).severity()).reversed()
                            .thenComparing(r -> -bestByRule.get(r)))
                    .toList();
            List<Integer> signalled = categoryRules.stream()
                    .filter(r -> bestByRule.get(r) >= tuning.signalFloor()).toList();
            List<Integer> deciding = signalled.isEmpty() ? categoryRules : signalled;
            Severity severity = rules.get(deciding.get(0)).severity();
            Set<String> quotes = new LinkedHashSet<>();
            for (Mention mention : mentions) {
                if (rules.get(mention.rule).category() == category
                        && (signalled.isEmpty() || mention.evidence >= tuning.signalFloor())) {
                    quotes.add(mention.quote);
                }
            }
            Set<String> actions = new LinkedHashSet<>();
            categoryRules.forEach(r -> actions.addAll(rules.get(r).suggestedActions()));
            CategoryFinding finding = new CategoryFinding(category, severity, confidence, List.copyOf(quotes),
                    List.copyOf(actions), categoryRules.stream().map(r -> rules.get(r).id()).toList());
            if (confidence >= minConfidence) {
                findings.add(finding);
                highSignals += (int) signalled.stream()
                        .filter(r -> rules.get(r).severity().isAtLeast(Severity.HIGH)).count();
            } else {
                below.add(finding);
            }
        }
        Comparator<CategoryFinding> mostSevereFirst = Comparator.comparing(CategoryFinding::severity).reversed()
                .thenComparing(Comparator.comparingDouble(CategoryFinding::confidence).reversed());
        findings.sort(mostSevereFirst);
        below.sort(mostSevereFirst);
        if (findings.isEmpty()) {
            return new DetectionResult(ruleSet.version(), List.of(), null, 0, below);
        }
        Severity severity = findings.get(0).severity();
        if (highSignals >= tuning.highSignalsToEscalate()) {
            severity = severity.raisedOneStep();
        }
        double confidence = findings.stream().mapToDouble(CategoryFinding::confidence).max().orElse(0);
        return new DetectionResult(ruleSet.version(), findings, severity, confidence, below);
    }
}
