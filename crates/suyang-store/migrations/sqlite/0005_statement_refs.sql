-- Statements whose object is a StatementRef, so queries can return the statements that target
-- the ones they match (xAPI Communication 2.1.4).
ALTER TABLE xapi_statements ADD COLUMN statement_ref BLOB;
CREATE INDEX xapi_statements_ref ON xapi_statements(org_id, statement_ref);
