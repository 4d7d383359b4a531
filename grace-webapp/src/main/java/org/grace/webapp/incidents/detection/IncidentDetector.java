package org.grace.webapp.incidents.detection;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds incidents in a care transcript with the phrases of a {@link RuleSet}. Plain Java, immutable and thread-safe:
 * build one per rule-set version and share it (the detection job, tests, a review tool).
 *
 * <p>How a transcript is scored (docs/care.md, "Incident detection", says the same for staff and operators):
 * <ol>
 *   <li>Every rule phrase found as whole words (case, accents and word endings ignored) is one piece of evidence worth
 *       the rule's weight, unless one of the rule's exclusions covers it ("fell asleep").</li>
 *   <li>The evidence is multiplied down when a negation cue stands shortly before it in its clause ("did not fall"),
 *       when a hypothetical cue stands before it in its clause ("if she falls", "in case"), when it sits in a yes/no
 *       question ("did you fall?"), and by the factor of the speaker whose turn it is in (the companion device's own
 *       words echo the resident and add nothing).</li>
 *   <li>Per category, overlapping phrases keep the longest; each distinct phrase keeps its strongest mention; the
 *       phrases combine as independent signals: confidence = 1 - product(1 - evidence).</li>
 *   <li>A category at or above the minimum confidence is a finding. The incident's severity is the highest finding's,
 *       raised one step when several distinct high or critical rules gave a signal ("fell", "hit her head",
 *       "bleeding").</li>
 * </ol>
 */
public final class IncidentDetector {
    /** Confidence from which a category is recorded as an incident; the webapp reads GRACE_DETECTION_MIN_CONFIDENCE. */
    public static final double DEFAULT_MIN_CONFIDENCE = 0.6;

    private final RuleSet ruleSet;
    private final double minConfidence;
    private final DetectionTuning tuning;
    private final WordStemmer stemmer;
    private final Set<String> clauseBreaks = new HashSet<>();
    private final Map<String, Double> speakerFactors;
    private final PhraseMatcher phrases = new PhraseMatcher();
    private final PhraseMatcher exclusions = new PhraseMatcher();
    private final PhraseMatcher negations = new PhraseMatcher();
    private final PhraseMatcher pseudoNegations = new PhraseMatcher();
    private final PhraseMatcher hypotheticals = new PhraseMatcher();
    private final PhraseMatcher questionOpeners = new PhraseMatcher();
    private final Set<String> openQuestionWords = new HashSet<>();

    private IncidentDetector(RuleSet ruleSet, double minConfidence) {
        this.ruleSet = Objects.requireNonNull(ruleSet, "ruleSet");
        if (!(minConfidence > 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minimum confidence must be above 0 and at most 1, was " + minConfidence);
        }
        this.minConfidence = minConfidence;
        this.tuning = ruleSet.tuning();
        LanguageCues cues = ruleSet.cues();
        this.stemmer = new WordStemmer(cues.irregularForms());
        this.speakerFactors = cues.speakerFactors();
        for (String word : cues.clauseBreaks()) {
            clauseBreaks.add(PhraseMatcher.compile(word, stemmer).get(0)[0]);
        }
        for (String word : cues.openQuestionWords()) {
            openQuestionWords.add(PhraseMatcher.compile(word, stemmer).get(0)[0]);
        }
        List<DetectionRule> rules = ruleSet.rules();
        for (int r = 0; r < rules.size(); r++) {
            for (String phrase : rules.get(r).phrases()) {
                for (String[] stems : PhraseMatcher.compile(phrase, stemmer)) {
                    phrases.add(stems, r);
                }
            }
            for (String phrase : rules.get(r).exclusions()) {
                for (String[] stems : PhraseMatcher.compile(phrase, stemmer)) {
                    exclusions.add(stems, r);
                }
            }
        }
        addAll(negations, cues.negationCues());
        addAll(pseudoNegations, cues.pseudoNegations());
        addAll(hypotheticals, cues.hypotheticalCues());
        addAll(questionOpeners, cues.questionOpeners());
    }

    /** A detector with the rules that ship with Grace and {@link #DEFAULT_MIN_CONFIDENCE}. */
    public static IncidentDetector withBundledRules() {
        return create(RuleSet.bundled(), DEFAULT_MIN_CONFIDENCE);
    }

    /**
     * @param minConfidence above 0 and at most 1: categories below it are not findings
     * @throws IllegalArgumentException for a minimum confidence out of range
     */
    public static IncidentDetector create(RuleSet ruleSet, double minConfidence) {
        return new IncidentDetector(ruleSet, minConfidence);
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    public double minConfidence() {
        return minConfidence;
    }

    /** Scores one transcript; linear in its length. */
    public DetectionResult detect(String transcript) {
        Objects.requireNonNull(transcript, "transcript");
        TranscriptText t = TranscriptText.analyse(transcript, stemmer, clauseBreaks, speakerFactors);
        BitSet pseudo = covered(t, pseudoNegations);
        boolean[] negationEndsAt = cueEnds(t, negations, pseudo);
        boolean[] hypotheticalEndsAt = cueEnds(t, hypotheticals, pseudo);
        boolean[] questionOpensAt = new boolean[t.size];
        for (PhraseMatcher.Match m : questionOpeners.findAll(t)) {
            questionOpensAt[m.first()] = true;
        }

        List<PhraseMatcher.Match> found = withoutExcluded(phrases.findAll(t), t);
        // Longest first, so that "had a fall" and "fall" in the same words count once.
        found.sort(Comparator.comparingInt((PhraseMatcher.Match m) -> m.first() - m.last()).thenComparingInt(PhraseMatcher.Match::first));
        List<DetectionRule> rules = ruleSet.rules();
        Map<IncidentCategory, BitSet> taken = new EnumMap<>(IncidentCategory.class);
        Map<Integer, Double> bestByPhrase = new LinkedHashMap<>();
        Map<Integer, Double> bestByRule = new LinkedHashMap<>();
        List<Mention> mentions = new ArrayList<>();
        for (PhraseMatcher.Match m : found) {
            DetectionRule rule = rules.get(m.owner());
            BitSet used = taken.computeIfAbsent(rule.category(), c -> new BitSet());
            if (!used.get(m.first(), m.last() + 1).isEmpty()) {
                continue;
            }
            used.set(m.first(), m.last() + 1);
            double evidence = rule.weight() * t.speakerFactor[m.first()];
            if (negated(t, m.first(), negationEndsAt)) {
                evidence *= tuning.negatedFactor();
            }
            if (hypothetical(t, m.first(), hypotheticalEndsAt)) {
                evidence *= tuning.hypotheticalFactor();
            }
            if (questioned(t, m.first(), questionOpensAt)) {
                evidence *= tuning.questionFactor();
            }
            bestByPhrase.merge(m.phrase(), evidence, Math::max);
            bestByRule.merge(m.owner(), evidence, Math::max);
            mentions.add(new Mention(m, evidence));
        }
        mentions.sort(Comparator.comparingInt(x -> x.match.first()));
        return score(t, mentions, bestByPhrase, bestByRule);
    }

    private record Mention(PhraseMatcher.Match match, double evidence) {
    }

    private DetectionResult score(TranscriptText t, List<Mention> mentions, Map<Integer, Double> bestByPhrase,
                                  Map<Integer, Double> bestByRule) {
        List<DetectionRule> rules = ruleSet.rules();
        Map<IncidentCategory, Double> remaining = new EnumMap<>(IncidentCategory.class);
        Set<Integer> phraseSeen = new HashSet<>();
        for (Mention mention : mentions) {
            if (phraseSeen.add(mention.match.phrase())) {
                IncidentCategory c = rules.get(mention.match.owner()).category();
                remaining.merge(c, 1 - bestByPhrase.get(mention.match.phrase()), (a, b) -> a * b);
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
            List<Integer> signalled = categoryRules.stream().filter(r -> bestByRule.get(r) >= tuning.signalFloor()).toList();
            List<Integer> deciding = signalled.isEmpty() ? categoryRules : signalled;
            Severity severity = rules.get(deciding.get(0)).severity();
            Set<String> quotes = new LinkedHashSet<>();
            for (Mention mention : mentions) {
                if (rules.get(mention.match.owner()).category() == category
                        && (signalled.isEmpty() || mention.evidence >= tuning.signalFloor())) {
                    quotes.add(t.quote(mention.match.first(), mention.match.last()));
                }
            }
            Set<String> actions = new LinkedHashSet<>();
            categoryRules.forEach(r -> actions.addAll(rules.get(r).suggestedActions()));
            CategoryFinding finding = new CategoryFinding(category, severity, confidence, List.copyOf(quotes),
                    List.copyOf(actions), categoryRules.stream().map(r -> rules.get(r).id()).toList());
            if (confidence >= minConfidence) {
                findings.add(finding);
                highSignals += (int) signalled.stream().filter(r -> rules.get(r).severity().isAtLeast(Severity.HIGH)).count();
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

    private List<PhraseMatcher.Match> withoutExcluded(List<PhraseMatcher.Match> found, TranscriptText t) {
        Map<Integer, BitSet> excludedByRule = new HashMap<>();
        for (PhraseMatcher.Match x : exclusions.findAll(t)) {
            excludedByRule.computeIfAbsent(x.owner(), r -> new BitSet()).set(x.first(), x.last() + 1);
        }
        List<PhraseMatcher.Match> kept = new ArrayList<>(found.size());
        for (PhraseMatcher.Match m : found) {
            BitSet excluded = excludedByRule.get(m.owner());
            if (excluded == null || excluded.get(m.first(), m.last() + 1).isEmpty()) {
                kept.add(m);
            }
        }
        return kept;
    }

    private boolean negated(TranscriptText t, int first, boolean[] negationEndsAt) {
        for (int j = Math.max(t.clauseStart[first], first - tuning.negationWindow()); j < first; j++) {
            if (negationEndsAt[j]) {
                return true;
            }
        }
        return false;
    }

    private boolean hypothetical(TranscriptText t, int first, boolean[] hypotheticalEndsAt) {
        for (int j = Math.max(t.clauseStart[first], first - tuning.hypotheticalWindow()); j < first; j++) {
            if (hypotheticalEndsAt[j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * A yes/no question asks rather than tells: it opens with "did you", "has she"... (speech-to-text often drops the
     * question mark), or ends with a question mark without opening with "why", "who"... ("you fell?").
     */
    private boolean questioned(TranscriptText t, int first, boolean[] questionOpensAt) {
        int clause = t.clauseStart[first];
        int sentence = t.sentenceStart[first];
        if (questionOpensAt[clause] || questionOpensAt[sentence]) {
            return true;
        }
        return t.inQuestion[first] && !openQuestionWords.contains(t.stems[sentence]);
    }

    private static boolean[] cueEnds(TranscriptText t, PhraseMatcher cues, BitSet cancelled) {
        boolean[] ends = new boolean[t.size];
        for (PhraseMatcher.Match m : cues.findAll(t)) {
            if (cancelled.get(m.first(), m.last() + 1).isEmpty()) {
                ends[m.last()] = true;
            }
        }
        return ends;
    }

    private static BitSet covered(TranscriptText t, PhraseMatcher matcher) {
        BitSet covered = new BitSet(t.size);
        for (PhraseMatcher.Match m : matcher.findAll(t)) {
            covered.set(m.first(), m.last() + 1);
        }
        return covered;
    }

    private void addAll(PhraseMatcher matcher, List<String> cues) {
        for (String cue : cues) {
            for (String[] stems : PhraseMatcher.compile(cue, stemmer)) {
                matcher.add(stems, 0);
            }
        }
    }
}
