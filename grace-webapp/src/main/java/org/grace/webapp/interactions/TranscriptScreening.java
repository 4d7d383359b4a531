package org.grace.webapp.interactions;

import java.util.Optional;
import org.grace.webapp.incidents.Finding;

/**
 * What the detection job asks of incident detection: the finding to record for a transcript, or empty when it
 * describes no incident. Implemented over the rule-based detector ({@code incidents.detection}).
 */
public interface TranscriptScreening {
    Optional<Finding> screen(String transcript);
}
