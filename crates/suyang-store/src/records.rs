//! What the store hands back: plain records, converted to domain types at the edges.

use serde::Serialize;
use suyang_domain::account::{ElderMode, Role};
use suyang_domain::framework::Framework;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub org_id: Uuid,
    pub login: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub locale: Option<String>,
    pub elder_mode: ElderMode,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub org_id: Uuid,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub locale: Option<String>,
    pub elder_mode: ElderMode,
}

/// Consent-based facts, as stored (codes, validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatisticsRecord {
    pub region: Option<String>,
    pub age_band: Option<String>,
    pub group: Option<String>,
    pub consented_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub fn key(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionInfo {
    pub kind: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A framework as stored: the current version of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFramework {
    pub framework: Framework,
    pub version: i64,
    pub builtin: bool,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkVersion {
    pub version: i64,
    pub label: String,
    pub created_at: OffsetDateTime,
}

/// What saving a framework did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    Created,
    NewVersion(i64),
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub org_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// Who acted, for people reading the log: a login, or "cli".
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub details: Option<serde_json::Value>,
    pub at: OffsetDateTime,
}
