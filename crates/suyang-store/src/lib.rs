//! Storage for Suyang: one [`Store`] over SQLite (embedded, the default) or PostgreSQL (for
//! scale). Each query is written once and compiled for both backends; the DDL differs, so each
//! backend has its own migrations folder.

mod error;
mod records;
mod store;
pub mod testing;

pub use error::StoreError;
pub use records::*;
pub use store::{Backend, Store};
