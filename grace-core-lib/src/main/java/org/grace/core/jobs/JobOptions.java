package org.grace.core.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.grace.core.SettingChecks;

/**
 * How to enqueue one job: when (a delay or an absolute run-at time), how urgent, how many attempts, on which
 * queue, and an optional idempotency key. Immutable; {@link #DEFAULTS} runs at once on the default queue.
 */
public final class JobOptions {
    /** The queue used when none is given. */
    public static final String DEFAULT_QUEUE = "default";

    /** Longest accepted idempotency key: keys are meant to be ids, not documents. */
    public static final int MAX_KEY_LENGTH = 500;

    /** Run now on the default queue, priority 0, the instance's default attempts, no key. */
    public static final JobOptions DEFAULTS = builder().build();

    private final Duration delay;
    private final Instant runAt;
    private final int priority;
    private final Integer maxAttempts;
    private final String idempotencyKey;
    private final String queue;

    private JobOptions(Builder b) {
        this.delay = b.delay;
        this.runAt = b.runAt;
        this.priority = b.priority;
        this.maxAttempts = b.maxAttempts;
        this.idempotencyKey = b.idempotencyKey;
        this.queue = b.queue;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shortcut for {@code builder().queue(queue).build()}. */
    public static JobOptions onQueue(String queue) {
        return builder().queue(queue).build();
    }

    /** Delay after the database's now() at enqueue, or null when an absolute run-at or "now" was asked. */
    public Duration delay() {
        return delay;
    }

    public Instant runAt() {
        return runAt;
    }

    public int priority() {
        return priority;
    }

    /** Null means the {@link Jobs} instance's default. */
    public Integer maxAttempts() {
        return maxAttempts;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public String queue() {
        return queue;
    }

    @Override
    public String toString() {
        return "JobOptions[queue=" + queue + ", delay=" + delay + ", runAt=" + runAt + ", priority=" + priority
                + ", maxAttempts=" + maxAttempts + ", idempotencyKey=" + idempotencyKey + "]";
    }

    public static final class Builder {
        private Duration delay;
        private Instant runAt;
        private int priority;
        private Integer maxAttempts;
        private String idempotencyKey;
        private String queue = DEFAULT_QUEUE;

        private Builder() {
        }

        /** Run this long after enqueue, measured on the database clock (instance clock skew does not matter). */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay must not be null");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, got " + delay);
            }
            this.delay = delay;
            this.runAt = null;
            return this;
        }

        /** Run at this instant (or at once, when it is in the past). */
        public Builder runAt(Instant runAt) {
            this.runAt = Objects.requireNonNull(runAt, "runAt must not be null");
            this.delay = null;
            return this;
        }

        /** Higher runs first among due jobs of a queue; default 0. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = SettingChecks.atLeast(maxAttempts, 1, "maxAttempts");
            return this;
        }

        /**
         * A second enqueue with the same key (while the first row exists, that is until the retention deletes it)
         * creates nothing and returns the first job's id.
         */
        public Builder idempotencyKey(String key) {
            Objects.requireNonNull(key, "idempotencyKey must not be null");
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("idempotencyKey must be 1-" + MAX_KEY_LENGTH
                        + " characters, got " + key.length());
            }
            this.idempotencyKey = key;
            return this;
        }

        public Builder queue(String queue) {
            this.queue = JobsConfig.requireName(queue, "queue");
            return this;
        }

        public JobOptions build() {
            return new JobOptions(this);
        }
    }
}
