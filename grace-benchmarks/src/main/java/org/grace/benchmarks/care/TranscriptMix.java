package org.grace.benchmarks.care;

import java.util.List;

/**
 * The transcripts the ingestion benchmark posts, in turn: half that the bundled rules turn into an incident (with the
 * severity they were labelled with, which decides who is notified) and half that they must not. Written for this
 * benchmark; the labels are what the detector of rules {@code 2026-12-01.2} answers for each text (the double dose
 * matches three medication-error phrases, several high signals, so it is raised to critical), and the benchmark
 * reports any transcript whose outcome differs (another severity, an incident for a negative, none for a positive).
 */
final class TranscriptMix {
    /** One transcript and the severity its incident must have, or {@code null} for "no incident". */
    record Transcript(String text, String severity) {
        boolean alerting() {
            return severity != null;
        }
    }

    static final List<Transcript> TRANSCRIPTS = List.of(
            new Transcript("Resident: I fell over in the bathroom this morning and banged my head on the sink.",
                    "high"),
            new Transcript("Resident: the soup at lunch was lovely, I had two bowls and a cup of tea.", null),
            new Transcript("Staff: found Mrs Patel on the floor beside her bed, she had fallen and hit her head, "
                    + "there is blood everywhere.", "critical"),
            new Transcript("Resident: my daughter is coming on Sunday with the grandchildren, we might go to the "
                    + "garden centre.", null),
            new Transcript("Resident: I am so frightened at night, I can't stop crying and I feel hopeless.", "medium"),
            new Transcript("Staff: helped her with the crossword after breakfast, she was chatty and in good spirits.",
                    null),
            new Transcript("Resident: my chest is so tight and I can't breathe properly, please get someone.",
                    "critical"),
            new Transcript("Grace: Good morning! Would you like to hear the weather?\nResident: yes please, is it "
                    + "going to rain later?", null),
            new Transcript("Staff: he was given his evening tablets twice, the night carer gave them again at ten.",
                    "critical"),
            new Transcript("Resident: no, I didn't fall, I'm fine thank you, just a bit tired today.", null));

    private TranscriptMix() {
    }

    static Transcript at(int n) {
        return TRANSCRIPTS.get(Math.floorMod(n, TRANSCRIPTS.size()));
    }
}
