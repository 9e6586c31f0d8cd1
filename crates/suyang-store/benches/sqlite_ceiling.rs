//! The ceiling for statement ingestion on SQLite: the rows the LRS writes for a statement
//! (the statement with its index columns, its related agents and activities), prepared in
//! advance and inserted by bare SQLite, one transaction per batch, multi-row INSERTs, same
//! schema, pragmas and indexes as Suyang. No HTTP, no JSON parsing, no validation, no async.
//!
//!   cargo bench -p suyang-store --bench sqlite_ceiling        (STATEMENTS=100000 by default)

use std::time::Instant;

use rusqlite::{Connection, params_from_iter, types::Value as Sql};
use serde_json::json;
use suyang_xapi::statement::prepare;
use suyang_xapi::{Version, sample};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

struct Row {
    values: Vec<Sql>,
    agents: Vec<String>,
    activities: Vec<String>,
}

fn rows(count: u64) -> Vec<Row> {
    let authority = json!({"objectType": "Agent", "name": "bench",
        "account": {"homePage": "http://127.0.0.1:8080", "name": "lrs-bench"}});
    let start = OffsetDateTime::now_utc();
    let org = uuid::Uuid::new_v4();
    (0..count)
        .map(|n| {
            let p = prepare(
                sample::statement(start, n),
                None,
                &authority,
                start,
                Version::V2_0_0,
            )
            .expect("sample statements are valid");
            let text = |t: OffsetDateTime| Sql::Text(t.format(&Rfc3339).unwrap_or_default());
            let blob =
                |u: Option<uuid::Uuid>| u.map_or(Sql::Null, |u| Sql::Blob(u.as_bytes().to_vec()));
            let opt = |s: Option<String>| s.map_or(Sql::Null, Sql::Text);
            Row {
                values: vec![
                    blob(Some(p.id)),
                    blob(Some(org)),
                    Sql::Text(p.verb.clone()),
                    opt(p.actor.clone()),
                    opt(p.object_agent.clone()),
                    opt(p.activity.clone()),
                    blob(p.registration),
                    blob(p.voids),
                    text(p.timestamp),
                    text(p.stored),
                    Sql::Text(p.body.to_string()),
                    blob(p.statement_ref),
                ],
                agents: p.related_agents,
                activities: p.related_activities,
            }
        })
        .collect()
}

fn migrated(path: &std::path::Path) -> Connection {
    let db = Connection::open(path).expect("open");
    db.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 4000;",
    )
    .expect("pragmas");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("migrations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for f in files {
        db.execute_batch(&std::fs::read_to_string(&f).expect("migration"))
            .expect("migrate");
    }
    db
}

fn insert(db: &mut Connection, batch: &[Row]) {
    let tx = db
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("begin");
    let placeholders = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; batch.len()].join(", ");
    let sql = format!(
        "INSERT INTO xapi_statements (id, org_id, verb, actor, object_agent, activity, registration, voids, timestamp, stored, body, statement_ref) VALUES {placeholders} RETURNING seq"
    );
    let seqs: Vec<i64> = {
        let mut stmt = tx.prepare_cached(&sql).expect("prepare");
        let values = batch.iter().flat_map(|r| r.values.iter());
        stmt.query_map(params_from_iter(values), |r| r.get(0))
            .expect("insert")
            .collect::<Result<_, _>>()
            .expect("seqs")
    };
    for (table, column, pick) in [
        (
            "xapi_statement_agents",
            "agent",
            (|r: &Row| &r.agents) as fn(&Row) -> &Vec<String>,
        ),
        ("xapi_statement_activities", "activity", |r: &Row| {
            &r.activities
        }),
    ] {
        let pairs: Vec<(&String, i64)> = batch
            .iter()
            .zip(&seqs)
            .flat_map(|(r, seq)| pick(r).iter().map(move |k| (k, *seq)))
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({column}, statement_seq) VALUES {}",
            vec!["(?, ?)"; pairs.len()].join(", ")
        );
        let mut stmt = tx.prepare_cached(&sql).expect("prepare");
        let values = pairs
            .iter()
            .flat_map(|(k, seq)| [Sql::Text((*k).clone()), Sql::Integer(*seq)]);
        stmt.execute(params_from_iter(values)).expect("related");
    }
    tx.commit().expect("commit");
}

fn main() {
    let count: u64 = std::env::var("STATEMENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let rows = rows(count);
    println!("| batch | statements | statements/s |");
    println!("|---|---|---|");
    for batch in [1, 10, 100] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut db = migrated(&dir.path().join("ceiling.db"));
        let started = Instant::now();
        for chunk in rows.chunks(batch) {
            insert(&mut db, chunk);
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("| {batch} | {count} | {:.0} |", count as f64 / seconds);
    }
}
