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

-- The store keeps related agents and activities in step with the statements; the foreign keys
-- cost an index lookup per inserted row, and each deleted statement a scan of these tables.
ALTER TABLE xapi_statement_agents DROP CONSTRAINT xapi_statement_agents_statement_seq_fkey;
ALTER TABLE xapi_statement_activities DROP CONSTRAINT xapi_statement_activities_statement_seq_fkey;
