//! Fresh databases for tests: a temporary SQLite file always, and a new PostgreSQL database per
//! use when `SUYANG_TEST_DATABASE_URL` is set (dropped again by [`TestDb::cleanup`]).

use std::time::{SystemTime, UNIX_EPOCH};

// Database names below are generated here (digits, hex), never taken from input.
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{Store, StoreError};

/// The environment variable naming a PostgreSQL server tests may create databases on.
pub const PG_ENV: &str = "SUYANG_TEST_DATABASE_URL";

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

/// The backends to run a scenario on: SQLite, plus PostgreSQL when configured.
pub fn backends() -> Vec<&'static str> {
    let mut b = vec!["sqlite"];
    if std::env::var(PG_ENV).is_ok_and(|v| !v.is_empty()) {
        b.push("postgres");
    }
    b
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// Creates an empty database on `backend` ("sqlite" or "postgres").
    pub async fn create(backend: &str) -> Result<TestDb, StoreError> {
        if backend == "postgres" {
            let admin =
                std::env::var(PG_ENV).map_err(|_| StoreError::UnsupportedUrl(PG_ENV.into()))?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let name = format!("suyang_t_{now}_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::connect(&admin).await?;
            // Databases left by crashed runs more than two hours ago.
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT datname FROM pg_database WHERE datname LIKE 'suyang_t_%'",
            )
            .fetch_all(&mut conn)
            .await?;
            for old in stale {
                let ts = old
                    .split('_')
                    .nth(2)
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(u64::MAX);
                if ts + 7200 < now {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            }
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut conn)
                .await?;
            conn.close().await?;
            Ok(TestDb {
                url: replace_database(&admin, &name),
                _dir: None,
                pg: Some((admin, name)),
            })
        } else {
            let dir = tempfile::tempdir().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            let url = format!("sqlite:{}", dir.path().join("suyang.db").display());
            Ok(TestDb {
                url,
                _dir: Some(dir),
                pg: None,
            })
        }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Result<Store, StoreError> {
        let store = Store::connect(&self.url, 4).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Drops the PostgreSQL database (the SQLite file goes with the temporary directory).
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::connect(admin).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_database("postgres://h", "x"),
            "postgres://h/x"
        );
    }
}
