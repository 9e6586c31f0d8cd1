use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::types::Json;
use suyang_domain::account::{ElderMode, Role};
use suyang_domain::framework::Framework;
use suyang_domain::lesson::Lesson;
use time::OffsetDateTime;
use uuid::Uuid;

use tokio::sync::mpsc;

use crate::batch_writer::{self, BatchJob};
use crate::error::StoreError;
use crate::records::*;

/// Which database a [`Store`] talks to.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The platform's storage. Cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// SQLite allows one writer at a time: write transactions queue for this one connection
    /// instead of sleeping in the busy handler, and its page cache stays warm because no other
    /// connection changes the pages under it. `None` on PostgreSQL.
    pub(crate) writer: Option<SqlitePool>,
    /// Statement batches, to the group-commit writer.
    pub(crate) batches: mpsc::Sender<BatchJob>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    org_id: Uuid,
    login: String,
    display_name: String,
    password_hash: String,
    role: String,
    locale: Option<String>,
    elder_mode: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl UserRow {
    fn into_user(self) -> Result<User, StoreError> {
        let role = Role::from_key(&self.role).ok_or_else(|| StoreError::Corrupt {
            what: "user role",
            message: self.role.clone(),
        })?;
        Ok(User {
            id: self.id,
            org_id: self.org_id,
            login: self.login,
            display_name: self.display_name,
            password_hash: self.password_hash,
            role,
            locale: self.locale,
            elder_mode: ElderMode::from_key(&self.elder_mode).unwrap_or_default(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// `SELECT <user columns> FROM …`, assembled at compile time so the SQL stays static.
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT u.id, u.org_id, u.login, u.display_name, u.password_hash, u.role, u.locale, u.elder_mode, u.created_at, u.updated_at FROM ",
            $rest
        )
    };
}

/// Months after the current one that get their statement partition in advance (PostgreSQL).
pub const PARTITIONS_AHEAD: u32 = 3;

/// Page cache of the SQLite writer, in KiB (negative: a size, not a page count): enough for
/// the upper levels of every index, so inserts touch the file only to write.
const WRITER_CACHE_KIB: &str = "-8192";
/// WAL pages before the writer checkpoints into the database file. Larger than SQLite's 1,000,
/// so a page changed by many transactions is copied back once.
const WAL_CHECKPOINT_PAGES: &str = "4000";

pub(crate) fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
}

impl Store {
    /// Connects to `sqlite:PATH` (created if missing, WAL mode) or `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.max(1))
                .min_connections(1)
                .connect_with(options.clone())
                .await?;
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(
                    options
                        .pragma("cache_size", WRITER_CACHE_KIB)
                        .pragma("wal_autocheckpoint", WAL_CHECKPOINT_PAGES),
                )
                .await?;
            return Ok(Store::with_pools(Backend::Sqlite(pool), Some(writer)));
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.application_name("suyang");
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        Ok(Store::with_pools(backend, None))
    }

    fn with_pools(backend: Backend, writer: Option<SqlitePool>) -> Store {
        let batches = batch_writer::start(batch_writer::Pools {
            backend: backend.clone(),
            writer: writer.clone(),
        });
        Store {
            backend,
            writer,
            batches,
        }
    }

    /// How write transactions begin. SQLite takes the write lock at once (`IMMEDIATE`): a
    /// transaction that reads first and upgrades later fails with "database is locked" instead of
    /// waiting when another writer got in between.
    pub(crate) fn write_begin(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "BEGIN IMMEDIATE",
            Backend::Postgres(_) => "BEGIN",
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations for this backend, and on PostgreSQL makes sure the coming
    /// months have statement partitions.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.ensure_statement_partitions(OffsetDateTime::now_utc())
            .await?;
        Ok(())
    }

    /// PostgreSQL keeps statements in monthly partitions of `xapi_statements`: this creates
    /// those of the month of `now` and the next [`PARTITIONS_AHEAD`] months where missing, and
    /// returns how many it created. A month whose statements already sit in the default
    /// partition (stored before its partition existed) stays there. Nothing to do on SQLite.
    pub async fn ensure_statement_partitions(
        &self,
        now: OffsetDateTime,
    ) -> Result<u32, StoreError> {
        let Backend::Postgres(pool) = &self.backend else {
            return Ok(0);
        };
        let mut created = 0;
        let (mut year, mut month) = (now.year(), u8::from(now.month()));
        for _ in 0..=PARTITIONS_AHEAD {
            let (next_year, next_month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            let name = format!("xapi_statements_y{year:04}m{month:02}");
            let from = format!("{year:04}-{month:02}-01T00:00:00Z");
            let to = format!("{next_year:04}-{next_month:02}-01T00:00:00Z");
            let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                .bind(&name)
                .fetch_one(pool)
                .await?;
            let stranded: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM xapi_statements_default WHERE stored >= $1::timestamptz AND stored < $2::timestamptz)",
            )
            .bind(&from)
            .bind(&to)
            .fetch_one(pool)
            .await?;
            if !exists && !stranded {
                // Names and bounds are made here from numbers, never from input.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE TABLE IF NOT EXISTS {name} PARTITION OF xapi_statements FOR VALUES FROM ('{from}') TO ('{to}')"
                )))
                .execute(pool)
                .await?;
                created += 1;
            }
            (year, month) = (next_year, next_month);
        }
        Ok(created)
    }

    /// Migrations not yet applied, for `suyang check`.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        let applied: Vec<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(pool)
                .await
                .unwrap_or_default()
        });
        let all: Vec<i64> = match &self.backend {
            Backend::Sqlite(_) => sqlx::migrate!("./migrations/sqlite")
                .iter()
                .map(|m| m.version)
                .collect(),
            Backend::Postgres(_) => sqlx::migrate!("./migrations/postgres")
                .iter()
                .map(|m| m.version)
                .collect(),
        };
        Ok(all.iter().filter(|v| !applied.contains(v)).count())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use.
    pub async fn backup_to(&self, path: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())?;
                Ok(())
            }
            Backend::Postgres(_) => Err(StoreError::UnsupportedUrl(
                "backup of PostgreSQL: use pg_dump".into(),
            )),
        }
    }

    // ---- settings ----

    /// Returns the stored value for `key`, storing `value` first if there is none. Servers that
    /// share a database thereby agree on one value (e.g. the signing secret).
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())?;
            Ok(
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(pool)
                    .await?,
            )
        })
    }

    // ---- organisations ----

    pub async fn ensure_organisation(
        &self,
        slug: &str,
        name: &str,
        now: OffsetDateTime,
    ) -> Result<Organisation, StoreError> {
        let (id, slug, name, created_at): (Uuid, String, String, OffsetDateTime) = with_pool!(
            self,
            |pool| {
                sqlx::query("INSERT INTO organisations (id, slug, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING")
                .bind(Uuid::now_v7())
                .bind(slug)
                .bind(name)
                .bind(utc(now))
                .execute(pool)
                .await.map(|r| r.rows_affected())?;
                sqlx::query_as(
                    "SELECT id, slug, name, created_at FROM organisations WHERE slug = $1",
                )
                .bind(slug)
                .fetch_one(pool)
                .await?
            }
        );
        Ok(Organisation {
            id,
            slug,
            name,
            created_at,
        })
    }

    // ---- users ----

    pub async fn create_user(&self, new: NewUser, now: OffsetDateTime) -> Result<User, StoreError> {
        let id = Uuid::now_v7();
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO users (id, org_id, login, display_name, password_hash, role, locale, elder_mode, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id)
            .bind(new.org_id)
            .bind(&new.login)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.role.key())
            .bind(&new.locale)
            .bind(new.elder_mode.key())
            .bind(utc(now))
            .execute(pool)
            .await.map(|r| r.rows_affected())
        })
        .map_err(|e| StoreError::from_insert(e, "login"))?;
        self.user_by_id(id)
            .await?
            .ok_or(StoreError::NotFound("user"))
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        let sql = select_users!("users u WHERE u.id = $1");
        let row: Option<UserRow> = with_pool!(self, |pool| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(UserRow::into_user).transpose()
    }

    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        let sql = select_users!("users u WHERE u.login = $1");
        let row: Option<UserRow> = with_pool!(self, |pool| sqlx::query_as(sql)
            .bind(login)
            .fetch_optional(pool)
            .await)?;
        row.map(UserRow::into_user).transpose()
    }

    /// Users in creation order, optionally of one organisation.
    pub async fn list_users(
        &self,
        org: Option<Uuid>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<User>, StoreError> {
        let sql = select_users!(
            "users u WHERE ($1 IS NULL OR u.org_id = $1) ORDER BY u.created_at, u.id LIMIT $2 OFFSET $3"
        );
        let rows: Vec<UserRow> = with_pool!(self, |pool| {
            sqlx::query_as(sql)
                .bind(org)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM users"
        )
        .fetch_one(pool)
        .await)?)
    }

    pub async fn update_user_profile(
        &self,
        id: Uuid,
        display_name: &str,
        locale: Option<&str>,
        elder_mode: ElderMode,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let done = with_writer!(self, |pool| {
            sqlx::query("UPDATE users SET display_name = $2, locale = $3, elder_mode = $4, updated_at = $5 WHERE id = $1")
                .bind(id)
                .bind(display_name)
                .bind(locale)
                .bind(elder_mode.key())
                .bind(utc(now))
                .execute(pool)
                .await.map(|r| r.rows_affected())
        })?;
        if done == 0 {
            Err(StoreError::NotFound("user"))
        } else {
            Ok(())
        }
    }

    pub async fn set_role(
        &self,
        id: Uuid,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let done = with_writer!(self, |pool| {
            sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(role.key())
                .bind(utc(now))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        if done == 0 {
            Err(StoreError::NotFound("user"))
        } else {
            Ok(())
        }
    }

    /// Replaces the password hash and ends every session of the user but `keep`.
    pub async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        keep: Option<&[u8]>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            let mut tx = pool.begin_with(self.write_begin()).await?;
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(utc(now))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
            )
            .bind(id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Deletes a person's account, sessions and statistics facts (their statements are removed
    /// from the learning record store first, by the caller that knows their agent identity).
    pub async fn delete_user(&self, id: Uuid) -> Result<(), StoreError> {
        let done = with_writer!(self, |pool| {
            let mut tx = pool.begin_with(self.write_begin()).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM statistics_profiles WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done)
        })?;
        if done == 0 {
            Err(StoreError::NotFound("user"))
        } else {
            Ok(())
        }
    }

    // ---- statistics consent ----

    pub async fn set_statistics(
        &self,
        user: &User,
        record: &StatisticsRecord,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO statistics_profiles (user_id, org_id, region, age_band, user_group, consented_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (user_id) DO UPDATE SET region = $3, age_band = $4, user_group = $5, consented_at = $6",
            )
            .bind(user.id)
            .bind(user.org_id)
            .bind(&record.region)
            .bind(&record.age_band)
            .bind(&record.group)
            .bind(utc(record.consented_at))
            .execute(pool)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Withdraws consent: the facts are deleted, not just hidden.
    pub async fn clear_statistics(&self, user_id: Uuid) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query("DELETE FROM statistics_profiles WHERE user_id = $1")
                .bind(user_id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn statistics(&self, user_id: Uuid) -> Result<Option<StatisticsRecord>, StoreError> {
        /// region, age band, group, consented at.
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            OffsetDateTime,
        );
        let row: Option<Row> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT region, age_band, user_group, consented_at FROM statistics_profiles WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(
            row.map(|(region, age_band, group, consented_at)| StatisticsRecord {
                region,
                age_band,
                group,
                consented_at,
            }),
        )
    }

    // ---- sessions ----

    pub async fn create_session(
        &self,
        token_hash: &[u8],
        user_id: Uuid,
        kind: SessionKind,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash)
                .bind(user_id)
                .bind(kind.key())
                .bind(utc(now))
                .bind(utc(expires_at))
                .execute(pool)
                .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The user a live session belongs to.
    pub async fn session_user(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let sql = select_users!(
            "sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row: Option<UserRow> = with_pool!(self, |pool| {
            sqlx::query_as(sql)
                .bind(token_hash)
                .bind(utc(now))
                .fetch_optional(pool)
                .await
        })?;
        row.map(UserRow::into_user).transpose()
    }

    pub async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionInfo>, StoreError> {
        let rows: Vec<(String, OffsetDateTime, OffsetDateTime)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT kind, created_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at")
                .bind(user_id)
                .fetch_all(pool)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(kind, created_at, expires_at)| SessionInfo {
                kind,
                created_at,
                expires_at,
            })
            .collect())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes expired sessions and old login failures; returns how many sessions went.
    pub async fn prune(
        &self,
        now: OffsetDateTime,
        failures_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = with_writer!(self, |pool| {
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(utc(failures_before))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())?;
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(utc(now))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done)
    }

    // ---- login throttling ----

    pub async fn record_login_failure(
        &self,
        key: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(utc(at))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn login_failures_since(
        &self,
        key: &str,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(utc(since))
                .fetch_one(pool)
                .await
        })?)
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        with_writer!(self, |pool| sqlx::query(
            "DELETE FROM login_failures WHERE key = $1"
        )
        .bind(key)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    // ---- frameworks ----

    /// Stores a framework; a changed framework becomes a new version, an identical one is left.
    pub async fn save_framework(
        &self,
        f: &Framework,
        builtin: bool,
        now: OffsetDateTime,
    ) -> Result<SaveOutcome, StoreError> {
        let now = utc(now);
        with_writer!(self, |pool| {
            let mut tx = pool.begin_with(self.write_begin()).await?;
            let current: Option<(i64, Json<Framework>)> = sqlx::query_as(
                "SELECT v.version, v.document FROM frameworks f
                 JOIN framework_versions v ON v.framework_id = f.id AND v.version = f.current_version
                 WHERE f.id = $1",
            )
            .bind(f.id)
            .fetch_optional(&mut *tx)
            .await?;
            let outcome = match current {
                Some((_, Json(stored))) if &stored == f => SaveOutcome::Unchanged,
                Some((version, _)) => {
                    let next = version + 1;
                    sqlx::query(
                        "UPDATE frameworks SET current_version = $2, updated_at = $3 WHERE id = $1",
                    )
                    .bind(f.id)
                    .bind(next)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    SaveOutcome::NewVersion(next)
                }
                None => {
                    sqlx::query("INSERT INTO frameworks (id, current_version, builtin, created_at, updated_at) VALUES ($1, 1, $2, $3, $3)")
                        .bind(f.id)
                        .bind(builtin)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    SaveOutcome::Created
                }
            };
            let version = match outcome {
                SaveOutcome::Unchanged => None,
                SaveOutcome::Created => Some(1),
                SaveOutcome::NewVersion(v) => Some(v),
            };
            if let Some(version) = version {
                sqlx::query("INSERT INTO framework_versions (framework_id, version, label, document, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(f.id)
                    .bind(version)
                    .bind(&f.version)
                    .bind(Json(f))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// The current version of every framework, built-in first.
    pub async fn frameworks(&self) -> Result<Vec<StoredFramework>, StoreError> {
        let rows: Vec<(Json<Framework>, i64, bool, OffsetDateTime)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT v.document, f.current_version, f.builtin, f.updated_at FROM frameworks f
                 JOIN framework_versions v ON v.framework_id = f.id AND v.version = f.current_version
                 ORDER BY f.builtin DESC, f.created_at, f.id",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(Json(framework), version, builtin, updated_at)| StoredFramework {
                    framework,
                    version,
                    builtin,
                    updated_at,
                },
            )
            .collect())
    }

    pub async fn framework_versions(&self, id: Uuid) -> Result<Vec<FrameworkVersion>, StoreError> {
        let rows: Vec<(i64, String, OffsetDateTime)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT version, label, created_at FROM framework_versions WHERE framework_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(pool)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(version, label, created_at)| FrameworkVersion {
                version,
                label,
                created_at,
            })
            .collect())
    }

    /// A number that changes whenever any framework changes: lets servers refresh caches cheaply.
    pub async fn frameworks_revision(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT CAST(COALESCE(SUM(current_version), 0) + COUNT(*) * 1000000 AS BIGINT) FROM frameworks")
                .fetch_one(pool)
                .await
        })?)
    }

    // ---- lessons ----

    /// Stores a lesson unless an identical one is there; returns whether anything changed.
    pub async fn save_lesson(
        &self,
        lesson: &Lesson,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let now = utc(now);
        with_writer!(self, |pool| {
            let mut tx = pool.begin_with(self.write_begin()).await?;
            let current: Option<Json<Lesson>> =
                sqlx::query_scalar("SELECT document FROM lessons WHERE slug = $1")
                    .bind(&lesson.slug)
                    .fetch_optional(&mut *tx)
                    .await?;
            if current.as_ref().is_some_and(|Json(l)| l == lesson) {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO lessons (slug, competence, level, document, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (slug) DO UPDATE SET competence = $2, level = $3, document = $4, updated_at = $5",
            )
            .bind(&lesson.slug)
            .bind(&lesson.competence)
            .bind(lesson.level.key())
            .bind(Json(lesson))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn lessons(&self) -> Result<Vec<Lesson>, StoreError> {
        let rows: Vec<Json<Lesson>> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT document FROM lessons ORDER BY competence, level, slug")
                .fetch_all(pool)
                .await
        })?;
        Ok(rows.into_iter().map(|Json(l)| l).collect())
    }

    // ---- audit ----

    pub async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        with_writer!(self, |pool| {
            sqlx::query(
                "INSERT INTO audit_log (id, org_id, actor_id, actor, action, target, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(entry.id)
            .bind(entry.org_id)
            .bind(entry.actor_id)
            .bind(&entry.actor)
            .bind(&entry.action)
            .bind(&entry.target)
            .bind(entry.details.as_ref().map(Json))
            .bind(utc(entry.at))
            .execute(pool)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            Uuid,
            Option<Uuid>,
            Option<Uuid>,
            String,
            String,
            Option<String>,
            Option<Json<serde_json::Value>>,
            OffsetDateTime,
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, org_id, actor_id, actor, action, target, details, at FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(id, org_id, actor_id, actor, action, target, details, at)| AuditEntry {
                    id,
                    org_id,
                    actor_id,
                    actor,
                    action,
                    target,
                    details: details.map(|j| j.0),
                    at,
                },
            )
            .collect())
    }
}
