//! Storage for Suyang: one [`Store`] over SQLite (embedded, the default) or PostgreSQL (for
//! scale). Each query is written once and compiled for both backends; the DDL differs, so each
//! backend has its own migrations folder.

/// Runs `$body` with `$pool` bound to whichever pool the store has. The body is written once and
/// type-checked against both drivers, so the two backends cannot drift apart.
macro_rules! with_pool {
    ($self:expr, |$pool:ident| $body:expr) => {
        match &$self.backend {
            crate::store::Backend::Sqlite($pool) => $body,
            crate::store::Backend::Postgres($pool) => $body,
        }
    };
}

/// [`with_pool!`] for write transactions: on SQLite, the store's one writer connection.
macro_rules! with_writer {
    ($self:expr, |$pool:ident| $body:expr) => {
        match (&$self.backend, &$self.writer) {
            (crate::store::Backend::Sqlite(_), Some($pool)) => $body,
            (crate::store::Backend::Sqlite($pool), None) => $body,
            (crate::store::Backend::Postgres($pool), _) => $body,
        }
    };
}

mod batch_writer;
mod documents;
mod error;
mod lrs;
mod records;
mod store;
pub mod testing;

pub use documents::{Document, DocumentKey};
pub use error::StoreError;
pub use lrs::{
    LrsCredential, NewAttachment, NewStatement, StatementBatch, StatementQuery, StoredStatement,
};
pub use records::*;
pub use store::{Backend, PARTITIONS_AHEAD, Store};
