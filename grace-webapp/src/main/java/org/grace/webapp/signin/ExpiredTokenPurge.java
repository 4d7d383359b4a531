package org.grace.webapp.signin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import org.grace.core.jobs.Jobs;
import org.grace.core.jobs.Schedule;
import org.grace.webapp.auth.RevokedTokens;
import org.grace.webapp.library.JobTypes;

/**
 * The hourly clean-up of sign-in state past its expiry: refresh tokens and the logout denials of access tokens.
 * A recurring job on the shared job system, so one instance of the fleet runs it each hour, not every instance.
 */
@ApplicationScoped
public class ExpiredTokenPurge implements JobTypes {
    private static final Logger LOG = Logger.getLogger(ExpiredTokenPurge.class.getName());
    /** Job type, and name of its recurring schedule. */
    public static final String PURGE_EXPIRED_TOKENS = "purge-expired-tokens";

    @Inject
    RefreshTokens refreshTokens;
    @Inject
    RevokedTokens revokedTokens;

    @Override
    public void registerOn(Jobs.Builder jobs) {
        jobs.handler(PURGE_EXPIRED_TOKENS, Map.class, (payload, ctx) -> {
                    int refresh = refreshTokens.purgeExpired();
                    int denied = revokedTokens.purgeExpired();
                    LOG.fine(() -> "grace: purged " + refresh + " refresh tokens and " + denied + " denied tokens");
                })
                .recurring(PURGE_EXPIRED_TOKENS, Schedule.every(Duration.ofHours(1)), PURGE_EXPIRED_TOKENS, Map.of());
    }
}
