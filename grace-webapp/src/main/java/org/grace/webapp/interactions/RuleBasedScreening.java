package org.grace.webapp.interactions;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.grace.webapp.incidents.Finding;
import org.grace.webapp.incidents.detection.CategoryFinding;
import org.grace.webapp.incidents.detection.DetectionResult;
import org.grace.webapp.incidents.detection.IncidentCategory;
import org.grace.webapp.incidents.detection.IncidentDetector;
import org.grace.webapp.incidents.detection.RuleSet;
import org.grace.webapp.settings.GraceSettings;

/**
 * The detection job's screening with the rule-based detector and the bundled rules, recording an incident at
 * {@code GRACE_DETECTION_MIN_CONFIDENCE} (default 0.6) and above. The detector is built once per instance, at first
 * use; it is immutable and safe for the job threads to share.
 */
@ApplicationScoped
public class RuleBasedScreening implements TranscriptScreening {
    private static final Logger LOG = Logger.getLogger(RuleBasedScreening.class.getName());

    @Inject
    GraceSettings settings;

    private volatile IncidentDetector detector;

    @Override
    public Optional<Finding> screen(String transcript) {
        DetectionResult result = detector().detect(transcript);
        if (!result.incidentDetected()) {
            return Optional.empty();
        }
        List<String> categories = result.categories().stream().map(IncidentCategory::wireName).toList();
        return Optional.of(new Finding(categories, result.matchedPhrases(), result.severity().wireName(),
                result.confidence(), summary(result), result.suggestedActions(), result.ruleSetVersion()));
    }

    /** "Possible fall injury (fell, on the floor); medical emergency (can't breathe)". */
    static String summary(DetectionResult result) {
        StringBuilder sb = new StringBuilder("Possible ");
        for (CategoryFinding f : result.findings()) {
            if (sb.length() > "Possible ".length()) {
                sb.append("; ");
            }
            sb.append(f.category().wireName().replace('_', ' '));
            if (!f.matchedPhrases().isEmpty()) {
                sb.append(" (").append(String.join(", ", f.matchedPhrases())).append(')');
            }
        }
        return sb.length() > 1000 ? sb.substring(0, 997) + "..." : sb.toString();
    }

    private IncidentDetector detector() {
        IncidentDetector d = detector;
        if (d == null) {
            synchronized (this) {
                if (detector == null) {
                    double min = settings.detectionMinConfidence();
                    detector = IncidentDetector.create(RuleSet.bundled(), min);
                    LOG.info(() -> "grace: incident detection with rules " + detector.ruleSet().version()
                            + ", recording at confidence " + min + " and above");
                }
                d = detector;
            }
        }
        return d;
    }
}
