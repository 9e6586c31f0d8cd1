/// Storage failures, without the driver's types leaking to callers that only need the kind.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (a login, a slug) is already taken.
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A stored document no longer parses: a bug or a manual edit.
    #[error("stored {what} is unreadable: {message}")]
    Corrupt { what: &'static str, message: String },
    #[error("unsupported database URL (use sqlite:… or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// The store is shutting down or its writer stopped.
    #[error("the store is unavailable")]
    Unavailable,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn from_insert(e: sqlx::Error, what: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}
