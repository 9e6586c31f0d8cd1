//! Storage of the learning record store: client credentials and xAPI statements, with the
//! indexes every statement query filters on.

use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::batch_writer::BatchJob;
use crate::error::StoreError;
use crate::store::{Store, utc};

/// A key/secret pair an xAPI client authenticates with (HTTP Basic), scoped to an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct LrsCredential {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub key: String,
    pub secret_hash: String,
    /// xAPI scopes: statements/write, statements/read, statements/read/mine, state, define,
    /// profile, all/read, all.
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A validated, prepared statement and the values it is indexed by.
#[derive(Debug, Clone)]
pub struct NewStatement {
    pub id: Uuid,
    /// The statement JSON as it will be returned.
    pub body: String,
    pub verb: String,
    pub actor: Option<String>,
    pub object_agent: Option<String>,
    pub activity: Option<String>,
    pub registration: Option<Uuid>,
    pub voids: Option<Uuid>,
    pub statement_ref: Option<Uuid>,
    pub timestamp: OffsetDateTime,
    pub stored: OffsetDateTime,
    pub related_agents: Vec<String>,
    pub related_activities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredStatement {
    /// Position in the order of storage; query cursors are built on it.
    pub seq: i64,
    pub id: Uuid,
    pub body: String,
    pub voided: bool,
    pub stored: OffsetDateTime,
}

/// Attachment content sent with statements.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// What one request stores: statements with the activity definitions and attachments they
/// carry.
#[derive(Debug, Clone)]
pub struct StatementBatch {
    pub org_id: Uuid,
    pub statements: Vec<NewStatement>,
    /// (activity id, definition JSON) in the order the statements give them.
    pub definitions: Vec<(String, String)>,
    pub attachments: Vec<NewAttachment>,
}

/// Whether a stored statement (first) and a new one with the same id say the same thing.
pub type SameStatement = Box<dyn Fn(&str, &str) -> bool + Send + Sync>;
/// An activity definition merged from a stored one (first) and a new one.
pub type MergeDefinitions = fn(&str, &str) -> String;

/// Filters of `GET /xapi/statements` (agent and activity as canonical keys).
#[derive(Debug, Clone, Default)]
pub struct StatementQuery {
    pub org_id: Uuid,
    pub agent: Option<String>,
    pub related_agents: bool,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub related_activities: bool,
    pub registration: Option<Uuid>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub ascending: bool,
    /// Continue after this `seq` (exclusive), in the query's direction.
    pub after: Option<i64>,
    pub limit: i64,
}

type CredentialRow = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    Json<Vec<String>>,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

impl Store {
    pub async fn create_lrs_credential(&self, c: &LrsCredential) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO lrs_credentials (id, org_id, name, key, secret_hash, scopes, created_at, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id)
            .bind(c.org_id)
            .bind(&c.name)
            .bind(&c.key)
            .bind(&c.secret_hash)
            .bind(Json(&c.scopes))
            .bind(utc(c.created_at))
            .bind(c.revoked_at.map(utc))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(|e| StoreError::from_insert(e, "credential key"))?;
        Ok(())
    }

    pub async fn lrs_credential_by_key(
        &self,
        key: &str,
    ) -> Result<Option<LrsCredential>, StoreError> {
        let row: Option<CredentialRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, org_id, name, key, secret_hash, scopes, created_at, revoked_at FROM lrs_credentials WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(
            |(id, org_id, name, key, secret_hash, Json(scopes), created_at, revoked_at)| {
                LrsCredential {
                    id,
                    org_id,
                    name,
                    key,
                    secret_hash,
                    scopes,
                    created_at,
                    revoked_at,
                }
            },
        ))
    }

    /// Stores a batch atomically: all of it or none. A statement whose id is already stored is
    /// skipped when `same` says the two agree, and fails the whole batch with
    /// `Conflict("statement")` when they differ (statements are immutable). Voiding statements
    /// mark their target voided. Returns the ids actually inserted.
    pub async fn insert_statements(
        &self,
        org_id: Uuid,
        batch: &[NewStatement],
        same: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
    ) -> Result<Vec<Uuid>, StoreError> {
        let batch = StatementBatch {
            org_id,
            statements: batch.to_vec(),
            definitions: Vec::new(),
            attachments: Vec::new(),
        };
        self.insert_statement_batch(batch, Box::new(same), |_, new| new.to_string())
            .await
    }

    /// [`Store::insert_statements`] with what the statements bring along, all in the same
    /// transaction: activity definitions (merged into the stored ones by `merge(old, new)`) and
    /// attachment content. Batches go to the group-commit writer (`batch_writer`), which stores
    /// those of concurrent requests in one transaction, each batch still all or nothing.
    pub async fn insert_statement_batch(
        &self,
        batch: StatementBatch,
        same: SameStatement,
        merge: MergeDefinitions,
    ) -> Result<Vec<Uuid>, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = BatchJob {
            batch,
            same,
            merge,
            reply,
        };
        self.batches
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    /// One statement of an organisation, voided or not.
    pub async fn statement(
        &self,
        org_id: Uuid,
        id: Uuid,
    ) -> Result<Option<StoredStatement>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT seq, id, body, voided, stored FROM xapi_statements WHERE org_id = $1 AND id = $2",
            )
            .bind(org_id)
            .bind(id)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Statements matching every given filter, voided ones left out, in storage order (newest
    /// first unless `ascending`), at most `limit`.
    pub async fn query_statements(
        &self,
        q: &StatementQuery,
    ) -> Result<Vec<StoredStatement>, StoreError> {
        // Placeholders in the order values are bound below; filters use the same numbers in
        // several places.
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        let agent = q.agent.as_ref().map(|_| next());
        let verb = q.verb.as_ref().map(|_| next());
        let activity = q.activity.as_ref().map(|_| next());
        let registration = q.registration.map(|_| next());
        let since = q.since.map(|_| next());
        let until = q.until.map(|_| next());
        let after = q.after.map(|_| next());
        let limit = next();
        let order = if q.ascending { "ASC" } else { "DESC" };
        // What a returned statement must be, whichever way it matched: of the organisation,
        // not voided, in the time window, past the cursor.
        // `indexed`: whether the time window may pick the index. Where another filter is given,
        // that filter's index is the one to scan (in storage order, stopping at the page size);
        // SQLite, without statistics, would rather scan the time range, so there the column is
        // written `+stored`, which no index serves.
        let window = |t: &str, indexed: bool| {
            let stored = match (indexed, &self.backend) {
                (false, crate::store::Backend::Sqlite(_)) => format!("+{t}.stored"),
                _ => format!("{t}.stored"),
            };
            let mut f = format!("{t}.org_id = $1 AND {t}.voided = FALSE");
            if let Some(i) = since {
                f.push_str(&format!(" AND {stored} > ${i}"));
            }
            if let Some(i) = until {
                f.push_str(&format!(" AND {stored} <= ${i}"));
            }
            if let Some(i) = after {
                let op = if q.ascending { ">" } else { "<" };
                f.push_str(&format!(" AND {t}.seq {op} ${i}"));
            }
            f
        };
        // The filters on a statement, the agent filter given as `agent_term`.
        let filters = |t: &str, agent_term: Option<&str>| {
            let mut f = format!("{t}.org_id = $1");
            if let Some(term) = agent_term {
                f.push_str(" AND ");
                f.push_str(term);
            }
            if let Some(i) = verb {
                f.push_str(&format!(" AND {t}.verb = ${i}"));
            }
            if let Some(i) = activity {
                if q.related_activities {
                    f.push_str(&format!(" AND {t}.seq IN (SELECT statement_seq FROM xapi_statement_activities WHERE activity = ${i})"));
                } else {
                    f.push_str(&format!(" AND {t}.activity = ${i}"));
                }
            }
            if let Some(i) = registration {
                f.push_str(&format!(" AND {t}.registration = ${i}"));
            }
            f
        };
        let agent_terms = |t: &str| -> Vec<Option<String>> {
            match agent {
                None => vec![None],
                Some(i) if q.related_agents => vec![Some(format!(
                    "{t}.seq IN (SELECT statement_seq FROM xapi_statement_agents WHERE agent = ${i})"
                ))],
                Some(i) => vec![
                    Some(format!("{t}.actor = ${i}")),
                    Some(format!("{t}.object_agent = ${i}")),
                ],
            }
        };
        let filtered =
            agent.is_some() || verb.is_some() || activity.is_some() || registration.is_some();
        let sql = if !filtered {
            // Every statement matches, including those that target others.
            format!(
                "SELECT s.seq, s.id, s.body, s.voided, s.stored FROM xapi_statements s WHERE {} ORDER BY s.seq {order} LIMIT ${limit}",
                window("s", true)
            )
        } else {
            // Each way of matching is its own index scan in storage order that stops at the
            // page size; the page is the first `limit` of their union. A statement also matches
            // when it targets (StatementRef) a statement that matches.
            let mut branches: Vec<String> = agent_terms("t")
                .iter()
                .map(|term| {
                    format!(
                        "SELECT seq FROM (SELECT t.seq FROM xapi_statements t WHERE {} AND {} ORDER BY t.seq {order} LIMIT ${limit}) own",
                        filters("t", term.as_deref()),
                        window("t", false)
                    )
                })
                .collect();
            let target_agent = match agent {
                Some(i) if !q.related_agents => {
                    Some(format!("(t.actor = ${i} OR t.object_agent = ${i})"))
                }
                _ => agent_terms("t").into_iter().next().flatten(),
            };
            // CROSS JOIN: SQLite starts from the (few) statements that target others.
            branches.push(format!(
                "SELECT seq FROM (SELECT r.seq FROM xapi_statements r CROSS JOIN xapi_statements t WHERE {} AND r.statement_ref IS NOT NULL AND t.id = r.statement_ref AND {} ORDER BY r.seq {order} LIMIT ${limit}) refs",
                window("r", false),
                filters("t", target_agent.as_deref())
            ));
            // The page's positions first, then their rows: one lookup each. PostgreSQL is
            // told so with LATERAL; left to itself, with statistics not yet gathered on a new
            // month's partition, it would rather scan the whole table and join.
            let page = format!(
                "SELECT seq FROM ({}) matched ORDER BY seq {order} LIMIT ${limit}",
                branches.join(" UNION ")
            );
            match self.backend {
                crate::store::Backend::Postgres(_) => format!(
                    "SELECT s.seq, s.id, s.body, s.voided, s.stored FROM ({page}) page CROSS JOIN LATERAL (SELECT x.seq, x.id, x.body, x.voided, x.stored FROM xapi_statements x WHERE x.seq = page.seq OFFSET 0) s ORDER BY s.seq {order}"
                ),
                crate::store::Backend::Sqlite(_) => format!(
                    "SELECT s.seq, s.id, s.body, s.voided, s.stored FROM ({page}) page JOIN xapi_statements s ON s.seq = page.seq ORDER BY s.seq {order}"
                ),
            }
        };
        Ok(with_pool!(self, |pool| {
            let mut query = sqlx::query_as::<_, StoredStatement>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(q.org_id);
            if let Some(a) = &q.agent {
                query = query.bind(a);
            }
            if let Some(v) = &q.verb {
                query = query.bind(v);
            }
            if let Some(a) = &q.activity {
                query = query.bind(a);
            }
            if let Some(r) = q.registration {
                query = query.bind(r);
            }
            if let Some(t) = q.since {
                query = query.bind(utc(t));
            }
            if let Some(t) = q.until {
                query = query.bind(utc(t));
            }
            if let Some(a) = q.after {
                query = query.bind(a);
            }
            query.bind(q.limit).fetch_all(pool).await
        })?)
    }
}

impl Store {
    /// Refreshes the planner's statistics of the statement tables after a bulk load
    /// (PostgreSQL; autovacuum keeps them current under normal ingestion, but a month's
    /// partition filled in one go is planned as if empty until then). Nothing on SQLite, whose
    /// statement queries do not depend on statistics.
    pub async fn refresh_statement_statistics(&self) -> Result<(), StoreError> {
        if let crate::store::Backend::Postgres(pool) = &self.backend {
            sqlx::query("ANALYZE xapi_statements, xapi_statement_ids, xapi_statement_agents, xapi_statement_activities")
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Deletes every statement whose actor is `agent` (a person exercising their right to
    /// deletion); what the statements mention goes with them.
    pub async fn delete_statements_by_actor(
        &self,
        org_id: Uuid,
        agent: &str,
    ) -> Result<u64, StoreError> {
        let partitioned = matches!(self.backend, crate::store::Backend::Postgres(_));
        Ok(with_writer!(self, |pool| {
            let mut tx = pool.begin_with(self.write_begin()).await?;
            if partitioned {
                sqlx::query("DELETE FROM xapi_statement_ids WHERE id IN (SELECT id FROM xapi_statements WHERE org_id = $1 AND actor = $2)")
                    .bind(org_id)
                    .bind(agent)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM xapi_statement_agents WHERE statement_seq IN (SELECT seq FROM xapi_statements WHERE org_id = $1 AND actor = $2)")
                .bind(org_id)
                .bind(agent)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM xapi_statement_activities WHERE statement_seq IN (SELECT seq FROM xapi_statements WHERE org_id = $1 AND actor = $2)")
                .bind(org_id)
                .bind(agent)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM xapi_statements WHERE org_id = $1 AND actor = $2")
                .bind(org_id)
                .bind(agent)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done)
        })?)
    }
}

impl Store {
    /// The credentials of an organisation (all organisations when `None`), newest first.
    pub async fn lrs_credentials(
        &self,
        org: Option<Uuid>,
    ) -> Result<Vec<LrsCredential>, StoreError> {
        let rows: Vec<CredentialRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, org_id, name, key, secret_hash, scopes, created_at, revoked_at FROM lrs_credentials
                 WHERE ($1 IS NULL OR org_id = $1) ORDER BY created_at DESC, id",
            )
            .bind(org)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(id, org_id, name, key, secret_hash, Json(scopes), created_at, revoked_at)| {
                    LrsCredential {
                        id,
                        org_id,
                        name,
                        key,
                        secret_hash,
                        scopes,
                        created_at,
                        revoked_at,
                    }
                },
            )
            .collect())
    }

    /// Revokes a credential of an organisation; returns whether one was revoked.
    pub async fn revoke_lrs_credential(
        &self,
        org: Option<Uuid>,
        key: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = with_writer!(self, |pool| {
            sqlx::query("UPDATE lrs_credentials SET revoked_at = $3 WHERE key = $1 AND ($2 IS NULL OR org_id = $2) AND revoked_at IS NULL")
                .bind(key)
                .bind(org)
                .bind(utc(at))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done > 0)
    }
}
