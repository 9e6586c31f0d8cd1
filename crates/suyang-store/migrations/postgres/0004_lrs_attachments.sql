-- Attachment content sent with statements, addressed by its SHA-2 hash.
CREATE TABLE xapi_attachments (
    org_id        UUID NOT NULL,
    sha2          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    content       BYTEA NOT NULL,
    PRIMARY KEY (org_id, sha2)
);
