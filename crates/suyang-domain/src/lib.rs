//! Suyang's domain: the competence framework, accounts, self-assessment, lessons and learning
//! events. Pure types and rules: no HTTP, no SQL, no clock reads (callers pass `now`).

pub mod account;
pub mod assessment;
pub mod case;
pub mod content;
pub mod event;
pub mod framework;
pub mod lang;
pub mod lesson;
pub mod region;
pub mod text;
