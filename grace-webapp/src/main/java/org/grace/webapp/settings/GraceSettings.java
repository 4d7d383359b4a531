package org.grace.webapp.settings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.grace.settings.Settings;

/**
 * The instance's settings as a CDI bean: {@link Settings} (every setting, its default, its bounds and its one-line
 * error, shared with the launcher's pre-flight check) read through MicroProfile Config, so {@code GRACE_DB_URL} in the
 * environment is {@code grace.db.url}.
 */
@ApplicationScoped
public class GraceSettings extends Settings {

    @Inject
    public GraceSettings(Config config) {
        super(property -> config.getOptionalValue(property, String.class));
    }

    /** For CDI's proxy and for tests that override single settings. */
    protected GraceSettings() {
    }
}
