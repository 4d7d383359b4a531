package org.grace.webapp.escalation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.grace.webapp.settings.GraceSettings;

/** The escalation policy's timing, from MicroProfile Config; a bad value stops the deployment with one line. */
@ApplicationScoped
public class EscalationSettings {
    /** The issue: a high or critical incident unacknowledged for 15 minutes escalates. */
    public static final Duration DEFAULT_AFTER = Duration.ofMinutes(15);
    /** The issue: then again every 15 minutes. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
    /**
     * Director, organisation admins, then everyone above the floor twice more: an hour of escalation. Past that an
     * unacknowledged incident is an operational failure no further message fixes, and repeats only teach people to
     * ignore the messages.
     */
    public static final int DEFAULT_MAX_STEPS = 4;

    @Inject
    GraceSettings settings;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(() -> {
            after();
            interval();
            maxSteps();
        });
    }

    /** From detection to the first escalation step. */
    public Duration after() {
        return settings.duration("grace.escalation.after", "GRACE_ESCALATION_AFTER", DEFAULT_AFTER);
    }

    /** Between two escalation steps. */
    public Duration interval() {
        return settings.duration("grace.escalation.interval", "GRACE_ESCALATION_INTERVAL", DEFAULT_INTERVAL);
    }

    /** How many steps at most (the first included). */
    public int maxSteps() {
        return settings.integer("grace.escalation.max-steps", "GRACE_ESCALATION_MAX_STEPS", DEFAULT_MAX_STEPS, 1, 20);
    }
}
