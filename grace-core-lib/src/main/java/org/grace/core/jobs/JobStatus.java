package org.grace.core.jobs;

import java.util.Locale;

/** Where a job is in its life. Stored in lower case in the {@code status} column. */
public enum JobStatus {
    /** Waiting for its run-at time and a free worker. */
    PENDING,
    /** Claimed by an instance that holds a lease on it. */
    RUNNING,
    /** The handler returned normally. Deleted after the retention period. */
    COMPLETED,
    /** Out of attempts, or permanently broken (unknown type, unreadable payload). Kept until retried. */
    FAILED,
    /** Cancelled while pending. Deleted after the retention period. */
    CANCELLED;

    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static JobStatus fromColumn(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
