-- The learning record store: credentials for xAPI clients and the statements they send.

CREATE TABLE lrs_credentials (
    id           BLOB PRIMARY KEY,
    org_id       BLOB NOT NULL REFERENCES organisations(id),
    name         TEXT NOT NULL,
    key          TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE xapi_statements (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            BLOB NOT NULL UNIQUE,
    org_id        BLOB NOT NULL,
    verb          TEXT NOT NULL,
    actor         TEXT,
    object_agent  TEXT,
    activity      TEXT,
    registration  BLOB,
    voids         BLOB,
    voided        BOOLEAN NOT NULL DEFAULT FALSE,
    timestamp     TEXT NOT NULL,
    stored        TEXT NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX xapi_statements_actor ON xapi_statements(org_id, actor, verb, seq);
CREATE INDEX xapi_statements_verb ON xapi_statements(org_id, verb, seq);
CREATE INDEX xapi_statements_object_agent ON xapi_statements(org_id, object_agent, seq);
CREATE INDEX xapi_statements_activity ON xapi_statements(org_id, activity, seq);
CREATE INDEX xapi_statements_registration ON xapi_statements(org_id, registration, seq);
CREATE INDEX xapi_statements_stored ON xapi_statements(org_id, stored, seq);

-- Every agent and activity a statement mentions, for related_agents / related_activities.
CREATE TABLE xapi_statement_agents (
    agent         TEXT NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES xapi_statements(seq) ON DELETE CASCADE,
    PRIMARY KEY (agent, statement_seq)
);
CREATE TABLE xapi_statement_activities (
    activity      TEXT NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES xapi_statements(seq) ON DELETE CASCADE,
    PRIMARY KEY (activity, statement_seq)
);
