package org.grace.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grace.core.postgres.PostgresUrl;
import org.grace.core.redis.RedisUrl;

/**
 * The pre-flight check of an instance's settings, before Payara Micro boots: a malformed setting stops start-up
 * with one line naming the variable and what is wrong, not a deployment stack trace. The application checks the
 * same settings again when deployed by other means.
 */
public final class ConfigurationCheck {
    private ConfigurationCheck() {
    }

    /** One message per bad setting; empty when all is well. */
    public static List<String> problems(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String db = env.get("GRACE_DB_URL");
        if (db != null) {
            try {
                PostgresUrl.parse(db);
            } catch (IllegalArgumentException e) {
                problems.add("GRACE_DB_URL " + e.getMessage());
            }
        }
        String redis = env.get("GRACE_REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            try {
                RedisUrl.parse(redis);
            } catch (IllegalArgumentException e) {
                problems.add("GRACE_REDIS_URL " + e.getMessage());
            }
        }
        String instances = env.get("GRACE_INSTANCES");
        if (instances != null) {
            try {
                if (Integer.parseInt(instances.trim()) < 1) {
                    problems.add("GRACE_INSTANCES must be at least 1, got '" + instances + "'");
                }
            } catch (NumberFormatException e) {
                problems.add("GRACE_INSTANCES is not a number: '" + instances + "'");
            }
        }
        return problems;
    }
}
