package org.grace.webapp.library;

import org.grace.core.jobs.Jobs;

/**
 * The job types of one feature of the application: its handlers and recurring schedules. Every CDI bean that
 * implements this is asked, once, to register on the instance's job system while {@link GraceLibrary} builds it,
 * so a feature package (reminders, escalation, out-of-app delivery, retention) brings its own background work
 * without the library adapter knowing it.
 *
 * <p>Handlers registered here run on every instance whose workers run; they may inject the {@code Jobs} proxy to
 * enqueue follow-up work, since they are only called once the job system exists.
 */
public interface JobTypes {
    void registerOn(Jobs.Builder jobs);
}
