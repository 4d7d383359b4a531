package org.grace.webapp.incidents.detection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A versioned set of detection rules with the cues and numbers they were tuned with, read from JSON. The webapp ships
 * one ({@link #bundled()}); an operator or the database can supply another version as a file or stream without a code
 * change. The format is described in docs/care.md ("Incident detection"); the bundled file is the worked example.
 *
 * <p>Loading validates everything the detector relies on and fails with a {@link RuleSetException} naming the source,
 * the rule and the field, so a bad file is refused at start rather than detecting nothing quietly.
 */
public final class RuleSet {
    /** The class-path resource of the rules that ship with Grace. */
    public static final String BUNDLED_RESOURCE = "/org/grace/webapp/incidents/detection/rules.json";

    /** A rule file larger than this is refused: the bundled one is about 30 KiB. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private final String source;
    private final String version;
    private final DetectionTuning tuning;
    private final LanguageCues cues;
    private final Map<String, List<String>> concepts;
    private final List<DetectionRule> rules;

    RuleSet(String source, String version, DetectionTuning tuning, LanguageCues cues,
            Map<String, List<String>> concepts, List<DetectionRule> rules) {
        this.source = source;
        this.version = version;
        this.tuning = tuning;
        this.cues = cues;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        concepts.forEach((name, words) -> copy.put(name, List.copyOf(words)));
        this.concepts = Collections.unmodifiableMap(copy);
        this.rules = List.copyOf(rules);
    }

    /** The rules that ship with Grace. */
    public static RuleSet bundled() {
        try (InputStream in = RuleSet.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new RuleSetException("bundled rule file " + BUNDLED_RESOURCE + " is missing from the class path");
            }
            return load(in, "classpath:" + BUNDLED_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
        }
    }

    /** Reads a rule file. */
    public static RuleSet load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new RuleSetException("rule file " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads rules from a stream (a database column, an upload); the stream is read to its end, not closed.
     *
     * @param sourceName names the rules in error messages, e.g. the file name or "rule_sets row 3"
     */
    public static RuleSet load(InputStream in, String sourceName) {
        try {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new RuleSetException("rule file " + sourceName + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(new String(bytes, StandardCharsets.UTF_8), sourceName);
        } catch (IOException e) {
            throw new RuleSetException("rule file " + sourceName + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads rules from JSON text. */
    public static RuleSet parse(String json, String sourceName) {
        return new RuleSetParser(sourceName).parse(json);
    }

    /** Where the rules came from, as given when loading. */
    public String source() {
        return source;
    }

    /** The version written in the file; every detection result carries it. */
    public String version() {
        return version;
    }

    public DetectionTuning tuning() {
        return tuning;
    }

    public LanguageCues cues() {
        return cues;
    }

    /**
     * The named lexicons that phrases refer to as {@code @name}, in file order: each a list of words that mean the
     * same thing for detection.
     */
    public Map<String, List<String>> concepts() {
        return concepts;
    }

    public List<DetectionRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return "RuleSet[" + version + " from " + source + ", " + rules.size() + " rules]";
    }
}
