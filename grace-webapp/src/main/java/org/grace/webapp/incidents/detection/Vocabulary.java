package org.grace.webapp.incidents.detection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How rule phrases and transcript words meet: the stemmer, and the rule file's concepts, named lexicons of words
 * that mean the same thing for detection ({@code @limp}: limp, floppy, slumped...). A phrase position written
 * {@code @name} accepts any word of that concept, so one phrase covers the ways people say it; the concept's name is
 * what the explanation of a finding can point to.
 */
final class Vocabulary {
    static final String CONCEPT = "@";

    private final WordStemmer stemmer;
    private final Map<String, String[]> concepts;

    /**
     * @param concepts concept name to its words as written (one word each, {@code =word} for that word unstemmed)
     * @throws IllegalArgumentException naming the concept and word that is not one word
     */
    Vocabulary(WordStemmer stemmer, Map<String, List<String>> concepts) {
        this.stemmer = stemmer;
        Map<String, String[]> compiled = new LinkedHashMap<>();
        Vocabulary wordsOnly = new Vocabulary(stemmer);
        for (Map.Entry<String, List<String>> e : concepts.entrySet()) {
            String[] stems = new String[e.getValue().size()];
            for (int i = 0; i < stems.length; i++) {
                String word = e.getValue().get(i);
                String[][] positions;
                try {
                    positions = PhraseMatcher.compile(word, wordsOnly);
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("concept '" + e.getKey() + "', word '" + word + "': "
                            + x.getMessage(), x);
                }
                if (positions.length != 1 || positions[0] == null || positions[0].length != 1) {
                    throw new IllegalArgumentException("concept '" + e.getKey() + "', word '" + word
                            + "': must be one word");
                }
                stems[i] = positions[0][0];
            }
            compiled.put(e.getKey(), stems);
        }
        this.concepts = Map.copyOf(compiled);
    }

    private Vocabulary(WordStemmer stemmer) {
        this.stemmer = stemmer;
        this.concepts = Map.of();
    }

    WordStemmer stemmer() {
        return stemmer;
    }

    /**
     * @param reference {@code @name} as written in a phrase
     * @return the concept's compiled words
     * @throws IllegalArgumentException for a concept the rule file does not define
     */
    String[] concept(String reference) {
        String[] words = concepts.get(reference.substring(CONCEPT.length()));
        if (words == null) {
            throw new IllegalArgumentException("unknown concept '" + reference + "'");
        }
        return words;
    }
}
