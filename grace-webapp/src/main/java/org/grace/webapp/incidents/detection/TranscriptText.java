package org.grace.webapp.incidents.detection;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A transcript cut into stemmed words, each knowing where it stands: its place in the original text (to quote the
 * phrase as it was written), the first word of its clause and of its sentence (the scopes of negation and
 * hypothetical cues; the clause as punctuation alone made it, for cues that cover a whole clause), whether its
 * sentence is a question, and the factor of the speaker whose turn it is in.
 *
 * <p>One pass over the characters, no regular expressions: the cost is linear in the length of the text. A line that
 * starts with a short label and a colon ("Resident:", "Staff (night):", "Grace:") starts a speaker's turn that lasts
 * until the next label; a colon after digits (10:30) is not a label.
 */
final class TranscriptText {
    private static final int MAX_LABEL_LENGTH = 40;
    private static final int MAX_LABEL_WORDS = 4;

    final String text;
    int size;
    String[] stems = new String[64];
    String[] words = new String[64];
    int[] starts = new int[64];
    int[] ends = new int[64];
    int[] clauseStart = new int[64];
    int[] segmentStart;
    int[] sentenceStart = new int[64];
    boolean[] inQuestion = new boolean[64];
    double[] speakerFactor = new double[64];
    /** The first word of the speaker label of each word's turn ("staff" for "Staff (night):"), or null. */
    String[] speaker = new String[64];

    private int currentClauseStart;
    private int currentSentenceStart;
    private double currentSpeakerFactor = 1.0;
    private String currentSpeaker;

    private TranscriptText(String text) {
        this.text = text;
    }

    static TranscriptText analyse(String text, WordStemmer stemmer, Map<String, Double> speakerFactors) {
        TranscriptText t = new TranscriptText(text);
        t.scan(stemmer, speakerFactors);
        return t;
    }

    /**
     * Starts a new clause at each given word (a clause-break phrase such as "but" or "and then" found by the
     * caller), within the clauses punctuation already made.
     */
    void startClausesAt(BitSet breaks) {
        segmentStart = Arrays.copyOf(clauseStart, size);
        int previousOriginal = -1;
        int current = 0;
        for (int k = 0; k < size; k++) {
            int original = clauseStart[k];
            if (original != previousOriginal) {
                current = original;
            } else if (breaks.get(k)) {
                current = k;
            }
            previousOriginal = original;
            clauseStart[k] = current;
        }
    }

    /** The words of a rule phrase or cue, normalised and stemmed the way a transcript's words are. */
    static String[] phraseStems(String phrase, WordStemmer stemmer) {
        TranscriptText t = analyse(phrase, stemmer, Map.of());
        return Arrays.copyOf(t.stems, t.size);
    }

    /** Lower case, accents removed (é to e), typographic apostrophes as {@code '}. */
    static String normalise(String s) {
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            out.append(isApostrophe(c) ? '\'' : c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private void scan(WordStemmer stemmer, Map<String, Double> speakerFactors) {
        int n = text.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            if (lineStart) {
                lineStart = false;
                int colon = speakerLabelEnd(i);
                if (colon >= 0) {
                    String label = normalise(text.substring(i, colon)).trim().replaceAll("\\s+", " ");
                    int cut = 0;
                    while (cut < label.length() && Character.isLetter(label.charAt(cut))) {
                        cut++;
                    }
                    currentSpeaker = label.substring(0, cut);
                    Double factor = speakerFactors.getOrDefault(label, speakerFactors.get(currentSpeaker));
                    currentSpeakerFactor = factor == null ? 1.0 : factor;
                    endSentence(false);
                    i = colon + 1;
                    continue;
                }
            }
            char c = text.charAt(i);
            if (isWordChar(c)) {
                int j = wordEnd(i);
                String word = normalise(text.substring(i, j));
                add(word, stemmer.stem(word), i, j);
                i = j;
                continue;
            }
            switch (c) {
                case '\n', '\r' -> {
                    endSentence(false);
                    lineStart = true;
                }
                case '.', '!', '\u2026' -> endSentence(false);
                case '?' -> endSentence(true);
                case ',', ';', ':', '(', ')', '"', '\u201c', '\u201d', '\u2013', '\u2014' -> currentClauseStart = size;
                case '-' -> {
                    // "she fell - no, she slipped": a free-standing dash separates clauses; black-and-blue does not
                    if (i + 1 < n && Character.isWhitespace(text.charAt(i + 1))) {
                        currentClauseStart = size;
                    }
                }
                default -> {
                }
            }
            i++;
        }
    }

    private int wordEnd(int from) {
        int n = text.length();
        int j = from;
        while (j < n) {
            char c = text.charAt(j);
            if (isWordChar(c)) {
                j++;
            } else if (j > from && j + 1 < n && isApostrophe(c) && Character.isLetter(text.charAt(j + 1))) {
                j++; // didn't, she'll
            } else if (j > from && j + 1 < n && c == '.' && Character.isDigit(text.charAt(j - 1))
                    && Character.isDigit(text.charAt(j + 1))) {
                j++; // 2.5mg is one word, not the end of a sentence
            } else {
                break;
            }
        }
        return j;
    }

    /** The index of the colon ending a speaker label that starts at {@code from}, or -1 when the line has none. */
    private int speakerLabelEnd(int from) {
        int n = text.length();
        int i = from;
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (i >= n || !Character.isLetter(text.charAt(i))) {
            return -1;
        }
        int words = 1;
        for (int j = i; j < n && j - i <= MAX_LABEL_LENGTH; j++) {
            char c = text.charAt(j);
            if (c == ':') {
                boolean timeOfDay = j + 1 < n && Character.isDigit(text.charAt(j + 1));
                return timeOfDay ? -1 : j;
            }
            if (c == ' ') {
                words++;
                if (words > MAX_LABEL_WORDS) {
                    return -1;
                }
            } else if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '(' || c == ')'
                    || isApostrophe(c) || Character.getType(c) == Character.NON_SPACING_MARK)) {
                return -1;
            }
        }
        return -1;
    }

    private void endSentence(boolean question) {
        if (question) {
            for (int k = currentSentenceStart; k < size; k++) {
                inQuestion[k] = true;
            }
        }
        currentSentenceStart = size;
        currentClauseStart = size;
    }

    private void add(String word, String stem, int start, int end) {
        if (size == stems.length) {
            int capacity = size * 2;
            stems = Arrays.copyOf(stems, capacity);
            words = Arrays.copyOf(words, capacity);
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
            clauseStart = Arrays.copyOf(clauseStart, capacity);
            sentenceStart = Arrays.copyOf(sentenceStart, capacity);
            inQuestion = Arrays.copyOf(inQuestion, capacity);
            speakerFactor = Arrays.copyOf(speakerFactor, capacity);
            speaker = Arrays.copyOf(speaker, capacity);
        }
        stems[size] = stem;
        words[size] = word;
        starts[size] = start;
        ends[size] = end;
        clauseStart[size] = currentClauseStart;
        sentenceStart[size] = currentSentenceStart;
        speakerFactor[size] = currentSpeakerFactor;
        speaker[size] = currentSpeaker;
        size++;
    }

    /** The words from token {@code first} to token {@code last} as they appear in the transcript. */
    String quote(int first, int last) {
        return text.substring(starts[first], ends[last]);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK;
    }

    private static boolean isApostrophe(char c) {
        return c == '\'' || c == '\u2019' || c == '\u2018' || c == '\u02bc' || c == '`';
    }
}
