//! Group commit for statement batches. Every batch of statements goes through one writer task;
//! the batches that arrive while a transaction commits are stored together in the next one. A
//! hundred concurrent single-statement POSTs then cost one transaction (one WAL write on SQLite,
//! one fsync on PostgreSQL) and a handful of multi-row statements, not hundreds of each; and on
//! SQLite nobody waits in the busy handler.
//!
//! Each request's batch stays all or nothing: a batch that cannot be stored (a statement id
//! already stored with different content) is answered with the conflict and the group is
//! stored again without it. Other failures fail the whole group, and nothing of it is stored.

use std::collections::{HashMap, HashSet};

use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::error::StoreError;
use crate::lrs::{MergeDefinitions, NewStatement, SameStatement, StatementBatch};
use crate::store::{Backend, utc};

/// Statements per multi-row statement: 12 values each stays under SQLite's 32,766 bound
/// parameters and PostgreSQL's 65,535. The multi-row statements vary in length with the group,
/// so they are not kept prepared (a cache of hundreds of large prepared statements held over a
/// hundred megabytes).
const STATEMENT_CHUNK: usize = 500;
/// Pairs and triples of values per multi-row statement.
const PAIR_CHUNK: usize = 5_000;
/// Batches waiting for the writer before senders wait too (back-pressure).
const QUEUE: usize = 1_024;
/// Most statements one transaction takes from the queue, so that a transaction stays short.
const GROUP_STATEMENTS: usize = 5_000;

/// One request's batch and where its outcome goes.
pub(crate) struct BatchJob {
    pub batch: StatementBatch,
    pub same: SameStatement,
    pub merge: MergeDefinitions,
    pub reply: oneshot::Sender<Result<Vec<Uuid>, StoreError>>,
}

/// The pools the writer writes with. It holds these and not the [`crate::Store`]: the store
/// holds the sender, and the writer ends when the last store is dropped.
pub(crate) struct Pools {
    pub backend: Backend,
    pub writer: Option<SqlitePool>,
}

/// Why a group was not stored.
enum GroupError {
    /// The batch at this position conflicts with a stored statement.
    Conflict(usize),
    Store(StoreError),
}

impl From<sqlx::Error> for GroupError {
    fn from(e: sqlx::Error) -> Self {
        GroupError::Store(StoreError::Database(e))
    }
}

/// Starts the writer task; batches are sent to it through the returned channel.
pub(crate) fn start(pools: Pools) -> mpsc::Sender<BatchJob> {
    let (sender, receiver) = mpsc::channel(QUEUE);
    tokio::spawn(run(pools, receiver));
    sender
}

async fn run(pools: Pools, mut queue: mpsc::Receiver<BatchJob>) {
    while let Some(first) = queue.recv().await {
        let mut size = first.batch.statements.len();
        let mut jobs = vec![first];
        while size < GROUP_STATEMENTS {
            match queue.try_recv() {
                Ok(job) => {
                    size += job.batch.statements.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        commit_group(&pools, jobs).await;
    }
}

/// Stores a group of batches in one transaction and answers each request once it committed.
async fn commit_group(pools: &Pools, mut jobs: Vec<BatchJob>) {
    let partitioned = matches!(pools.backend, Backend::Postgres(_));
    let begin = match pools.backend {
        Backend::Sqlite(_) => "BEGIN IMMEDIATE",
        Backend::Postgres(_) => "BEGIN",
    };
    loop {
        let outcome: Result<Vec<Vec<Uuid>>, GroupError> = with_writer!(pools, |pool| {
            async {
                let mut tx = pool.begin_with(begin).await?;
                let ids = insert_group!(tx, &jobs, partitioned)?;
                tx.commit().await?;
                Ok(ids)
            }
            .await
        });
        match outcome {
            Ok(ids) => {
                for (job, ids) in jobs.into_iter().zip(ids) {
                    let _ = job.reply.send(Ok(ids));
                }
                return;
            }
            Err(GroupError::Conflict(at)) => {
                let job = jobs.remove(at);
                let _ = job.reply.send(Err(StoreError::Conflict("statement")));
                if jobs.is_empty() {
                    return;
                }
            }
            Err(GroupError::Store(e)) => {
                tracing::error!(error = %e, batches = jobs.len(), "storing statements failed");
                let mut jobs = jobs.into_iter();
                if let Some(first) = jobs.next() {
                    let _ = first.reply.send(Err(e));
                }
                for job in jobs {
                    let _ = job.reply.send(Err(StoreError::Unavailable));
                }
                return;
            }
        }
    }
}

/// Writes a group of batches inside the open transaction `$tx`, each kind of row with one
/// multi-row statement per chunk. Evaluates to the ids each batch inserted, or the first batch
/// that conflicts. A macro, not a function, so that it is written once and compiled for both
/// drivers.
macro_rules! insert_group {
    ($tx:ident, $jobs:expr, $partitioned:expr) => {
        async {
            let jobs: &[BatchJob] = $jobs;
            let rows: Vec<(usize, Uuid, &NewStatement)> = jobs
                .iter()
                .enumerate()
                .flat_map(|(j, job)| {
                    job.batch
                        .statements
                        .iter()
                        .map(move |s| (j, job.batch.org_id, s))
                })
                .collect();
            let mut seqs: HashMap<Uuid, i64> = HashMap::with_capacity(rows.len());
            for chunk in rows.chunks(STATEMENT_CHUNK) {
                // PostgreSQL's statements are partitioned, so ids are claimed in their own
                // table first; SQLite's statements table has the unique index itself.
                let chunk: Vec<&(usize, Uuid, &NewStatement)> = if $partitioned {
                    let mut q =
                        sqlx::QueryBuilder::new("INSERT INTO xapi_statement_ids (id, org_id) ");
                    q.push_values(chunk, |mut row, (_, org_id, s)| {
                        row.push_bind(s.id).push_bind(*org_id);
                    });
                    q.push(" ON CONFLICT (id) DO NOTHING RETURNING id");
                    let claimed: Vec<(Uuid,)> =
                        q.build_query_as().persistent(false).fetch_all(&mut *$tx).await?;
                    let mut claimed: HashSet<Uuid> = claimed.into_iter().map(|(id,)| id).collect();
                    chunk.iter().filter(|(_, _, s)| claimed.remove(&s.id)).collect()
                } else {
                    chunk.iter().collect()
                };
                if chunk.is_empty() {
                    continue;
                }
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO xapi_statements (id, org_id, verb, actor, object_agent, activity, registration, voids, timestamp, stored, body, statement_ref) ",
                );
                q.push_values(chunk, |mut row, (_, org_id, s)| {
                    row.push_bind(s.id)
                        .push_bind(*org_id)
                        .push_bind(&s.verb)
                        .push_bind(&s.actor)
                        .push_bind(&s.object_agent)
                        .push_bind(&s.activity)
                        .push_bind(s.registration)
                        .push_bind(s.voids)
                        .push_bind(utc(s.timestamp))
                        .push_bind(utc(s.stored))
                        .push_bind(&s.body)
                        .push_bind(s.statement_ref);
                });
                q.push(if $partitioned {
                    " RETURNING id, seq"
                } else {
                    " ON CONFLICT (id) DO NOTHING RETURNING id, seq"
                });
                let inserted: Vec<(Uuid, i64)> =
                    q.build_query_as().persistent(false).fetch_all(&mut *$tx).await?;
                seqs.extend(inserted);
            }
            // A row was inserted if its id came back and no earlier row of the group had it.
            let mut seen = HashSet::with_capacity(rows.len());
            let (inserted, known): (Vec<_>, Vec<_>) = rows
                .iter()
                .partition(|(_, _, s)| seen.insert(s.id) && seqs.contains_key(&s.id));
            // Ids stored before: the same statement again is fine, a different one is not.
            for chunk in known.chunks(STATEMENT_CHUNK) {
                let mut q =
                    sqlx::QueryBuilder::new("SELECT id, body FROM xapi_statements WHERE id IN (");
                let mut ids = q.separated(", ");
                for (_, _, s) in chunk {
                    ids.push_bind(s.id);
                }
                q.push(")");
                let stored: Vec<(Uuid, String)> =
                    q.build_query_as().persistent(false).fetch_all(&mut *$tx).await?;
                let stored: HashMap<Uuid, String> = stored.into_iter().collect();
                if let Some((j, _, _)) = chunk.iter().find(|(j, _, s)| {
                    !stored
                        .get(&s.id)
                        .is_some_and(|old| (jobs[*j].same)(old, &s.body))
                }) {
                    return Err(GroupError::Conflict(*j));
                }
            }
            // Everything each statement mentions, for related_agents / related_activities.
            let related: [(&str, fn(&NewStatement) -> &[String]); 2] = [
                ("INSERT INTO xapi_statement_agents (agent, statement_seq) ", |s| {
                    &s.related_agents
                }),
                ("INSERT INTO xapi_statement_activities (activity, statement_seq) ", |s| {
                    &s.related_activities
                }),
            ];
            for (insert, keys) in related {
                let pairs: Vec<(&str, i64)> = inserted
                    .iter()
                    .flat_map(|(_, _, s)| {
                        let seq = seqs[&s.id];
                        keys(s).iter().map(move |k| (k.as_str(), seq))
                    })
                    .collect();
                for chunk in pairs.chunks(PAIR_CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(insert);
                    q.push_values(chunk, |mut row, (key, seq)| {
                        row.push_bind(*key).push_bind(*seq);
                    });
                    q.push(" ON CONFLICT DO NOTHING");
                    q.build().persistent(false).execute(&mut *$tx).await?;
                }
            }
            for (_, org_id, s) in &inserted {
                if let Some(target) = s.voids {
                    sqlx::query("UPDATE xapi_statements SET voided = TRUE WHERE id = $1 AND org_id = $2 AND voids IS NULL")
                        .bind(target)
                        .bind(*org_id)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            let definitions = fold_definitions(jobs);
            for chunk in definitions.chunks(PAIR_CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT org_id, id, definition FROM xapi_activities WHERE id IN (",
                );
                let mut list = q.separated(", ");
                for ((_, id), _) in chunk {
                    list.push_bind(id.as_str());
                }
                q.push(")");
                let stored: Vec<(Uuid, String, String)> =
                    q.build_query_as().persistent(false).fetch_all(&mut *$tx).await?;
                let stored: HashMap<(Uuid, String), String> = stored
                    .into_iter()
                    .map(|(org, id, d)| ((org, id), d))
                    .collect();
                // Only definitions that say something new are written.
                let changed: Vec<(Uuid, &str, String)> = chunk
                    .iter()
                    .filter_map(|(key, (new, merge))| match stored.get(key) {
                        // The same definition again (the usual case): nothing to merge or write.
                        Some(old) if old == new => None,
                        Some(old) => {
                            let merged = merge(old, new);
                            (merged != *old).then_some((key.0, key.1.as_str(), merged))
                        }
                        None => Some((key.0, key.1.as_str(), new.clone())),
                    })
                    .collect();
                if changed.is_empty() {
                    continue;
                }
                let mut q =
                    sqlx::QueryBuilder::new("INSERT INTO xapi_activities (org_id, id, definition) ");
                q.push_values(&changed, |mut row, (org_id, id, definition)| {
                    row.push_bind(*org_id)
                        .push_bind(*id)
                        .push_bind(definition.as_str());
                });
                q.push(" ON CONFLICT (org_id, id) DO UPDATE SET definition = excluded.definition");
                q.build().persistent(false).execute(&mut *$tx).await?;
            }
            for job in jobs {
                for a in &job.batch.attachments {
                    sqlx::query(
                        "INSERT INTO xapi_attachments (org_id, sha2, content_type, content) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (org_id, sha2) DO NOTHING",
                    )
                    .bind(job.batch.org_id)
                    .bind(&a.sha2)
                    .bind(&a.content_type)
                    .bind(&a.content)
                    .execute(&mut *$tx)
                    .await?;
                }
            }
            let mut ids = vec![Vec::new(); jobs.len()];
            for (j, _, s) in inserted {
                ids[j].push(s.id);
            }
            Ok::<Vec<Vec<Uuid>>, GroupError>(ids)
        }
        .await
    };
}
use insert_group;

/// One definition per activity of an organisation: later ones in the group merged over earlier
/// ones, each with the merge of the batch that brought it.
fn fold_definitions(jobs: &[BatchJob]) -> Vec<((Uuid, String), (String, MergeDefinitions))> {
    let mut folded: Vec<((Uuid, String), (String, MergeDefinitions))> = Vec::new();
    let mut at: HashMap<(Uuid, &str), usize> = HashMap::new();
    for job in jobs {
        for (id, definition) in &job.batch.definitions {
            match at.get(&(job.batch.org_id, id.as_str())) {
                Some(&i) if folded[i].1.0 == *definition => {}
                Some(&i) => {
                    let merged = (job.merge)(&folded[i].1.0, definition);
                    folded[i].1 = (merged, job.merge);
                }
                None => {
                    at.insert((job.batch.org_id, id), folded.len());
                    folded.push((
                        (job.batch.org_id, id.clone()),
                        (definition.clone(), job.merge),
                    ));
                }
            }
        }
    }
    folded
}
