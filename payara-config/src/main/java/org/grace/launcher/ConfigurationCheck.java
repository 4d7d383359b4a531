package org.grace.launcher;

import java.util.List;
import java.util.Map;
import org.grace.settings.Settings;

/**
 * The pre-flight check of an instance's settings, before Payara Micro boots: a bad setting stops start-up with one
 * line naming the variable and what is wrong, not a deployment stack trace or a healthy instance that fails its first
 * requests. It is the application's own validation ({@link Settings}) run on the environment, so the launcher and
 * the deployed WAR (which checks again when deployed by other means) refuse the same values with the same words.
 */
public final class ConfigurationCheck {
    private ConfigurationCheck() {
    }

    /**
     * One message per bad setting; empty when all is well. A missing {@code GRACE_DB_URL} is not a problem here: the
     * launcher then starts the embedded PostgreSQL (development) or says that it will not (other profiles).
     */
    public static List<String> problems(Map<String, String> env) {
        return new Settings(Settings.Source.environment(env)).problems().stream()
                .filter(p -> !p.startsWith(Settings.DB_URL_NOT_SET))
                .toList();
    }
}
