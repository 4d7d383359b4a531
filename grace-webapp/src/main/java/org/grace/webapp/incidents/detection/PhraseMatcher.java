package org.grace.webapp.incidents.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds compiled phrases in a {@link TranscriptText}, whole words only. A compiled phrase is a list of positions,
 * each a small set of accepted stems ({@code tablet|pill|medication} in a rule file) or a gap ({@code ...}: zero to
 * {@link #MAX_GAP} words of the same sentence, tried shortest first). A word written {@code =word} matches that word
 * only, unstemmed; {@code @name} accepts any word of the rule file's concept of that name ({@link Vocabulary}).
 *
 * <p>Phrases are indexed by each stem their first position accepts, so each word of the transcript is compared only
 * with the phrases that can start with it: the cost is the number of words times the (small) number of phrases sharing
 * a first word times the phrase length and gap width, linear in the length of the transcript.
 */
final class PhraseMatcher {
    static final String GAP = "...";
    static final int MAX_GAP = 4;
    static final String EXACT = "=";

    /** A phrase found in the text: which phrase, its owner (a rule's or cue list's index), first and last word. */
    record Match(int phrase, int owner, int first, int last) {
    }

    private record Compiled(int phrase, int owner, String[][] positions) {
    }

    private final Map<String, List<Compiled>> byFirstStem = new HashMap<>();
    private final List<Compiled> byNumber = new ArrayList<>();
    private int count;

    /**
     * Adds a phrase compiled by {@link #compile}.
     *
     * @return the phrase's number, in the order added
     */
    int add(String[][] positions, int owner, WordStemmer stemmer) {
        Compiled compiled = new Compiled(count, owner, positions);
        byNumber.add(compiled);
        for (String accepted : positions[0]) {
            String first = accepted.startsWith(EXACT) ? stemmer.stem(accepted.substring(EXACT.length())) : accepted;
            List<Compiled> list = byFirstStem.computeIfAbsent(first, k -> new ArrayList<>());
            if (list.isEmpty() || list.get(list.size() - 1) != compiled) {
                list.add(compiled);
            }
        }
        return count++;
    }

    /**
     * Compiles a phrase as written in a rule file.
     *
     * @return per position the accepted stems ({@code =word} for an exact word), or {@code null} for a gap
     * @throws IllegalArgumentException saying what is wrong with the phrase
     */
    static String[][] compile(String phrase, Vocabulary vocabulary) {
        WordStemmer stemmer = vocabulary.stemmer();
        String[] words = phrase.trim().split("\\s+");
        if (words.length == 1 && words[0].isEmpty()) {
            throw new IllegalArgumentException("phrase has no words");
        }
        List<String[]> positions = new ArrayList<>();
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            if (word.equals(GAP)) {
                if (w == 0 || w == words.length - 1 || words[w - 1].equals(GAP)) {
                    throw new IllegalArgumentException("'...' must stand between two words");
                }
                positions.add(null);
                continue;
            }
            String[] alternatives = word.split("\\|", -1);
            if (alternatives.length == 1 && word.startsWith(Vocabulary.CONCEPT)) {
                positions.add(vocabulary.concept(word));
                continue;
            }
            if (alternatives.length == 1) {
                String[] exact = exactWord(word);
                String[] stems = exact != null ? exact : TranscriptText.phraseStems(word, stemmer);
                if (stems.length == 0) {
                    throw new IllegalArgumentException(words.length == 1 ? "phrase has no words"
                            : "'" + word + "' has no letters or digits");
                }
                for (String stem : stems) {
                    positions.add(new String[] {stem});
                }
                continue;
            }
            List<String> accepted = new ArrayList<>();
            for (String alternative : alternatives) {
                if (alternative.startsWith(Vocabulary.CONCEPT)) {
                    accepted.addAll(List.of(vocabulary.concept(alternative)));
                    continue;
                }
                String[] exact = exactWord(alternative);
                String[] stems = exact != null ? exact : TranscriptText.phraseStems(alternative, stemmer);
                if (stems.length != 1) {
                    throw new IllegalArgumentException("'" + word + "' has an alternative that is not one word");
                }
                accepted.add(stems[0]);
            }
            positions.add(accepted.toArray(new String[0]));
        }
        return positions.toArray(new String[0][]);
    }

    /**
     * @return the compiled exact word ({@code =} kept), or {@code null} when the word is not written {@code =word}
     */
    private static String[] exactWord(String alternative) {
        if (!alternative.startsWith(EXACT)) {
            return null;
        }
        String word = TranscriptText.normalise(alternative.substring(EXACT.length()));
        if (word.isEmpty() || !word.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '\'')) {
            throw new IllegalArgumentException("'" + alternative + "' must be '=' and one word");
        }
        return new String[] {EXACT + word};
    }

    /** How many phrases were added; phrase numbers are below it. */
    int size() {
        return count;
    }

    /**
     * Whether word {@code i} of a match stands in one of its phrase's gaps: no word position of the phrase accepts
     * it ("did not" in "face did not droop" for {@code face ... droop}).
     */
    boolean inGap(Match m, TranscriptText t, int i) {
        for (String[] accepted : byNumber.get(m.phrase()).positions) {
            if (accepted != null && accepts(accepted, t, i)) {
                return false;
            }
        }
        return true;
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
                int last = matchFrom(t, c.positions, 0, i, t.sentenceStart[i]);
                if (last >= 0) {
                    found.add(new Match(c.phrase, c.owner, i, last));
                }
            }
        }
        return found;
    }

    /** @return the index of the last word matched, or -1 */
    private static int matchFrom(TranscriptText t, String[][] positions, int p, int i, int sentence) {
        if (p == positions.length) {
            return i - 1;
        }
        if (positions[p] == null) {
            for (int skip = 0; skip <= MAX_GAP; skip++) {
                int at = i + skip;
                if (at >= t.size || t.sentenceStart[at] != sentence) {
                    return -1;
                }
                int last = matchFrom(t, positions, p + 1, at, sentence);
                if (last >= 0) {
                    return last;
                }
            }
            return -1;
        }
        if (i >= t.size || t.sentenceStart[i] != sentence || !accepts(positions[p], t, i)) {
            return -1;
        }
        return matchFrom(t, positions, p + 1, i + 1, sentence);
    }

    private static boolean accepts(String[] accepted, TranscriptText t, int i) {
        for (String wanted : accepted) {
            if (wanted.startsWith(EXACT) ? wanted.length() == t.words[i].length() + 1
                    && wanted.regionMatches(1, t.words[i], 0, t.words[i].length()) : wanted.equals(t.stems[i])) {
                return true;
            }
        }
        return false;
    }
}
