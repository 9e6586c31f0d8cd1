-- The spine: organisations, people, sessions, frameworks, lessons, learning events, audit.
-- Every large table carries org_id, the key it would be distributed on.

CREATE TABLE organisations (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    org_id         UUID NOT NULL REFERENCES organisations(id),
    login          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    locale         TEXT,
    elder_mode     TEXT NOT NULL DEFAULT 'off',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_org ON users(org_id, created_at);

-- Optional facts for statistics; a row exists only while the person consents.
CREATE TABLE statistics_profiles (
    user_id       UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    org_id        UUID NOT NULL,
    region        TEXT,
    age_band      TEXT,
    user_group    TEXT,
    consented_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE login_failures (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key   TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE frameworks (
    id               UUID PRIMARY KEY,
    current_version  BIGINT NOT NULL,
    builtin          BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE framework_versions (
    framework_id  UUID NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    version       BIGINT NOT NULL,
    label         TEXT NOT NULL,
    document      JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (framework_id, version)
);

CREATE TABLE lessons (
    slug        TEXT PRIMARY KEY,
    competence  TEXT NOT NULL,
    level       TEXT NOT NULL,
    document    JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX lessons_competence ON lessons(competence, level);

-- Shaped as xAPI statements so the learning record store can take them over.
CREATE TABLE learning_events (
    id           UUID PRIMARY KEY,
    org_id       UUID NOT NULL,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    verb         TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    result       JSONB,
    timestamp    TIMESTAMPTZ NOT NULL,
    stored       TIMESTAMPTZ NOT NULL
);
CREATE INDEX learning_events_user ON learning_events(user_id, timestamp);
CREATE INDEX learning_events_org ON learning_events(org_id, stored);

CREATE TABLE audit_log (
    id        UUID PRIMARY KEY,
    org_id    UUID,
    actor_id  UUID,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    details   JSONB,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
