//! The document resources — State (`/activities/state`), Activity Profile
//! (`/activities/profile`) and Agent Profile (`/agents/profile`) — with ETag concurrency, JSON
//! merge on POST, and the Activities and Agents resources.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use suyang_store::{Document, DocumentKey};
use suyang_xapi::Version;
use suyang_xapi::statement::agent_key;
use suyang_xapi::syntax::{is_iri, parse_timestamp};
use time::OffsetDateTime;

use super::auth::Client;
use super::error;
use super::statements::{http_date, only_params, params};
use crate::state::AppState;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    State,
    ActivityProfile,
    AgentProfile,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::State => "state",
            Kind::ActivityProfile => "activity-profile",
            Kind::AgentProfile => "agent-profile",
        }
    }
    fn id_param(self) -> &'static str {
        if self == Kind::State {
            "stateId"
        } else {
            "profileId"
        }
    }
    fn scope(self) -> &'static str {
        if self == Kind::State {
            "state"
        } else {
            "profile"
        }
    }
}

fn parse_agent(raw: &str) -> Result<String, Response> {
    let value: Value = serde_json::from_str(raw)
        .map_err(|_| error(StatusCode::BAD_REQUEST, "agent must be a JSON Agent"))?;
    suyang_xapi::validate::validate_agent(&value)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("agent: {e}")))?;
    agent_key(&value).ok_or_else(|| error(StatusCode::BAD_REQUEST, "agent needs an identifier"))
}

/// Checks the parameters and returns the document set's key and the single-document id.
fn address(
    kind: Kind,
    org: uuid::Uuid,
    p: &HashMap<String, String>,
    method: &Method,
) -> Result<(DocumentKey, Option<String>), Response> {
    let mut allowed = vec![kind.id_param()];
    match kind {
        Kind::State => allowed.extend(["activityId", "agent", "registration"]),
        Kind::ActivityProfile => allowed.push("activityId"),
        Kind::AgentProfile => allowed.push("agent"),
    }
    if *method == Method::GET || *method == Method::HEAD {
        allowed.push("since");
    }
    only_params(p, &allowed)?;
    let activity_id = match kind {
        Kind::AgentProfile => String::new(),
        _ => match p.get("activityId") {
            Some(a) if is_iri(a) => a.clone(),
            Some(_) => return Err(error(StatusCode::BAD_REQUEST, "activityId must be an IRI")),
            None => return Err(error(StatusCode::BAD_REQUEST, "activityId is required")),
        },
    };
    let agent = match kind {
        Kind::ActivityProfile => String::new(),
        _ => parse_agent(
            p.get("agent")
                .ok_or_else(|| error(StatusCode::BAD_REQUEST, "agent is required"))?,
        )?,
    };
    let registration = match p.get("registration") {
        Some(r) if uuid::Uuid::try_parse(r).is_ok() => r.to_lowercase(),
        Some(_) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "registration must be a UUID",
            ));
        }
        None => String::new(),
    };
    let id = p.get(kind.id_param()).cloned();
    Ok((
        DocumentKey {
            org_id: org,
            kind: kind.key(),
            activity_id,
            agent,
            registration,
        },
        id,
    ))
}

fn etag_of(content: &[u8]) -> String {
    let digest: String = Sha256::digest(content)
        .iter()
        .take(20)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{digest}\"")
}

fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// If-Match / If-None-Match as RFC 9110 describes them; and, for PUT without either on an
/// existing document, the 409 xAPI asks for.
fn preconditions(
    headers: &HeaderMap,
    current: Option<&Document>,
    method: &Method,
    conflict_without_headers: bool,
) -> Result<(), Response> {
    let if_match = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok());
    let if_none = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if let Some(m) = if_match {
        let ok = current.is_some_and(|d| etag_matches(m, &d.etag));
        if !ok {
            return Err(error(
                StatusCode::PRECONDITION_FAILED,
                "If-Match does not match the document's current ETag",
            ));
        }
    }
    if let Some(n) = if_none
        && let Some(d) = current
        && etag_matches(n, &d.etag)
    {
        return Err(error(
            StatusCode::PRECONDITION_FAILED,
            "If-None-Match: the document exists",
        ));
    }
    if *method == Method::PUT
        && if_match.is_none()
        && if_none.is_none()
        && current.is_some()
        && conflict_without_headers
    {
        return Err(error(
            StatusCode::CONFLICT,
            "the document exists: GET it, then send PUT with If-Match set to its ETag (or If-None-Match: * to create only)",
        ));
    }
    Ok(())
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string()
}

fn is_json(ct: &str) -> bool {
    ct.split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

async fn handle(
    kind: Kind,
    state: AppState,
    version: Version,
    client: Client,
    method: Method,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reading = method == Method::GET || method == Method::HEAD;
    let allowed = if reading {
        client.may(kind.scope()) || client.may("all/read")
    } else {
        client.may(kind.scope())
    };
    if !allowed {
        return error(
            StatusCode::FORBIDDEN,
            format!("this credential lacks the {} scope", kind.scope()),
        );
    }
    let p = match params(query.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (key, id) = match address(kind, client.credential.org_id, &p, &method) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let store = &state.store;
    let unavailable = |e: suyang_store::StoreError| {
        tracing::error!(error = %e, "document store failed");
        error(StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable")
    };
    match (method.clone(), id) {
        (m, Some(id)) if m == Method::GET || m == Method::HEAD => {
            if p.contains_key("since") {
                return error(
                    StatusCode::BAD_REQUEST,
                    "since is used only when listing documents",
                );
            }
            match store.document(&key, &id).await {
                Ok(Some(doc)) => {
                    let mut r = doc.content.into_response();
                    let h = r.headers_mut();
                    h.insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_str(&doc.content_type)
                            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    );
                    if let Ok(v) = HeaderValue::from_str(&doc.etag) {
                        h.insert(header::ETAG, v);
                    }
                    if let Ok(v) = HeaderValue::from_str(&http_date(doc.updated)) {
                        h.insert(header::LAST_MODIFIED, v);
                    }
                    r
                }
                Ok(None) => error(StatusCode::NOT_FOUND, "no such document"),
                Err(e) => unavailable(e),
            }
        }
        (m, None) if m == Method::GET || m == Method::HEAD => {
            let since = match p.get("since").map(|s| parse_timestamp(s)) {
                Some(None) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "since must be an ISO 8601 timestamp",
                    );
                }
                Some(t) => t,
                None => None,
            };
            match store.document_ids(&key, since).await {
                Ok(ids) => {
                    let mut r = axum::Json(ids).into_response();
                    r.headers_mut()
                        .insert(header::ETAG, HeaderValue::from_static("\"list\""));
                    r
                }
                Err(e) => unavailable(e),
            }
        }
        (m, Some(id)) if m == Method::PUT || m == Method::POST => {
            let current = match store.document(&key, &id).await {
                Ok(c) => c,
                Err(e) => return unavailable(e),
            };
            // xAPI 1.0.3 profile resources refuse a PUT that carries neither If-Match nor
            // If-None-Match even when the document is new.
            if version == Version::V1_0_3
                && kind != Kind::State
                && m == Method::PUT
                && current.is_none()
                && !headers.contains_key(header::IF_MATCH)
                && !headers.contains_key(header::IF_NONE_MATCH)
            {
                return error(
                    StatusCode::BAD_REQUEST,
                    "PUT needs If-Match or If-None-Match (use If-None-Match: * to create)",
                );
            }
            let conflict_rule = version >= Version::V2_0_0 || kind != Kind::State;
            if let Err(r) = preconditions(&headers, current.as_ref(), &method, conflict_rule) {
                return r;
            }
            let ct = content_type(&headers);
            let content = if m == Method::POST {
                // POST merges JSON objects: the new top-level properties over the old.
                if !is_json(&ct) {
                    if current.is_some() {
                        return error(
                            StatusCode::BAD_REQUEST,
                            "POST merges JSON documents: send application/json",
                        );
                    }
                    body.to_vec()
                } else {
                    let Ok(Value::Object(new)) = serde_json::from_slice::<Value>(&body) else {
                        return error(StatusCode::BAD_REQUEST, "POST needs a JSON object to merge");
                    };
                    match &current {
                        Some(doc) => {
                            if !is_json(&doc.content_type) {
                                return error(
                                    StatusCode::BAD_REQUEST,
                                    "the stored document is not JSON, so it cannot be merged",
                                );
                            }
                            let Ok(Value::Object(mut old)) =
                                serde_json::from_slice::<Value>(&doc.content)
                            else {
                                return error(
                                    StatusCode::BAD_REQUEST,
                                    "the stored document is not a JSON object, so it cannot be merged",
                                );
                            };
                            old.extend(new);
                            serde_json::to_vec(&Value::Object(old)).unwrap_or_default()
                        }
                        None => serde_json::to_vec(&Value::Object(new)).unwrap_or_default(),
                    }
                }
            } else {
                if is_json(&ct) && serde_json::from_slice::<Value>(&body).is_err() {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "the document is declared JSON but does not parse",
                    );
                }
                body.to_vec()
            };
            let doc = Document {
                etag: etag_of(&content),
                content,
                content_type: ct,
                updated: OffsetDateTime::now_utc(),
            };
            match store.put_document(&key, &id, &doc).await {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => unavailable(e),
            }
        }
        (m, None) if m == Method::PUT || m == Method::POST => error(
            StatusCode::BAD_REQUEST,
            format!("{} is required", kind.id_param()),
        ),
        (m, id) if m == Method::DELETE => {
            if id.is_none() && kind != Kind::State {
                return error(StatusCode::BAD_REQUEST, "profileId is required");
            }
            if let Some(id) = &id {
                let current = match store.document(&key, id).await {
                    Ok(c) => c,
                    Err(e) => return unavailable(e),
                };
                if let Err(r) = preconditions(&headers, current.as_ref(), &method, false) {
                    return r;
                }
            }
            match store.delete_documents(&key, id.as_deref()).await {
                Ok(_) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => unavailable(e),
            }
        }
        _ => error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
    }
}

macro_rules! resource {
    ($name:ident, $kind:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            axum::Extension(version): axum::Extension<Version>,
            client: Client,
            method: Method,
            RawQuery(query): RawQuery,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            handle($kind, state, version, client, method, query, headers, body).await
        }
    };
}

resource!(state_resource, Kind::State);
resource!(activity_profile, Kind::ActivityProfile);
resource!(agent_profile, Kind::AgentProfile);

/// `GET /activities?activityId=…`: the activity with the newest definition statements gave it.
pub async fn activities(
    State(state): State<AppState>,
    client: Client,
    RawQuery(query): RawQuery,
) -> Response {
    if !(client.may("statements/read") || client.may("all/read") || client.may("define")) {
        return error(
            StatusCode::FORBIDDEN,
            "this credential may not read activities",
        );
    }
    let p = match params(query.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = only_params(&p, &["activityId"]) {
        return r;
    }
    let Some(id) = p.get("activityId").filter(|a| is_iri(a)) else {
        return error(StatusCode::BAD_REQUEST, "activityId (an IRI) is required");
    };
    let definition = state
        .store
        .activity_definition(client.credential.org_id, id)
        .await
        .ok()
        .flatten();
    let mut activity = json!({ "objectType": "Activity", "id": id });
    if let Some(d) = definition.and_then(|d| serde_json::from_str::<Value>(&d).ok()) {
        activity["definition"] = d;
    }
    axum::Json(activity).into_response()
}

/// `GET /agents?agent=…`: the Person object for an Agent (what this LRS knows: its identifiers).
pub async fn agents(client: Client, RawQuery(query): RawQuery) -> Response {
    if !(client.may("statements/read") || client.may("all/read") || client.may("profile")) {
        return error(StatusCode::FORBIDDEN, "this credential may not read agents");
    }
    let p = match params(query.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = only_params(&p, &["agent"]) {
        return r;
    }
    let Some(raw) = p.get("agent") else {
        return error(StatusCode::BAD_REQUEST, "agent is required");
    };
    if let Err(r) = parse_agent(raw) {
        return r;
    }
    let agent: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    let mut person = Map::new();
    person.insert("objectType".into(), json!("Person"));
    for key in ["name", "mbox", "mbox_sha1sum", "openid", "account"] {
        if let Some(v) = agent.get(key) {
            person.insert(key.into(), json!([v]));
        }
    }
    axum::Json(Value::Object(person)).into_response()
}
