//! The learning record store's storage, run on SQLite and (when configured) PostgreSQL.

use serde_json::{Value, json};
use suyang_store::testing::{TestDb, backends};
use suyang_store::{LrsCredential, NewStatement, StatementQuery, Store, StoreError};
use suyang_xapi::Version;
use suyang_xapi::statement::{prepare, same_statement};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

async fn on_each_backend(scenario: impl AsyncFn(Store, Uuid)) {
    for backend in backends() {
        let db = TestDb::create(backend).await.unwrap();
        let store = db.store().await.unwrap();
        let org = store
            .ensure_organisation("default", "Default", OffsetDateTime::now_utc())
            .await
            .unwrap();
        scenario(store.clone(), org.id).await;
        store.close().await;
        db.cleanup().await;
    }
}

fn new(statement: Value, stored: OffsetDateTime) -> NewStatement {
    let authority = json!({"objectType": "Agent", "account": {"homePage": "http://lrs.example.cn", "name": "key"}});
    let p = prepare(statement, None, &authority, stored, Version::V2_0_0).unwrap();
    NewStatement {
        id: p.id,
        body: p.body.to_string(),
        verb: p.verb,
        actor: p.actor,
        object_agent: p.object_agent,
        activity: p.activity,
        registration: p.registration,
        voids: p.voids,
        statement_ref: p.statement_ref,
        timestamp: p.timestamp,
        stored: p.stored,
        related_agents: p.related_agents,
        related_activities: p.related_activities,
    }
}

fn same(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => same_statement(&a, &b),
        _ => false,
    }
}

fn statement(who: &str, verb: &str, activity: &str) -> Value {
    json!({"actor": {"mbox": format!("mailto:{who}@example.cn")}, "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")},
           "object": {"id": format!("http://example.cn/activities/{activity}")},
           "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "contextActivities": {"parent": {"id": "http://example.cn/course"}},
                       "instructor": {"mbox": "mailto:teacher@example.cn"}}})
}

#[tokio::test]
async fn credentials_round_trip() {
    on_each_backend(async |store, org| {
        let c = LrsCredential {
            id: Uuid::now_v7(),
            org_id: org,
            name: "H5P".into(),
            key: "key-1".into(),
            secret_hash: "hash".into(),
            scopes: vec!["statements/write".into(), "statements/read/mine".into()],
            created_at: OffsetDateTime::now_utc(),
            revoked_at: None,
        };
        store.create_lrs_credential(&c).await.unwrap();
        let back = store.lrs_credential_by_key("key-1").await.unwrap().unwrap();
        assert_eq!(back.scopes, c.scopes);
        assert!(matches!(
            store.create_lrs_credential(&c).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(store.lrs_credential_by_key("nope").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn concurrent_batches_commit_together_and_each_stays_all_or_nothing() {
    on_each_backend(async |store, org| {
        let t = OffsetDateTime::now_utc();
        let stored = new(statement("s", "completed", "lesson-0"), t);
        store
            .insert_statements(org, std::slice::from_ref(&stored), same)
            .await
            .unwrap();
        // Forty batches at once: the writer groups them into few transactions. One batch
        // reuses a stored id with different content, one repeats a stored statement, one
        // shares an id with another batch of the same moment.
        let mut batches: Vec<Vec<NewStatement>> = (0..40)
            .map(|i| {
                (0..5)
                    .map(|j| {
                        new(
                            statement(&format!("p{i}"), "answered", &format!("item-{j}")),
                            t,
                        )
                    })
                    .collect()
            })
            .collect();
        let mut clash = new(statement("s", "failed", "lesson-0"), t);
        clash.id = stored.id;
        batches[7].push(clash);
        batches[8].push(stored.clone());
        let twin = batches[20][0].clone();
        batches[21].push(twin);
        let results = futures_join(
            batches
                .iter()
                .map(|b| {
                    let store = store.clone();
                    let b = b.clone();
                    tokio::spawn(async move { store.insert_statements(org, &b, same).await })
                })
                .collect(),
        )
        .await;
        for (i, r) in results.iter().enumerate() {
            match i {
                7 => assert!(matches!(r, Err(StoreError::Conflict("statement"))), "{r:?}"),
                8 | 21 => assert_eq!(
                    r.as_ref().unwrap().len(),
                    5,
                    "the repeated statement is skipped"
                ),
                _ => assert_eq!(r.as_ref().unwrap().len(), 5),
            }
        }
        for s in &batches[7] {
            let kept = store.statement(org, s.id).await.unwrap();
            if s.id == stored.id {
                let body: Value = serde_json::from_str(&kept.unwrap().body).unwrap();
                assert_eq!(
                    body["verb"]["id"],
                    "http://adlnet.gov/expapi/verbs/completed"
                );
            } else {
                assert!(kept.is_none(), "nothing of the conflicting batch is stored");
            }
        }
        for b in batches
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 7)
            .map(|(_, b)| b)
        {
            for s in b {
                assert!(store.statement(org, s.id).await.unwrap().is_some());
            }
        }
    })
    .await;
}

async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn batches_are_atomic_and_statements_immutable() {
    on_each_backend(async |store, org| {
        let t = OffsetDateTime::now_utc();
        let a = new(statement("a", "completed", "lesson-1"), t);
        let b = new(statement("b", "attempted", "lesson-2"), t);
        assert_eq!(
            store
                .insert_statements(org, &[a.clone(), b.clone()], same)
                .await
                .unwrap()
                .len(),
            2
        );
        // The same statement again is accepted and not stored twice.
        assert_eq!(
            store
                .insert_statements(org, std::slice::from_ref(&a), same)
                .await
                .unwrap()
                .len(),
            0
        );
        // A different statement under a stored id fails the whole batch.
        let c = new(statement("c", "completed", "lesson-3"), t);
        let mut clash = new(statement("a", "failed", "lesson-1"), t);
        clash.id = a.id;
        assert!(matches!(
            store
                .insert_statements(org, &[c.clone(), clash], same)
                .await,
            Err(StoreError::Conflict("statement"))
        ));
        assert!(
            store.statement(org, c.id).await.unwrap().is_none(),
            "nothing of a rejected batch is stored"
        );
        let got = store.statement(org, a.id).await.unwrap().unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&got.body).unwrap()["id"],
            a.id.to_string()
        );
        assert!(
            store.statement(Uuid::nil(), a.id).await.unwrap().is_none(),
            "other organisations see nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn voiding_hides_the_target_from_queries() {
    on_each_backend(async |store, org| {
        let t = OffsetDateTime::now_utc();
        let a = new(statement("a", "completed", "lesson-1"), t);
        store.insert_statements(org, std::slice::from_ref(&a), same).await.unwrap();
        let void = new(
            json!({"actor": {"mbox": "mailto:admin@example.cn"}, "verb": {"id": suyang_xapi::validate::VOIDED},
                   "object": {"objectType": "StatementRef", "id": a.id.to_string()}}),
            t,
        );
        store.insert_statements(org, std::slice::from_ref(&void), same).await.unwrap();
        assert!(store.statement(org, a.id).await.unwrap().unwrap().voided);
        let all = store.query_statements(&StatementQuery { org_id: org, limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![void.id]);
    })
    .await;
}

#[tokio::test]
async fn queries_filter_order_and_page() {
    on_each_backend(async |store, org| {
        let t0 = OffsetDateTime::now_utc() - Duration::hours(1);
        let mut batch = Vec::new();
        for i in 0..6 {
            let who = if i % 2 == 0 { "even" } else { "odd" };
            let verb = if i < 3 { "completed" } else { "attempted" };
            batch.push(new(
                statement(who, verb, &format!("lesson-{i}")),
                t0 + Duration::minutes(i),
            ));
        }
        store.insert_statements(org, &batch, same).await.unwrap();
        let q = |f: &dyn Fn(&mut StatementQuery)| {
            let mut q = StatementQuery {
                org_id: org,
                limit: 100,
                ..Default::default()
            };
            f(&mut q);
            q
        };
        let ids = |rows: Vec<suyang_store::StoredStatement>| {
            rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        let newest_first = ids(store.query_statements(&q(&|_| {})).await.unwrap());
        assert_eq!(
            newest_first,
            batch.iter().rev().map(|s| s.id).collect::<Vec<_>>()
        );
        let even = store
            .query_statements(&q(&|q| {
                q.agent = Some("mbox:mailto:even@example.cn".into())
            }))
            .await
            .unwrap();
        assert_eq!(even.len(), 3);
        let even_completed = store
            .query_statements(&q(&|q| {
                q.agent = Some("mbox:mailto:even@example.cn".into());
                q.verb = Some("http://adlnet.gov/expapi/verbs/completed".into());
            }))
            .await
            .unwrap();
        assert_eq!(even_completed.len(), 2);
        let one = store
            .query_statements(&q(&|q| {
                q.activity = Some("http://example.cn/activities/lesson-4".into())
            }))
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        let parent = store
            .query_statements(&q(&|q| {
                q.activity = Some("http://example.cn/course".into())
            }))
            .await
            .unwrap();
        assert!(
            parent.is_empty(),
            "context activities only match with related_activities"
        );
        let related = store
            .query_statements(&q(&|q| {
                q.activity = Some("http://example.cn/course".into());
                q.related_activities = true;
            }))
            .await
            .unwrap();
        assert_eq!(related.len(), 6);
        let teacher = store
            .query_statements(&q(&|q| {
                q.agent = Some("mbox:mailto:teacher@example.cn".into());
                q.related_agents = true;
            }))
            .await
            .unwrap();
        assert_eq!(teacher.len(), 6);
        let registration = store
            .query_statements(&q(&|q| {
                q.registration =
                    Some(Uuid::parse_str("ec531277-b57b-4c15-8d91-d292c5b2b8f7").unwrap())
            }))
            .await
            .unwrap();
        assert_eq!(registration.len(), 6);
        let window = store
            .query_statements(&q(&|q| {
                q.since = Some(t0 + Duration::seconds(90));
                q.until = Some(t0 + Duration::minutes(4));
            }))
            .await
            .unwrap();
        assert_eq!(ids(window), vec![batch[4].id, batch[3].id, batch[2].id]);
        // Paging: two at a time, oldest first, continuing after the last seq seen.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .query_statements(&q(&|q| {
                    q.ascending = true;
                    q.limit = 2;
                    q.after = after;
                }))
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            after = page.last().map(|s| s.seq);
            seen.extend(page.into_iter().map(|s| s.id));
        }
        assert_eq!(seen, batch.iter().map(|s| s.id).collect::<Vec<_>>());
    })
    .await;
}

#[tokio::test]
async fn a_person_can_be_forgotten() {
    on_each_backend(async |store, org| {
        let t = OffsetDateTime::now_utc();
        let mine = new(statement("gone", "completed", "x"), t);
        let theirs = new(statement("stays", "completed", "x"), t);
        store
            .insert_statements(org, &[mine.clone(), theirs.clone()], same)
            .await
            .unwrap();
        assert_eq!(
            store
                .delete_statements_by_actor(org, "mbox:mailto:gone@example.cn")
                .await
                .unwrap(),
            1
        );
        assert!(store.statement(org, mine.id).await.unwrap().is_none());
        assert!(store.statement(org, theirs.id).await.unwrap().is_some());
        let related = store
            .query_statements(&StatementQuery {
                org_id: org,
                agent: Some("mbox:mailto:gone@example.cn".into()),
                related_agents: true,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(related.is_empty());
    })
    .await;
}

#[tokio::test]
async fn postgres_keeps_statements_in_monthly_partitions() {
    if !backends().contains(&"postgres") {
        return;
    }
    let db = TestDb::create("postgres").await.unwrap();
    let store = db.store().await.unwrap();
    let org = store
        .ensure_organisation("default", "Default", OffsetDateTime::now_utc())
        .await
        .unwrap()
        .id;
    let now = OffsetDateTime::now_utc();
    // Migration made this month's partition and the next three; asking again makes none.
    assert_eq!(store.ensure_statement_partitions(now).await.unwrap(), 0);
    let a = new(statement("a", "completed", "lesson-1"), now);
    store
        .insert_statements(org, std::slice::from_ref(&a), same)
        .await
        .unwrap();
    // The same id again is the same statement; different content is a conflict, across
    // partitions too (ids are unique in their own table).
    let mut later = new(
        statement("a", "failed", "lesson-1"),
        now + Duration::days(40),
    );
    later.id = a.id;
    assert!(matches!(
        store.insert_statements(org, &[later], same).await,
        Err(StoreError::Conflict("statement"))
    ));
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let partition: String =
        sqlx::query_scalar("SELECT tableoid::regclass::text FROM xapi_statements WHERE id = $1")
            .bind(a.id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        partition,
        format!(
            "xapi_statements_y{:04}m{:02}",
            now.year(),
            u8::from(now.month())
        )
    );
    let months: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'xapi_statements'::regclass",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        months,
        1 + 1 + i64::from(suyang_store::PARTITIONS_AHEAD),
        "default + months"
    );
    // Forgetting a person frees their statement ids.
    assert_eq!(
        store
            .delete_statements_by_actor(org, a.actor.as_deref().unwrap())
            .await
            .unwrap(),
        1
    );
    let ids: i64 = sqlx::query_scalar("SELECT count(*) FROM xapi_statement_ids")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(ids, 0);
    drop(conn);
    store.close().await;
    db.cleanup().await;
}
