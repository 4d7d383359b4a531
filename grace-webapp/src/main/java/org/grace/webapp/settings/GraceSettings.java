package org.grace.webapp.settings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.grace.settings.InvalidSettingException;
import org.grace.settings.Settings;

/**
 * The instance's settings as a CDI bean: {@link Settings} (every setting, its default, its bounds and its one-line
 * error, shared with the launcher's pre-flight check) read through MicroProfile Config, so {@code GRACE_DB_URL} in the
 * environment is {@code grace.db.url}.
 */
@ApplicationScoped
public class GraceSettings extends Settings {
    private static final Logger LOG = Logger.getLogger(GraceSettings.class.getName());

    @Inject
    public GraceSettings(Config config) {
        super(property -> config.getOptionalValue(property, String.class));
    }

    /** For CDI's proxy and for tests that override single settings. */
    protected GraceSettings() {
    }

    /**
     * Runs {@code reads} (a feature reading its settings when the application starts) so that a bad value stops the
     * deployment: its one line is logged as every configuration error is, and the exception goes on to stop it.
     */
    public static void readAtStart(Runnable reads) {
        try {
            reads.run();
        } catch (InvalidSettingException e) {
            LOG.severe("grace: configuration error: " + e.getMessage());
            throw e;
        }
    }
}
