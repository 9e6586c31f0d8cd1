//! xAPI documents (State, Activity Profile, Agent Profile) and the activity definitions the
//! Activities resource returns.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::StoreError;
use crate::store::{Store, utc};

/// Which document resource, and the parameters that address one document set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKey {
    pub org_id: Uuid,
    /// "state", "activity-profile" or "agent-profile".
    pub kind: &'static str,
    pub activity_id: String,
    /// Canonical agent key, or "" when the resource has no agent.
    pub agent: String,
    /// Registration UUID as text, or "".
    pub registration: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Document {
    pub content_type: String,
    pub content: Vec<u8>,
    pub etag: String,
    pub updated: OffsetDateTime,
}

impl Store {
    pub async fn document(
        &self,
        key: &DocumentKey,
        doc_id: &str,
    ) -> Result<Option<Document>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT content_type, content, etag, updated FROM xapi_documents
                 WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent = $4 AND registration = $5 AND doc_id = $6",
            )
            .bind(key.org_id)
            .bind(key.kind)
            .bind(&key.activity_id)
            .bind(&key.agent)
            .bind(&key.registration)
            .bind(doc_id)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Creates or replaces a document.
    pub async fn put_document(
        &self,
        key: &DocumentKey,
        doc_id: &str,
        doc: &Document,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO xapi_documents (org_id, kind, activity_id, agent, registration, doc_id, content_type, content, etag, updated)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (org_id, kind, activity_id, agent, registration, doc_id)
                 DO UPDATE SET content_type = $7, content = $8, etag = $9, updated = $10",
            )
            .bind(key.org_id)
            .bind(key.kind)
            .bind(&key.activity_id)
            .bind(&key.agent)
            .bind(&key.registration)
            .bind(doc_id)
            .bind(&doc.content_type)
            .bind(&doc.content)
            .bind(&doc.etag)
            .bind(utc(doc.updated))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Deletes one document (`Some(id)`) or every document of the set (`None`).
    pub async fn delete_documents(
        &self,
        key: &DocumentKey,
        doc_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        Ok(with_writer!(self, |pool| {
            sqlx::query(
                "DELETE FROM xapi_documents WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent = $4
                 AND ($5 = '' OR registration = $5) AND ($6 IS NULL OR doc_id = $6)",
            )
            .bind(key.org_id)
            .bind(key.kind)
            .bind(&key.activity_id)
            .bind(&key.agent)
            .bind(&key.registration)
            .bind(doc_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// Ids of the documents of a set, optionally only those changed after `since`.
    pub async fn document_ids(
        &self,
        key: &DocumentKey,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<String>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT doc_id FROM xapi_documents WHERE org_id = $1 AND kind = $2 AND activity_id = $3 AND agent = $4
                 AND registration = $5 AND ($6 IS NULL OR updated > $6) ORDER BY doc_id",
            )
            .bind(key.org_id)
            .bind(key.kind)
            .bind(&key.activity_id)
            .bind(&key.agent)
            .bind(&key.registration)
            .bind(since.map(utc))
            .fetch_all(pool)
            .await
        })?)
    }

    /// Remembers the newest definition of an activity (JSON text).
    pub async fn save_activity_definition(
        &self,
        org_id: Uuid,
        id: &str,
        definition: &str,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO xapi_activities (org_id, id, definition) VALUES ($1, $2, $3)
                 ON CONFLICT (org_id, id) DO UPDATE SET definition = $3",
            )
            .bind(org_id)
            .bind(id)
            .bind(definition)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn activity_definition(
        &self,
        org_id: Uuid,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT definition FROM xapi_activities WHERE org_id = $1 AND id = $2",
            )
            .bind(org_id)
            .bind(id)
            .fetch_optional(pool)
            .await
        })?)
    }
}

impl Store {
    /// Keeps an attachment's content (identical content is stored once).
    pub async fn save_attachment(
        &self,
        org_id: Uuid,
        sha2: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO xapi_attachments (org_id, sha2, content_type, content) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (org_id, sha2) DO NOTHING",
            )
            .bind(org_id)
            .bind(sha2)
            .bind(content_type)
            .bind(content)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// An attachment's content type and bytes.
    pub async fn attachment(
        &self,
        org_id: Uuid,
        sha2: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as("SELECT content_type, content FROM xapi_attachments WHERE org_id = $1 AND sha2 = $2")
                .bind(org_id)
                .bind(sha2)
                .fetch_optional(pool)
                .await
        })?)
    }
}
