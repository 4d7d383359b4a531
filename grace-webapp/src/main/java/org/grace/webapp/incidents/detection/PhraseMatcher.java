package org.grace.webapp.incidents.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds compiled phrases in a {@link TranscriptText}, whole words only. Phrases are indexed by their first stem, so
 * each word of the transcript is compared only with the phrases that start with it: the cost is the number of words
 * times the (small) number of phrases sharing a first word times the phrase length. A gap ({@code ...} in a phrase)
 * stands for zero to {@link #MAX_GAP} words of the same sentence and is tried shortest first.
 */
final class PhraseMatcher {
    static final String GAP = "...";
    static final int MAX_GAP = 3;
    static final int MAX_VARIANTS = 256;

    /** A phrase found in the text: which phrase, its owner (a rule's or cue list's index), first and last word. */
    record Match(int phrase, int owner, int first, int last) {
    }

    private record Compiled(int phrase, int owner, String[] stems) {
    }

    private final Map<String, List<Compiled>> byFirstStem = new HashMap<>();
    private int count;

    /**
     * Adds a phrase; {@code null} entries of {@code stems} are gaps.
     *
     * @return the phrase's number, in the order added
     */
    int add(String[] stems, int owner) {
        Compiled compiled = new Compiled(count, owner, stems);
        byFirstStem.computeIfAbsent(stems[0], k -> new ArrayList<>()).add(compiled);
        return count++;
    }

    /**
     * Compiles a phrase as written in a rule file. A word written {@code tablet|pill|medication} stands for any of
     * them; {@code ...} for a gap.
     *
     * @return one array of stems per combination of alternatives, {@code null} for a gap
     * @throws IllegalArgumentException saying what is wrong with the phrase
     */
    static List<String[]> compile(String phrase, WordStemmer stemmer) {
        List<List<String>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        String[] words = phrase.trim().split("\\s+");
        if (words.length == 1 && words[0].isEmpty()) {
            throw new IllegalArgumentException("phrase has no words");
        }
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            if (word.equals(GAP)) {
                if (w == 0 || w == words.length - 1 || words[w - 1].equals(GAP)) {
                    throw new IllegalArgumentException("'...' must stand between two words");
                }
                variants.forEach(v -> v.add(null));
                continue;
            }
            String[] alternatives = word.split("\\|", -1);
            List<List<String>> next = new ArrayList<>();
            for (String alternative : alternatives) {
                String[] stems = TranscriptText.phraseStems(alternative, stemmer);
                if (stems.length == 0) {
                    throw new IllegalArgumentException("'" + word + "' has an empty word or alternative");
                }
                for (List<String> v : variants) {
                    List<String> extended = new ArrayList<>(v);
                    extended.addAll(List.of(stems));
                    next.add(extended);
                }
            }
            if (next.size() > MAX_VARIANTS) {
                throw new IllegalArgumentException("more than " + MAX_VARIANTS + " combinations of alternatives");
            }
            variants = next;
        }
        return variants.stream().map(v -> v.toArray(new String[0])).toList();
    }

    /** Every occurrence of every phrase, in order of first word. */
    List<Match> findAll(TranscriptText t) {
        List<Match> found = new ArrayList<>();
        for (int i = 0; i < t.size; i++) {
            List<Compiled> candidates = byFirstStem.get(t.stems[i]);
            if (candidates == null) {
                continue;
            }
            for (Compiled c : candidates) {
                int last = matchFrom(t, c.stems, 1, i + 1, t.sentenceStart[i]);
                if (last >= 0) {
                    found.add(new Match(c.phrase, c.owner, i, last));
                }
            }
        }
        return found;
    }

    /** @return the index of the last word matched, or -1 */
    private static int matchFrom(TranscriptText t, String[] stems, int p, int i, int sentence) {
        if (p == stems.length) {
            return i - 1;
        }
        if (stems[p] == null) {
            for (int skip = 0; skip <= MAX_GAP; skip++) {
                int at = i + skip;
                if (at >= t.size || t.sentenceStart[at] != sentence) {
                    return -1;
                }
                int last = matchFrom(t, stems, p + 1, at, sentence);
                if (last >= 0) {
                    return last;
                }
            }
            return -1;
        }
        if (i >= t.size || t.sentenceStart[i] != sentence || !stems[p].equals(t.stems[i])) {
            return -1;
        }
        return matchFrom(t, stems, p + 1, i + 1, sentence);
    }
}
