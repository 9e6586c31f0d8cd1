-- xAPI documents (State, Activity Profile, Agent Profile) and activity definitions.
-- Absent key parts are stored as '' so the unique key covers them.

CREATE TABLE xapi_documents (
    org_id        BLOB NOT NULL,
    kind          TEXT NOT NULL,
    activity_id   TEXT NOT NULL,
    agent         TEXT NOT NULL,
    registration  TEXT NOT NULL,
    doc_id        TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    etag          TEXT NOT NULL,
    updated       TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, activity_id, agent, registration, doc_id)
);

CREATE TABLE xapi_activities (
    org_id      BLOB NOT NULL,
    id          TEXT NOT NULL,
    definition  TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
