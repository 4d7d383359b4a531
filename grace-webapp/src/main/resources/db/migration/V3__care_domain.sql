-- The care domain: care homes (facilities), the staff who work in them, their residents and next of kin, the
-- companion devices in residents' rooms, the conversations those devices (or staff) submit, the incidents detected
-- in them, the notifications sent to staff, and an append-only alert log.
--
-- Every row carries its organisation. Where a row points at another organisation-owned row, the foreign key is
-- composite (organization_id, id), so the database itself refuses a resident in another organisation's facility or
-- a family link to another organisation's user, whatever the application does.

-- users(organization_id, id) is unique already (id is); the index lets composite foreign keys point at it.
CREATE UNIQUE INDEX users_organization_id_key ON users (organization_id, id);

CREATE TABLE facilities (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL REFERENCES organizations (id),
    name            TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- IANA zone of the home: "resolved today", reminders and the pages' times are in it.
    time_zone       TEXT        NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
    address         TEXT        CHECK (length(address) <= 500),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE UNIQUE INDEX facilities_name_key ON facilities (organization_id, lower(name));

-- Which staff work in which facility (one user may work in several). Family users are never members.
CREATE TABLE facility_staff (
    organization_id BIGINT      NOT NULL,
    facility_id     BIGINT      NOT NULL,
    user_id         BIGINT      NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (facility_id, user_id),
    FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX facility_staff_user_idx ON facility_staff (user_id, facility_id);

CREATE TABLE residents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    facility_id     BIGINT      NOT NULL,
    full_name       TEXT        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    preferred_name  TEXT        CHECK (length(preferred_name) <= 100),
    room            TEXT        CHECK (length(room) <= 50),
    date_of_birth   DATE,
    notes           TEXT        CHECK (length(notes) <= 4000),
    status          TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'discharged')),
    discharged_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id)
);
CREATE INDEX residents_facility_idx ON residents (facility_id, id);
CREATE INDEX residents_organization_idx ON residents (organization_id, id);

-- Next of kin: a family user linked to a resident, with how they are related ("daughter", "husband").
CREATE TABLE family_links (
    organization_id BIGINT      NOT NULL,
    resident_id     BIGINT      NOT NULL,
    user_id         BIGINT      NOT NULL,
    relationship    TEXT        NOT NULL CHECK (length(relationship) BETWEEN 1 AND 100),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (resident_id, user_id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX family_links_user_idx ON family_links (user_id, resident_id);

-- The tablet or speaker in a room. Its credential is 256 random bits shown once at creation; only its SHA-256 is
-- kept (a fast hash is enough for a random secret, as for refresh tokens). Revoked devices stay for the record.
CREATE TABLE companion_devices (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    facility_id     BIGINT      NOT NULL,
    resident_id     BIGINT,
    name            TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    credential_hash BYTEA       NOT NULL UNIQUE,
    -- The first characters of the credential, so staff can tell which one a device holds without the secret.
    credential_hint TEXT        NOT NULL,
    created_by      BIGINT      REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    revoked_by      BIGINT      REFERENCES users (id),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id)
);
CREATE INDEX companion_devices_facility_idx ON companion_devices (facility_id, id);

-- A conversation or care note submitted for a resident. Detection runs on it as a job enqueued in the same
-- transaction as this row; detected_at says the job has run (with or without an incident).
CREATE TABLE interactions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    facility_id     BIGINT      NOT NULL,
    resident_id     BIGINT      NOT NULL,
    text            TEXT        NOT NULL CHECK (octet_length(text) BETWEEN 1 AND 65536),
    -- [{"speaker": "resident", "text": "..."}, ...] when the source knows who said what.
    turns           JSONB,
    started_at      TIMESTAMPTZ NOT NULL,
    location        TEXT        CHECK (length(location) <= 200),
    source          TEXT        NOT NULL CHECK (source IN ('device', 'staff')),
    device_id       BIGINT,
    submitted_by    BIGINT      REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    detected_at     TIMESTAMPTZ,
    CHECK ((source = 'device') = (device_id IS NOT NULL)),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id),
    FOREIGN KEY (organization_id, device_id) REFERENCES companion_devices (organization_id, id)
);
CREATE INDEX interactions_resident_idx ON interactions (resident_id, id DESC);

CREATE TABLE incidents (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id   BIGINT       NOT NULL,
    facility_id       BIGINT       NOT NULL,
    resident_id       BIGINT       NOT NULL,
    -- At most one incident per interaction: what makes a second run of the detection job a no-op.
    interaction_id    BIGINT       UNIQUE,
    source            TEXT         NOT NULL CHECK (source IN ('detected', 'reported')),
    categories        TEXT[]       NOT NULL CHECK (cardinality(categories) >= 1),
    matched_phrases   TEXT[]       NOT NULL DEFAULT '{}',
    severity          TEXT         NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    confidence        NUMERIC(4, 3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    summary           TEXT         NOT NULL CHECK (length(summary) BETWEEN 1 AND 1000),
    suggested_actions TEXT[]       NOT NULL DEFAULT '{}',
    rules_version     TEXT,
    reported_by       BIGINT       REFERENCES users (id),
    status            TEXT         NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    detected_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    acknowledged_by   BIGINT       REFERENCES users (id),
    acknowledged_at   TIMESTAMPTZ,
    -- Detection to first acknowledgement, in milliseconds; the dashboard's average.
    response_time_ms  BIGINT,
    resolved_by       BIGINT       REFERENCES users (id),
    resolved_at       TIMESTAMPTZ,
    resolution_note   TEXT         CHECK (length(resolution_note) <= 2000),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id),
    FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id),
    FOREIGN KEY (organization_id, interaction_id) REFERENCES interactions (organization_id, id)
);
-- The list is read newest first (keyset on id) within an organisation, often by facility or resident.
CREATE INDEX incidents_organization_idx ON incidents (organization_id, id DESC);
CREATE INDEX incidents_facility_idx ON incidents (facility_id, id DESC);
CREATE INDEX incidents_resident_idx ON incidents (resident_id, id DESC);
CREATE INDEX incidents_unresolved_idx ON incidents (facility_id, severity) WHERE status <> 'resolved';

-- One row per recipient. The id is the live stream's event id: notifications are inserted under a transaction-level
-- advisory lock held to commit (see NotificationWriter), so ids become visible in increasing order and "everything
-- after id N" is a complete catch-up for a reconnecting browser.
CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    user_id         BIGINT      NOT NULL,
    type            TEXT        NOT NULL CHECK (type IN ('incident_alert', 'escalation', 'reminder', 'system')),
    title           TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    message         TEXT        NOT NULL CHECK (length(message) <= 2000),
    priority        TEXT        NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    incident_id     BIGINT,
    -- Where the page takes the user: "/incidents/42", "/reminders/7".
    link            TEXT        CHECK (length(link) <= 500),
    -- Makes a retried writer harmless: one notification per (recipient, key), e.g. "incident:42:alert".
    dedupe_key      TEXT        CHECK (length(dedupe_key) <= 200),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at         TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, incident_id) REFERENCES incidents (organization_id, id)
);
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
-- The unread count and the "unread first" list read only this small index.
CREATE INDEX notifications_unread_idx ON notifications (user_id, id DESC) WHERE read_at IS NULL;
CREATE INDEX notifications_incident_idx ON notifications (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX notifications_organization_idx ON notifications (organization_id, id);

-- What happened to alerts and incidents, and who did it. Append-only: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE for every database user, the application included, so no code path (or a mistaken one) can rewrite it.
CREATE TABLE alert_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL REFERENCES organizations (id),
    incident_id     BIGINT,
    resident_id     BIGINT,
    kind            TEXT        NOT NULL CHECK (kind IN ('alert_sent', 'escalation', 'acknowledgement', 'resolution',
                                                         'reopen', 'incident_reported', 'reminder_missed')),
    actor_user_id   BIGINT      REFERENCES users (id),
    -- Anything kind-specific: recipients, escalation step, the resolution note.
    detail          JSONB       NOT NULL DEFAULT '{}',
    -- One row per (key): a retried writer cannot log the same alert twice.
    dedupe_key      TEXT        UNIQUE CHECK (length(dedupe_key) <= 200),
    occurred_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, incident_id) REFERENCES incidents (organization_id, id),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id)
);
CREATE INDEX alert_log_incident_idx ON alert_log (incident_id, id) WHERE incident_id IS NOT NULL;
CREATE INDEX alert_log_organization_idx ON alert_log (organization_id, id DESC);

CREATE FUNCTION alert_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'alert_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER alert_log_no_update_or_delete BEFORE UPDATE OR DELETE ON alert_log
    FOR EACH ROW EXECUTE FUNCTION alert_log_is_append_only();
CREATE TRIGGER alert_log_no_truncate BEFORE TRUNCATE ON alert_log
    FOR EACH STATEMENT EXECUTE FUNCTION alert_log_is_append_only();
