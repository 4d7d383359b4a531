package org.grace.webapp.interactions;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.jobs.JobContext;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.incidents.Finding;
import org.grace.webapp.incidents.IncidentAlerts;
import org.grace.webapp.library.JobTypes;

/**
 * The job that screens a stored interaction for incidents. It is enqueued in the transaction that stores the
 * interaction (so one never exists without the other) and runs on any instance's workers. It may run more than once
 * for the same interaction (at-least-once jobs); {@link IncidentAlerts#recordDetected} makes the second run write
 * nothing, by the unique {@code incidents.interaction_id}.
 */
@ApplicationScoped
public class DetectIncidentsJob implements JobTypes {
    public static final String TYPE = "detect-incidents";
    private static final Logger LOG = Logger.getLogger(DetectIncidentsJob.class.getName());

    /** The job's payload. */
    public record Payload(long interactionId) {
    }

    @Inject
    DataSource dataSource;
    /** An Instance so that the application deploys (and fails only this job, loudly) without a detector. */
    @Inject
    jakarta.enterprise.inject.Instance<TranscriptScreening> screening;
    @Inject
    IncidentAlerts alerts;

    @Override
    public void registerOn(Jobs.Builder jobs) {
        jobs.handler(TYPE, Payload.class, this::run);
    }

    void run(Payload payload, JobContext context) {
        long id = payload.interactionId();
        Optional<String> text = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                "SELECT text FROM interactions WHERE id = ?", List.of(id), rs -> rs.getString(1)));
        if (text.isEmpty()) {
            LOG.warning("grace: " + TYPE + " job " + context.jobId() + ": interaction " + id + " does not exist");
            return;
        }
        if (!screening.isResolvable()) {
            throw new IllegalStateException("no incident detector is deployed (no TranscriptScreening bean); "
                    + "interaction " + id + " stays unscreened until one is");
        }
        Optional<Finding> finding = screening.get().screen(text.get());
        if (finding.isPresent()) {
            alerts.recordDetected(id, finding.get());
        } else {
            alerts.recordNothingDetected(id);
        }
    }
}
