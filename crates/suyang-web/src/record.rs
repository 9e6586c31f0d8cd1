//! The platform's own learning events go into its learning record store, as xAPI statements
//! about the learner (identified by an account on the platform, nothing more), with the
//! platform as authority. Profiles and progress are read back from there.

use serde_json::{Value, json};
use suyang_domain::event::{LearningEvent, Verb};
use suyang_store::{NewStatement, StatementQuery, StoreError};
use suyang_xapi::Version;
use suyang_xapi::statement::{Prepared, agent_key, prepare};
use uuid::Uuid;

use crate::state::AppState;

/// The learner as an xAPI Agent: an account on this platform, keyed by the user's identifier.
pub fn actor(state: &AppState, user_id: Uuid) -> Value {
    json!({ "objectType": "Agent", "account": { "homePage": state.iris.platform(), "name": user_id.to_string() } })
}

fn authority(state: &AppState) -> Value {
    json!({ "objectType": "Agent", "name": "Suyang", "account": { "homePage": state.iris.platform(), "name": "suyang" } })
}

/// The statement a learning event becomes.
pub fn statement(state: &AppState, e: &LearningEvent) -> Value {
    let mut s = json!({
        "id": e.id.to_string(),
        "actor": actor(state, e.user_id),
        "verb": { "id": e.verb.iri(), "display": { "en-US": e.verb.key() } },
        "object": { "objectType": "Activity", "id": e.object_id, "definition": { "type": e.object_kind.type_iri() } },
        "timestamp": e.timestamp.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
    });
    if let Some(r) = &e.result {
        s["result"] = r.clone();
    }
    s
}

/// A prepared statement as the store keeps it.
pub fn row_of(p: Prepared) -> NewStatement {
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

/// Stores a learning event in the LRS.
pub async fn record(state: &AppState, e: &LearningEvent) -> Result<(), StoreError> {
    let p = prepare(
        statement(state, e),
        None,
        &authority(state),
        time::OffsetDateTime::now_utc(),
        Version::V2_0_0,
    )
    .map_err(|err| StoreError::Corrupt {
        what: "platform statement",
        message: err.to_string(),
    })?;
    let row = row_of(p);
    state
        .store
        .insert_statements(e.org_id, &[row], |_, _| true)
        .await?;
    Ok(())
}

/// A learner's statements, newest first, optionally of one verb and activity.
pub async fn statements_of(
    state: &AppState,
    org_id: Uuid,
    user_id: Uuid,
    verb: Option<Verb>,
    activity: Option<String>,
    limit: i64,
) -> Result<Vec<Value>, StoreError> {
    let query = StatementQuery {
        org_id,
        agent: agent_key(&actor(state, user_id)),
        verb: verb.map(|v| v.iri().to_string()),
        activity,
        limit,
        ..Default::default()
    };
    Ok(state
        .store
        .query_statements(&query)
        .await?
        .into_iter()
        .filter_map(|s| serde_json::from_str(&s.body).ok())
        .collect())
}

/// Removes a learner's statements (their right to deletion outweighs statement immutability).
pub async fn forget(state: &AppState, org_id: Uuid, user_id: Uuid) -> Result<u64, StoreError> {
    let key = agent_key(&actor(state, user_id)).unwrap_or_default();
    state.store.delete_statements_by_actor(org_id, &key).await
}
