package org.grace.webapp.incidents.detection;

import java.util.Map;

/**
 * A deliberately small suffix stripper for English, so that "falls", "falling" and (through the rule file's table of
 * irregular forms) "fell" and "fallen" all reduce to one stem. It only has to be consistent, not linguistically
 * right: rule phrases and transcript words go through the same instance, so "refuse", "refused" and "refusing" meet
 * at "refus". Guards on the remaining length keep short words ("bed", "being", "was") intact.
 */
final class WordStemmer {
    private final Map<String, String> irregularForms;

    /** @param irregularForms normalised word to its base form, e.g. fell to fall; the base form is then stemmed */
    WordStemmer(Map<String, String> irregularForms) {
        this.irregularForms = Map.copyOf(irregularForms);
    }

    /** @param word lower-case, accents removed, apostrophes as {@code '} */
    String stem(String word) {
        String w = word;
        if (w.endsWith("'s") && w.length() > 2) {
            w = w.substring(0, w.length() - 2);
        }
        String base = irregularForms.get(w);
        if (base != null) {
            w = base;
        }
        if (w.indexOf('\'') >= 0) {
            return w; // contractions (didn't, can't, i'm) are cues, kept whole
        }
        int n = w.length();
        if (n > 4 && w.endsWith("ies")) {
            w = w.substring(0, n - 3) + "y";
        } else if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, n - 1);
        }
        n = w.length();
        if (n > 4 && w.endsWith("ied")) {
            w = w.substring(0, n - 3) + "y";
        } else if (w.endsWith("eed")) {
            // bleed, need, feed: the "ed" is part of the word
        } else if (n >= 5 && w.endsWith("ed")) {
            w = undouble(w.substring(0, n - 2));
        } else if (n >= 6 && w.endsWith("ing")) {
            w = undouble(w.substring(0, n - 3));
        } else if (n >= 7 && (w.endsWith("ion") || w.endsWith("ive"))) {
            w = w.substring(0, n - 3);
        }
        n = w.length();
        if (n > 3 && w.endsWith("e")) {
            w = w.substring(0, n - 1);
        }
        if (w.endsWith("iz")) {
            w = w.substring(0, w.length() - 1) + "s"; // recognize and recognise meet
        }
        return w;
    }

    /** hitt to hit, slipp to slip; fall, miss and buzz keep their double letter. */
    private static String undouble(String w) {
        int n = w.length();
        if (n >= 3) {
            char last = w.charAt(n - 1);
            if (last == w.charAt(n - 2) && "aeiouylsz".indexOf(last) < 0) {
                return w.substring(0, n - 1);
            }
        }
        return w;
    }
}
