//! The store conformance suite: every scenario runs on SQLite, and on PostgreSQL when
//! `SUYANG_TEST_DATABASE_URL` is set, and must behave the same on both.

use suyang_domain::account::{ElderMode, Role};
use suyang_domain::content::{builtin_framework, builtin_lessons};
use suyang_store::testing::{TestDb, backends};
use suyang_store::{
    AuditEntry, NewUser, SaveOutcome, SessionKind, StatisticsRecord, Store, StoreError,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

async fn on_each_backend<F, Fut>(scenario: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        let db = TestDb::create(backend).await.expect("test database");
        let store = db.store().await.expect("migrated store");
        scenario(store.clone()).await;
        store.close().await;
        db.cleanup().await;
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

async fn new_user(store: &Store, login: &str) -> suyang_store::User {
    let org = store
        .ensure_organisation("default", "Default", now())
        .await
        .unwrap();
    store
        .create_user(
            NewUser {
                org_id: org.id,
                login: login.into(),
                display_name: "王阿姨".into(),
                password_hash: "hash".into(),
                role: Role::Learner,
                locale: Some("zh-CN".into()),
                elder_mode: ElderMode::On,
            },
            now(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn users_are_unique_by_login_and_round_trip() {
    on_each_backend(|store| async move {
        let u = new_user(&store, "wang").await;
        assert_eq!(u.display_name, "王阿姨");
        assert_eq!(u.elder_mode, ElderMode::On);
        assert_eq!(store.user_by_login("wang").await.unwrap().unwrap().id, u.id);
        let org = store
            .ensure_organisation("default", "ignored", now())
            .await
            .unwrap();
        assert_eq!(org.id, u.org_id, "ensure_organisation is idempotent");
        let dup = store
            .create_user(
                NewUser {
                    org_id: u.org_id,
                    login: "wang".into(),
                    display_name: "x".into(),
                    password_hash: "h".into(),
                    role: Role::Learner,
                    locale: None,
                    elder_mode: ElderMode::Off,
                },
                now(),
            )
            .await;
        assert!(matches!(dup, Err(StoreError::Conflict("login"))));
        store
            .set_role(u.id, Role::Facilitator, now())
            .await
            .unwrap();
        store
            .update_user_profile(u.id, "Wang", Some("en"), ElderMode::Large, now())
            .await
            .unwrap();
        let again = store.user_by_id(u.id).await.unwrap().unwrap();
        assert_eq!(
            (again.role, again.display_name.as_str(), again.elder_mode),
            (Role::Facilitator, "Wang", ElderMode::Large)
        );
        assert_eq!(store.count_users().await.unwrap(), 1);
        assert_eq!(
            store.list_users(Some(u.org_id), 10, 0).await.unwrap().len(),
            1
        );
        assert_eq!(
            store
                .list_users(Some(Uuid::nil()), 10, 0)
                .await
                .unwrap()
                .len(),
            0
        );
        assert!(matches!(
            store.set_role(Uuid::nil(), Role::Learner, now()).await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_end_with_password_change() {
    on_each_backend(|store| async move {
        let u = new_user(&store, "li").await;
        let t = now();
        store
            .create_session(
                b"live-one",
                u.id,
                SessionKind::Web,
                t,
                t + Duration::hours(1),
            )
            .await
            .unwrap();
        store
            .create_session(
                b"live-two",
                u.id,
                SessionKind::Api,
                t,
                t + Duration::hours(1),
            )
            .await
            .unwrap();
        store
            .create_session(
                b"expired",
                u.id,
                SessionKind::Web,
                t - Duration::hours(2),
                t - Duration::hours(1),
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .session_user(b"live-one", t)
                .await
                .unwrap()
                .unwrap()
                .id,
            u.id
        );
        assert!(store.session_user(b"expired", t).await.unwrap().is_none());
        assert!(store.session_user(b"unknown", t).await.unwrap().is_none());
        assert_eq!(store.prune(t, t - Duration::days(1)).await.unwrap(), 1);
        store
            .set_password(u.id, "new-hash", Some(b"live-one"), t)
            .await
            .unwrap();
        assert!(store.session_user(b"live-one", t).await.unwrap().is_some());
        assert!(store.session_user(b"live-two", t).await.unwrap().is_none());
        store.delete_session(b"live-one").await.unwrap();
        assert!(store.session_user(b"live-one", t).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn login_failures_count_in_a_window() {
    on_each_backend(|store| async move {
        let t = now();
        for i in 0..3 {
            store
                .record_login_failure("login:wang", t - Duration::minutes(i * 10))
                .await
                .unwrap();
        }
        assert_eq!(
            store
                .login_failures_since("login:wang", t - Duration::minutes(15))
                .await
                .unwrap(),
            2
        );
        store.clear_login_failures("login:wang").await.unwrap();
        assert_eq!(
            store
                .login_failures_since("login:wang", t - Duration::hours(1))
                .await
                .unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn frameworks_are_versioned_and_saving_is_idempotent() {
    on_each_backend(|store| async move {
        let mut f = builtin_framework().unwrap();
        assert_eq!(
            store.save_framework(&f, true, now()).await.unwrap(),
            SaveOutcome::Created
        );
        let rev = store.frameworks_revision().await.unwrap();
        assert_eq!(
            store.save_framework(&f, true, now()).await.unwrap(),
            SaveOutcome::Unchanged
        );
        assert_eq!(store.frameworks_revision().await.unwrap(), rev);
        f.version = "1.1".into();
        assert_eq!(
            store.save_framework(&f, true, now()).await.unwrap(),
            SaveOutcome::NewVersion(2)
        );
        assert_ne!(store.frameworks_revision().await.unwrap(), rev);
        let all = store.frameworks().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].framework, f);
        assert_eq!(all[0].version, 2);
        let versions = store.framework_versions(f.id).await.unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| v.label.as_str())
                .collect::<Vec<_>>(),
            ["1.0", "1.1"]
        );
    })
    .await;
}

#[tokio::test]
async fn lessons_load_once() {
    on_each_backend(|store| async move {
        let lessons = builtin_lessons().unwrap();
        for l in &lessons {
            assert!(store.save_lesson(l, now()).await.unwrap());
        }
        for l in &lessons {
            assert!(
                !store.save_lesson(l, now()).await.unwrap(),
                "unchanged lesson is left alone"
            );
        }
        assert_eq!(store.lessons().await.unwrap().len(), lessons.len());
    })
    .await;
}

#[tokio::test]
async fn statistics_audit_and_deletion() {
    on_each_backend(|store| async move {
        let u = new_user(&store, "zhao").await;
        let other = new_user(&store, "qian").await;
        let t = now();
        let record = StatisticsRecord {
            region: Some("330100".into()),
            age_band: Some("60-69".into()),
            group: Some("elder".into()),
            consented_at: t,
        };
        store.set_statistics(&u, &record).await.unwrap();
        assert_eq!(
            store
                .statistics(u.id)
                .await
                .unwrap()
                .unwrap()
                .region
                .as_deref(),
            Some("330100")
        );
        store.clear_statistics(u.id).await.unwrap();
        assert!(store.statistics(u.id).await.unwrap().is_none());
        store.set_statistics(&u, &record).await.unwrap();
        store.set_statistics(&other, &record).await.unwrap();

        store
            .audit(&AuditEntry {
                id: Uuid::now_v7(),
                org_id: Some(u.org_id),
                actor_id: None,
                actor: "cli".into(),
                action: "user.grant".into(),
                target: Some("zhao".into()),
                details: Some(serde_json::json!({"role": "facilitator"})),
                at: t,
            })
            .await
            .unwrap();
        assert_eq!(
            store.audit_log(10, 0).await.unwrap()[0].action,
            "user.grant"
        );

        store
            .create_session(b"s", u.id, SessionKind::Web, t, t + Duration::hours(1))
            .await
            .unwrap();
        store.delete_user(u.id).await.unwrap();
        assert!(store.user_by_id(u.id).await.unwrap().is_none());
        assert!(store.statistics(u.id).await.unwrap().is_none());
        assert!(store.session_user(b"s", t).await.unwrap().is_none());
        assert!(
            store.statistics(other.id).await.unwrap().is_some(),
            "others' data stays"
        );
        assert!(matches!(
            store.delete_user(u.id).await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn settings_keep_the_first_value() {
    on_each_backend(|store| async move {
        assert_eq!(store.setting_or_insert("secret", "a").await.unwrap(), "a");
        assert_eq!(store.setting_or_insert("secret", "b").await.unwrap(), "a");
        assert_eq!(store.pending_migrations().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    assert!(matches!(
        Store::connect("mysql://x", 1).await,
        Err(StoreError::UnsupportedUrl(_))
    ));
}
