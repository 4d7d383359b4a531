package org.grace.webapp.reminders;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.grace.webapp.settings.GraceSettings;

/** Reminder settings from MicroProfile Config; a bad value stops the deployment with one line. */
@ApplicationScoped
public class ReminderSettings {
    /** The issue: an occurrence not marked done 30 minutes after it was due raises its alert. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(30);

    @Inject
    GraceSettings settings;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(this::gracePeriod);
    }

    /** How long after its due time an occurrence may stay not done before the care manager is alerted. */
    public Duration gracePeriod() {
        return settings.duration("grace.reminders.grace-period", "GRACE_REMINDERS_GRACE_PERIOD", DEFAULT_GRACE_PERIOD);
    }
}
