package org.grace.webapp.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import org.grace.settings.InvalidSettingException;
import org.grace.webapp.settings.GraceSettings;

/**
 * The e-mail channel's settings ({@code GRACE_MAIL_*}, read through MicroProfile Config like every other setting).
 * Without {@code GRACE_MAIL_HOST} the channel is off and one log line at start-up says so; a bad value stops the
 * deployment with one line naming the variable, as the rest of the settings do.
 */
@ApplicationScoped
public class MailSettings {
    private static final Logger LOG = Logger.getLogger(MailSettings.class.getName());
    /** The submission port (RFC 6409), where providers expect authenticated clients with STARTTLS. */
    public static final int DEFAULT_PORT = 587;
    /** An SMTP server that has not answered in 10 s will not; the job retries later instead of holding a worker. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** With the library's backoff (1 s doubling, half jittered) ten attempts span about 15 minutes of SMTP trouble. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    /** How the connection to the SMTP server is protected. */
    public enum Tls {
        /** Plain connection upgraded with STARTTLS, which must succeed (port 587). */
        STARTTLS,
        /** TLS from the first byte (port 465). */
        SSL,
        /** No encryption: only for a relay on the same host or a test server. */
        NONE
    }

    @Inject
    GraceSettings settings;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(() -> {
            if (host().isEmpty()) {
                LOG.info("grace: e-mail delivery off (GRACE_MAIL_HOST not set); alerts stay in the app");
                return;
            }
            port();
            tls();
            from();
            timeout();
            maxAttempts();
            if (user().isPresent() != password().isPresent()) {
                throw new InvalidSettingException("GRACE_MAIL_USER and GRACE_MAIL_PASSWORD go together; only one is set");
            }
            LOG.info(() -> "grace: e-mail delivery on through " + host().get() + ":" + port() + " (" + tls() + ")");
        });
    }

    public Optional<String> host() {
        return optional("grace.mail.host");
    }

    public int port() {
        return settings.integer("grace.mail.port", "GRACE_MAIL_PORT", DEFAULT_PORT, 1, 65535);
    }

    public Tls tls() {
        String raw = settings.string("grace.mail.tls", "starttls").trim();
        try {
            return Tls.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("GRACE_MAIL_TLS must be starttls, ssl or none, got '" + raw + "'");
        }
    }

    public Optional<String> user() {
        return optional("grace.mail.user");
    }

    public Optional<String> password() {
        return optional("grace.mail.password");
    }

    /** The sender address; required once a host is set. */
    public String from() {
        String from = optional("grace.mail.from").orElseThrow(() -> new InvalidSettingException(
                "GRACE_MAIL_FROM is not set; e-mail needs a sender address such as alerts@care-home.example"));
        if (!from.matches("[^@\\s]+@[^@\\s]+") && !from.matches(".*<[^@\\s>]+@[^@\\s>]+>\\s*")) {
            throw new InvalidSettingException("GRACE_MAIL_FROM is not an e-mail address: '" + from + "'");
        }
        return from;
    }

    public Duration timeout() {
        return settings.duration("grace.mail.timeout", "GRACE_MAIL_TIMEOUT", DEFAULT_TIMEOUT);
    }

    public int maxAttempts() {
        return settings.integer("grace.mail.max-attempts", "GRACE_MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 100);
    }

    private Optional<String> optional(String name) {
        String value = settings.string(name, "");
        return value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
