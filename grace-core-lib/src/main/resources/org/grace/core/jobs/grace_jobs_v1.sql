-- Grace job processing, schema version 1.
-- Every statement is idempotent (IF NOT EXISTS) so JobsSchema.migrate can run on every start-up of every instance.
-- To run it from Flyway instead, copy this file into your migrations under a version of your own
-- (for example V7__grace_jobs.sql); running it twice does no harm.

CREATE TABLE IF NOT EXISTS grace_jobs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue            text        NOT NULL DEFAULT 'default',
    type             text        NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    priority         integer     NOT NULL DEFAULT 0,
    run_at           timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    last_error       text,
    lease_owner      text,
    lease_expires_at timestamptz,
    idempotency_key  text UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz
);

-- The claim: pending jobs of one queue, highest priority first, then oldest run_at. Partial, so it only holds
-- the rows that can still be claimed and stays small however many completed rows the retention keeps.
CREATE INDEX IF NOT EXISTS grace_jobs_claim_idx
    ON grace_jobs (queue, priority DESC, run_at, id) WHERE status = 'pending';

-- The reaper: running jobs whose lease expired (their instance died or the job exceeded its timeout).
CREATE INDEX IF NOT EXISTS grace_jobs_lease_idx
    ON grace_jobs (lease_expires_at) WHERE status = 'running';

-- Retention cleanup and throughput: finished rows by completion time.
CREATE INDEX IF NOT EXISTS grace_jobs_finished_idx
    ON grace_jobs (finished_at) WHERE status IN ('completed', 'cancelled');

-- The operations API's list of failures.
CREATE INDEX IF NOT EXISTS grace_jobs_failed_idx
    ON grace_jobs (finished_at DESC) WHERE status = 'failed';

-- Recurring jobs: one row per schedule name. The instance that locks the row (FOR UPDATE SKIP LOCKED) when
-- next_run_at is due inserts that occurrence's job and moves next_run_at on, in one transaction.
CREATE TABLE IF NOT EXISTS grace_job_schedules (
    name         text PRIMARY KEY,
    schedule     text        NOT NULL,
    type         text        NOT NULL,
    queue        text        NOT NULL,
    payload      jsonb       NOT NULL,
    priority     integer     NOT NULL DEFAULT 0,
    max_attempts integer     NOT NULL CHECK (max_attempts >= 1),
    next_run_at  timestamptz NOT NULL,
    last_run_at  timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
