-- Cheaper statement ingestion, same queries.
-- Most statements have no Agent object, no StatementRef and many no registration: index only
-- the rows that have one (an equality filter implies IS NOT NULL, so queries still use them).
DROP INDEX xapi_statements_object_agent;
CREATE INDEX xapi_statements_object_agent ON xapi_statements(org_id, object_agent, seq)
    WHERE object_agent IS NOT NULL;
DROP INDEX xapi_statements_registration;
CREATE INDEX xapi_statements_registration ON xapi_statements(org_id, registration, seq)
    WHERE registration IS NOT NULL;
DROP INDEX xapi_statements_ref;
CREATE INDEX xapi_statements_ref ON xapi_statements(org_id, statement_ref)
    WHERE statement_ref IS NOT NULL;

-- The related agents and activities are their own primary keys: one b-tree each instead of a
-- table and an index. The store keeps them in step with the statements (no foreign key: its
-- check cost an index lookup per row, and deleting a statement a scan of these tables).
CREATE TABLE xapi_statement_agents_lean (
    agent         TEXT NOT NULL,
    statement_seq INTEGER NOT NULL,
    PRIMARY KEY (agent, statement_seq)
) WITHOUT ROWID;
INSERT INTO xapi_statement_agents_lean SELECT agent, statement_seq FROM xapi_statement_agents;
DROP TABLE xapi_statement_agents;
ALTER TABLE xapi_statement_agents_lean RENAME TO xapi_statement_agents;

CREATE TABLE xapi_statement_activities_lean (
    activity      TEXT NOT NULL,
    statement_seq INTEGER NOT NULL,
    PRIMARY KEY (activity, statement_seq)
) WITHOUT ROWID;
INSERT INTO xapi_statement_activities_lean SELECT activity, statement_seq FROM xapi_statement_activities;
DROP TABLE xapi_statement_activities;
ALTER TABLE xapi_statement_activities_lean RENAME TO xapi_statement_activities;
