-- Statements partitioned by time (month of `stored`), so that old months can be detached,
-- archived or dropped whole and time-bounded queries read only their months. A partitioned
-- table cannot hold a unique index without the partition key, so statement ids are kept unique
-- by their own table, which the store writes first.

CREATE SEQUENCE xapi_statements_seq AS BIGINT;
SELECT setval('xapi_statements_seq', COALESCE((SELECT max(seq) FROM xapi_statements), 0) + 1, false);

CREATE TABLE xapi_statement_ids (
    id      UUID PRIMARY KEY,
    org_id  UUID NOT NULL
);
INSERT INTO xapi_statement_ids (id, org_id) SELECT id, org_id FROM xapi_statements;

ALTER TABLE xapi_statements RENAME TO xapi_statements_unpartitioned;
CREATE TABLE xapi_statements (
    seq           BIGINT NOT NULL DEFAULT nextval('xapi_statements_seq'),
    id            UUID NOT NULL,
    org_id        UUID NOT NULL,
    verb          TEXT NOT NULL,
    actor         TEXT,
    object_agent  TEXT,
    activity      TEXT,
    registration  UUID,
    voids         UUID,
    voided        BOOLEAN NOT NULL DEFAULT FALSE,
    timestamp     TIMESTAMPTZ NOT NULL,
    stored        TIMESTAMPTZ NOT NULL,
    body          TEXT NOT NULL,
    statement_ref UUID,
    PRIMARY KEY (seq, stored)
) PARTITION BY RANGE (stored);
ALTER SEQUENCE xapi_statements_seq OWNED BY xapi_statements.seq;
-- Statements of months without a partition of their own (the store creates the coming months'
-- partitions when it starts; see Store::ensure_statement_partitions).
CREATE TABLE xapi_statements_default PARTITION OF xapi_statements DEFAULT;

INSERT INTO xapi_statements (seq, id, org_id, verb, actor, object_agent, activity, registration, voids, voided, timestamp, stored, body, statement_ref)
    SELECT seq, id, org_id, verb, actor, object_agent, activity, registration, voids, voided, timestamp, stored, body, statement_ref
    FROM xapi_statements_unpartitioned;
DROP TABLE xapi_statements_unpartitioned;

CREATE INDEX xapi_statements_id ON xapi_statements(id);
CREATE INDEX xapi_statements_actor ON xapi_statements(org_id, actor, verb, seq);
CREATE INDEX xapi_statements_verb ON xapi_statements(org_id, verb, seq);
CREATE INDEX xapi_statements_object_agent ON xapi_statements(org_id, object_agent, seq)
    WHERE object_agent IS NOT NULL;
CREATE INDEX xapi_statements_activity ON xapi_statements(org_id, activity, seq);
CREATE INDEX xapi_statements_registration ON xapi_statements(org_id, registration, seq)
    WHERE registration IS NOT NULL;
CREATE INDEX xapi_statements_stored ON xapi_statements(org_id, stored, seq);
CREATE INDEX xapi_statements_ref ON xapi_statements(org_id, statement_ref)
    WHERE statement_ref IS NOT NULL;
