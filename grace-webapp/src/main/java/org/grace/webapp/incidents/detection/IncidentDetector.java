package org.grace.webapp.incidents.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Finds incidents in a care transcript with the phrases of a {@link RuleSet}. Plain Java, immutable and thread-safe:
 * build one per rule-set version and share it (the detection job, tests, a review tool).
 *
 * <p>How a transcript is scored (docs/care.md, "Incident detection", says the same for staff and operators):
 * <ol>
 *   <li>Every rule phrase found as whole words (case, accents and word endings ignored) is one piece of evidence worth
 *       the rule's weight, unless one of the rule's exclusions covers it ("fell asleep").</li>
 *   <li>The evidence is multiplied down when a negation cue stands shortly before it in its clause ("did not
 *       fall"), when a hypothetical cue stands before it in its clause ("if she falls", "in case") or a past cue
 *       anywhere between the punctuation marks around it ("she fell down the stairs when I was a girl"), when it
 *       sits in a yes/no question ("did you fall?"), and by the factor of the speaker whose turn it is in (the
 *       companion device's own words mostly echo the resident and count little).</li>
 *   <li>Per category, overlapping phrases keep the longest; each distinct phrase keeps its strongest mention; the
 *       phrases combine as independent signals: confidence = 1 - product(1 - evidence).</li>
 *   <li>A category at or above the minimum confidence is a finding. The incident's severity is the highest finding's,
 *       raised one step when several distinct high or critical rules gave a signal ("hit her head",
 *       "blood everywhere").</li>
 * </ol>
 */
public final class IncidentDetector {
    /** Confidence from which a category is recorded as an incident; the webapp reads GRACE_DETECTION_MIN_CONFIDENCE. */
    public static final double DEFAULT_MIN_CONFIDENCE = 0.6;

    private final RuleSet ruleSet;
    private final double minConfidence;
    private final DetectionTuning tuning;
    private final Vocabulary vocabulary;
    private final PhraseMatcher phrases = new PhraseMatcher();
    private final PhraseMatcher exclusions = new PhraseMatcher();
    /** The phrases of the rules' "together" groups; a match's owner indexes {@link #parts}. */
    private final PhraseMatcher groupPhrases = new PhraseMatcher();
    private final List<Part> parts = new ArrayList<>();
    private final Map<Cue, PhraseMatcher> cueMatchers = new EnumMap<>(Cue.class);
    private final Set<String> openQuestionWords = new HashSet<>();
    private final SpeakerScope speakerScope;

    private static final BitSet NOTHING = new BitSet();

    /** The cue lists of {@link LanguageCues} that are found as phrases. */
    private enum Cue {
        NEGATION(LanguageCues::negationCues),
        PSEUDO_NEGATION(LanguageCues::pseudoNegations),
        HYPOTHETICAL(LanguageCues::hypotheticalCues),
        HYPOTHETICAL_ANYWHERE(LanguageCues::hypotheticalAnywhereCues),
        CLAUSE_BREAK(LanguageCues::clauseBreaks),
        QUESTION_OPENER(LanguageCues::questionOpeners);

        private final Function<LanguageCues, List<String>> list;

        Cue(Function<LanguageCues, List<String>> list) {
            this.list = list;
        }
    }

    /** The stemmed words of {@link ReportingSpeakers}. */
    private record SpeakerScope(Set<String> labels, Set<String> selfReferences, Set<String> otherPeople) {
        /**
         * Per word, whether a mention starting there is staff or family speaking of themselves: in a reporting
         * speaker's turn, the clause has "I" or "my" before it and nobody else anywhere ("I tripped on the kerb on
         * my way in", "my brother's been poorly"; not "I found her on the floor"). One pass over the words.
         */
        boolean[] aboutTheSpeaker(TranscriptText t) {
            boolean[] about = new boolean[t.size];
            BitSet clausesWithOthers = new BitSet();
            for (int j = 0; j < t.size; j++) {
                if (otherPeople.contains(t.stems[j])) {
                    clausesWithOthers.set(t.clauseStart[j]);
                }
            }
            boolean self = false;
            for (int j = 0; j < t.size; j++) {
                if (j == t.clauseStart[j]) {
                    self = false;
                }
                about[j] = self && t.speaker[j] != null && labels.contains(t.speaker[j])
                        && !clausesWithOthers.get(t.clauseStart[j]);
                self |= selfReferences.contains(t.stems[j]);
            }
            return about;
        }
    }

    /** One group of a rule's "together" phrases. */
    private record Part(int rule, int group) {
    }

    private IncidentDetector(RuleSet ruleSet, double minConfidence) {
        this.ruleSet = Objects.requireNonNull(ruleSet, "ruleSet");
        if (!(minConfidence > 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minimum confidence must be above 0 and at most 1, was " + minConfidence);
        }
        this.minConfidence = minConfidence;
        this.tuning = ruleSet.tuning();
        LanguageCues cues = ruleSet.cues();
        this.vocabulary = new Vocabulary(new WordStemmer(cues.irregularForms()), ruleSet.concepts());
        openQuestionWords.addAll(words(cues.openQuestionWords()));
        ReportingSpeakers reporting = cues.reportingSpeakers();
        this.speakerScope = new SpeakerScope(Set.copyOf(reporting.labels()), words(reporting.selfReferences()),
                words(reporting.otherPeople()));
        List<DetectionRule> rules = ruleSet.rules();
        for (int r = 0; r < rules.size(); r++) {
            DetectionRule rule = rules.get(r);
            addAll(phrases, rule.phrases(), r);
            addAll(exclusions, rule.exclusions(), r);
            for (int g = 0; g < rule.together().size(); g++) {
                addAll(groupPhrases, rule.together().get(g), parts.size());
                parts.add(new Part(r, g));
            }
        }
        for (Cue cue : Cue.values()) {
            PhraseMatcher matcher = new PhraseMatcher();
            addAll(matcher, cue.list.apply(cues), 0);
            cueMatchers.put(cue, matcher);
        }
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
        TranscriptText t = TranscriptText.analyse(transcript, vocabulary.stemmer(), ruleSet.cues().speakerFactors());
        t.startClausesAt(covered(t, cueMatchers.get(Cue.CLAUSE_BREAK), true));
        Context context = new Context(t);
        Map<Integer, BitSet> excluded = excludedByRule(t);

        List<PhraseMatcher.Match> found = withoutExcluded(phrases.findAll(t), excluded);
        // Longest first, so that "had a fall" and "fall" in the same words count once.
        found.sort(Comparator.comparingInt((PhraseMatcher.Match m) -> m.first() - m.last())
                .thenComparingInt(PhraseMatcher.Match::first));
        List<DetectionRule> rules = ruleSet.rules();
        Map<IncidentCategory, BitSet> taken = new EnumMap<>(IncidentCategory.class);
        List<EvidenceScore.Mention> mentions = new ArrayList<>();
        for (PhraseMatcher.Match m : found) {
            DetectionRule rule = rules.get(m.owner());
            BitSet used = taken.computeIfAbsent(rule.category(), c -> new BitSet());
            if (!used.get(m.first(), m.last() + 1).isEmpty()) {
                continue;
            }
            used.set(m.first(), m.last() + 1);
            double factor = context.factor(m.first()) * context.negatedInGap(phrases, m);
            mentions.add(new EvidenceScore.Mention(m.phrase(), m.owner(), m.first(), rule.weight() * factor,
                    t.quote(m.first(), m.last())));
        }
        mentions.addAll(together(t, context, excluded));
        mentions.sort(Comparator.comparingInt(EvidenceScore.Mention::first));
        return EvidenceScore.score(ruleSet, tuning, minConfidence, mentions);
    }


    /** The negation, hypothetical, question and speaker cues of one transcript. */
    private final class Context {
        private final TranscriptText t;
        private final boolean[] negationEndsAt;
        private final boolean[] hypotheticalEndsAt;
        private final BitSet hypotheticalClauses = new BitSet();
        private final boolean[] questionOpensAt;
        private final boolean[] aboutTheSpeaker;

        Context(TranscriptText t) {
            this.t = t;
            BitSet pseudo = covered(t, cueMatchers.get(Cue.PSEUDO_NEGATION), false);
            negationEndsAt = cueEnds(t, cueMatchers.get(Cue.NEGATION), pseudo);
            hypotheticalEndsAt = cueEnds(t, cueMatchers.get(Cue.HYPOTHETICAL), pseudo);
            for (PhraseMatcher.Match m : cueMatchers.get(Cue.HYPOTHETICAL_ANYWHERE).findAll(t)) {
                hypotheticalClauses.set(t.segmentStart[m.first()]);
            }
            aboutTheSpeaker = speakerScope.aboutTheSpeaker(t);
            questionOpensAt = new boolean[t.size];
            for (PhraseMatcher.Match m : cueMatchers.get(Cue.QUESTION_OPENER).findAll(t)) {
                questionOpensAt[m.first()] = true;
            }
        }

        /** What a mention starting at word {@code first} is worth relative to a plain statement. */
        double factor(int first) {
            return factor(first, NOTHING);
        }

        /**
         * The same, not counting negation and hypothetical cues that end on the {@code ignored} words (the other
         * parts of a "together" match: in "wasn't given her tablets", "wasn't" belongs to the part "wasn't given").
         */
        double factor(int first, BitSet ignored) {
            double factor = t.speakerFactor[first];
            if (cueWithin(first, tuning.negationWindow(), negationEndsAt, ignored)) {
                factor *= tuning.negatedFactor();
            }
            if (cueWithin(first, tuning.hypotheticalWindow(), hypotheticalEndsAt, ignored)
                    || hypotheticalClauses.get(t.segmentStart[first])) {
                factor *= tuning.hypotheticalFactor();
            }
            if (questioned(first)) {
                factor *= tuning.questionFactor();
            }
            if (aboutTheSpeaker[first]) {
                factor *= tuning.selfReportFactor();
            }
            return factor;
        }

        /**
         * The negated factor when a negation cue stands in a gap of the phrase ("her face did not droop" for
         * {@code face ... droop}), else 1.
         */
        double negatedInGap(PhraseMatcher matcher, PhraseMatcher.Match m) {
            for (int j = m.first() + 1; j < m.last(); j++) {
                if (negationEndsAt[j] && matcher.inGap(m, t, j)) {
                    return tuning.negatedFactor();
                }
            }
            return 1;
        }

        private boolean cueWithin(int first, int window, boolean[] cueEndsAt, BitSet ignored) {
            for (int j = Math.max(t.clauseStart[first], first - window); j < first; j++) {
                if (cueEndsAt[j] && !ignored.get(j)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * A yes/no question asks rather than tells: it opens with "did you", "has she"... (speech-to-text often drops
         * the question mark), or ends with a question mark without opening with "why", "who"... ("you fell?").
         */
        private boolean questioned(int first) {
            int clause = t.clauseStart[first];
            int sentence = t.sentenceStart[first];
            if (questionOpensAt[clause] || questionOpensAt[sentence]) {
                return true;
            }
            return t.inQuestion[first] && !openQuestionWords.contains(t.stems[sentence]);
        }
    }

    /**
     * The rules' "together" groups: per sentence, the strongest mention of each group; where every group of a rule
     * is there, one mention worth the rule's weight times the weakest group's factor (a negated or hypothetical part
     * weakens the whole), quoted as its parts joined by " + ".
     */
    private List<EvidenceScore.Mention> together(TranscriptText t, Context context, Map<Integer, BitSet> excluded) {
        List<PhraseMatcher.Match> found = groupPhrases.findAll(t);
        if (found.isEmpty()) {
            return List.of();
        }
        List<DetectionRule> rules = ruleSet.rules();
        // the words each rule's parts cover per sentence, keyed by sentence start * rules + rule
        Map<Long, BitSet> covered = new HashMap<>();
        List<PhraseMatcher.Match> kept = new ArrayList<>();
        for (PhraseMatcher.Match m : found) {
            int rule = parts.get(m.owner()).rule();
            BitSet x = excluded.get(rule);
            if (x == null || x.get(m.first(), m.last() + 1).isEmpty()) {
                kept.add(m);
                covered.computeIfAbsent(key(t, m), k -> new BitSet()).set(m.first(), m.last() + 1);
            }
        }
        // sentence and rule -> per group the match with the highest factor
        Map<Long, PhraseMatcher.Match[]> best = new LinkedHashMap<>();
        Map<PhraseMatcher.Match, Double> factors = new HashMap<>();
        for (PhraseMatcher.Match m : kept) {
            Part part = parts.get(m.owner());
            double factor = context.factor(m.first(), covered.get(key(t, m))) * context.negatedInGap(groupPhrases, m);
            factors.put(m, factor);
            PhraseMatcher.Match[] groups = best.computeIfAbsent(key(t, m),
                    k -> new PhraseMatcher.Match[rules.get(part.rule()).together().size()]);
            PhraseMatcher.Match current = groups[part.group()];
            if (current == null || factors.get(current) < factor) {
                groups[part.group()] = m;
            }
        }
        List<EvidenceScore.Mention> mentions = new ArrayList<>();
        int signalBase = phrases.size();
        for (PhraseMatcher.Match[] groups : best.values()) {
            if (Arrays.asList(groups).contains(null)) {
                continue;
            }
            double factor = 1;
            List<PhraseMatcher.Match> inOrder = new ArrayList<>(Arrays.asList(groups));
            inOrder.sort(Comparator.comparingInt(PhraseMatcher.Match::first));
            StringJoiner quote = new StringJoiner(" + ");
            for (PhraseMatcher.Match m : inOrder) {
                factor = Math.min(factor, factors.get(m));
                quote.add(t.quote(m.first(), m.last()));
            }
            int rule = parts.get(groups[0].owner()).rule();
            mentions.add(new EvidenceScore.Mention(signalBase + rule, rule, inOrder.get(0).first(), rules.get(rule).weight() * factor,
                    quote.toString()));
        }
        return mentions;
    }

    private long key(TranscriptText t, PhraseMatcher.Match m) {
        return (long) t.sentenceStart[m.first()] * ruleSet.rules().size() + parts.get(m.owner()).rule();
    }

    private Map<Integer, BitSet> excludedByRule(TranscriptText t) {
        Map<Integer, BitSet> excludedByRule = new HashMap<>();
        for (PhraseMatcher.Match x : exclusions.findAll(t)) {
            excludedByRule.computeIfAbsent(x.owner(), r -> new BitSet()).set(x.first(), x.last() + 1);
        }
        return excludedByRule;
    }

    private static List<PhraseMatcher.Match> withoutExcluded(List<PhraseMatcher.Match> found,
                                                             Map<Integer, BitSet> excludedByRule) {
        List<PhraseMatcher.Match> kept = new ArrayList<>(found.size());
        for (PhraseMatcher.Match m : found) {
            BitSet excluded = excludedByRule.get(m.owner());
            if (excluded == null || excluded.get(m.first(), m.last() + 1).isEmpty()) {
                kept.add(m);
            }
        }
        return kept;
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

    /** The words the matcher's phrases cover, or with {@code firstOnly} just the first word of each. */
    private static BitSet covered(TranscriptText t, PhraseMatcher matcher, boolean firstOnly) {
        BitSet covered = new BitSet(t.size);
        for (PhraseMatcher.Match m : matcher.findAll(t)) {
            covered.set(m.first(), firstOnly ? m.first() + 1 : m.last() + 1);
        }
        return covered;
    }

    private Set<String> words(List<String> words) {
        Set<String> stems = new HashSet<>();
        for (String word : words) {
            stems.add(compile(word)[0][0]);
        }
        return Set.copyOf(stems);
    }

    private String[][] compile(String phrase) {
        return PhraseMatcher.compile(phrase, vocabulary);
    }

    private void addAll(PhraseMatcher matcher, List<String> phrasesToAdd, int owner) {
        for (String phrase : phrasesToAdd) {
            matcher.add(compile(phrase), owner, vocabulary.stemmer());
        }
    }
}
