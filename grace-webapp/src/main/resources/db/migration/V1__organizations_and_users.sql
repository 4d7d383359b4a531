-- Grace's own schema. Every row of care data belongs to one organisation (a care-home operator); nothing of one
-- organisation is ever visible to another.

CREATE TABLE organizations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL REFERENCES organizations (id),
    email           TEXT        NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    display_name    TEXT        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role            TEXT        NOT NULL CHECK (role IN ('organization_admin', 'facility_director', 'care_manager',
                                                         'care_staff', 'family')),
    password_hash   TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- E-mail addresses are unique regardless of case: sign-in looks them up lower-cased.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_organization_idx ON users (organization_id);
