-- Care reminders and their occurrences, out-of-app delivery (channel choices, the messages sent) and the record of
-- retention runs. Built on V3's residents, users and notifications.

-- Per resident: what to do (medication, a meal, ...), when (schedule in the facility's time zone) and who is told.
-- schedule is {"times": ["08:00"], "weekdays": ["MON"]} or {"cron": "0 8 * * MON-FRI"} (ReminderSchedule).
-- version changes with every edit: an occurrence job of an older version is stale and does nothing.
CREATE TABLE care_reminders (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id   BIGINT      NOT NULL,
    resident_id       BIGINT      NOT NULL,
    kind              TEXT        NOT NULL CHECK (kind IN ('medication', 'meal', 'hydration', 'personal_care',
                                                           'appointment')),
    text              TEXT        NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    schedule          JSONB       NOT NULL,
    assigned_role     TEXT        CHECK (assigned_role IN ('facility_director', 'care_manager', 'care_staff')),
    assigned_user_ids BIGINT[]    NOT NULL DEFAULT '{}',
    active            BOOLEAN     NOT NULL DEFAULT true,
    version           INT         NOT NULL DEFAULT 1,
    created_by        BIGINT      REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (assigned_role IS NOT NULL OR cardinality(assigned_user_ids) > 0),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX care_reminders_resident_idx ON care_reminders (resident_id, id);

-- One row per due occurrence that was delivered. The unique (reminder, due time) is what makes a second delivery of
-- the same occurrence impossible, whichever instance or job run tries it.
CREATE TABLE reminder_occurrences (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    reminder_id     BIGINT      NOT NULL REFERENCES care_reminders (id) ON DELETE CASCADE,
    due_at          TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_by    TEXT        NOT NULL,
    recipients      INT         NOT NULL,
    done_at         TIMESTAMPTZ,
    done_by         BIGINT      REFERENCES users (id),
    missed_alert_at TIMESTAMPTZ,
    UNIQUE (reminder_id, due_at)
);
CREATE INDEX reminder_occurrences_open_idx ON reminder_occurrences (reminder_id, due_at DESC);

-- Which out-of-app channels a user wants. No row: the channel's default (on), so a new care manager gets critical
-- alerts by e-mail without setting anything up.
CREATE TABLE user_delivery_channels (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel    TEXT        NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    enabled    BOOLEAN     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, channel)
);

-- Every message that leaves the platform, one per recipient per channel; its delivery job carries only the id.
-- (channel, user, dedupe key) unique: a retried writer queues no second message.
CREATE TABLE outbound_messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    user_id         BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT        NOT NULL,
    address         TEXT        NOT NULL CHECK (length(address) BETWEEN 1 AND 320),
    subject         TEXT        NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body            TEXT        NOT NULL CHECK (length(body) <= 10000),
    dedupe_key      TEXT        NOT NULL CHECK (length(dedupe_key) <= 200),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INT         NOT NULL DEFAULT 0,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    UNIQUE (channel, user_id, dedupe_key)
);
CREATE INDEX outbound_messages_unsent_idx ON outbound_messages (created_at) WHERE sent_at IS NULL;

-- One row per occurrence of a retention job that did its work: inserted in the transaction that deletes, so an
-- occurrence deletes once however many instances or runs take it.
CREATE TABLE retention_runs (
    occurrence  TEXT        PRIMARY KEY,
    job         TEXT        NOT NULL,
    instance    TEXT        NOT NULL,
    deleted     INT         NOT NULL,
    cutoff      TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
