//! The Statement resource: PUT (one, with `statementId`), POST (one or a batch, atomic) and GET
//! (one by id, or a query with `more` paging).

use std::collections::{HashMap, HashSet};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use suyang_store::{NewAttachment, NewStatement, StatementBatch, StatementQuery, StoreError};
use suyang_xapi::multipart::{self, Part};
use suyang_xapi::signature::{self, SIGNATURE_USAGE};
use suyang_xapi::statement::{agent_key, prepare, same_statement};
use suyang_xapi::syntax::{is_iri, parse_timestamp};
use suyang_xapi::validate::VOIDED;
use suyang_xapi::{Version, validate_statement};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::auth::Client;
use super::error;
use super::format::{self, Format};
use crate::state::AppState;

/// Most statements one query page returns.
const MAX_LIMIT: i64 = 500;

pub(super) fn http_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        days[t.weekday().number_days_from_monday() as usize],
        t.day(),
        months[usize::from(u8::from(t.month())) - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(super) fn params(raw: Option<&str>) -> Result<HashMap<String, String>, Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| error(StatusCode::BAD_REQUEST, "the query string is malformed"))?;
    let mut map = HashMap::new();
    for (k, v) in pairs {
        if map.insert(k.clone(), v).is_some() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("parameter {k} is given twice"),
            ));
        }
    }
    Ok(map)
}

pub(super) fn only_params(p: &HashMap<String, String>, allowed: &[&str]) -> Result<(), Response> {
    match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("parameter {k} is not allowed here"),
        )),
        None => Ok(()),
    }
}

/// The statements of a request, and the attachment parts of a `multipart/mixed` one.
fn read_body(headers: &HeaderMap, body: &Bytes) -> Result<(Value, Vec<Part>), Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parse_json = |bytes: &[u8]| {
        serde_json::from_slice::<Value>(bytes).map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                format!("the statements are not valid JSON: {e}"),
            )
        })
    };
    if ct.starts_with("application/json") {
        return Ok((parse_json(body)?, Vec::new()));
    }
    if ct.to_ascii_lowercase().starts_with("multipart/mixed") {
        let boundary = multipart::boundary(ct).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "multipart/mixed needs a boundary parameter",
            )
        })?;
        let mut parts = multipart::parse(&boundary, body)
            .map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))?
            .into_iter();
        let first = parts
            .next()
            .ok_or_else(|| error(StatusCode::BAD_REQUEST, "the multipart body is empty"))?;
        if !first
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
        {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "the first part must be the statements, as application/json",
            ));
        }
        let statements = parse_json(&first.body)?;
        let attachments: Vec<Part> = parts.collect();
        for part in &attachments {
            let Some(hash) = part.header("x-experience-api-hash") else {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "every attachment part needs an X-Experience-API-Hash header",
                ));
            };
            if part
                .header("content-transfer-encoding")
                .is_some_and(|e| !e.eq_ignore_ascii_case("binary"))
            {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "attachment parts are sent with Content-Transfer-Encoding: binary",
                ));
            }
            if sha256_hex(&part.body) != hash.to_ascii_lowercase() {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "an attachment part does not match its X-Experience-API-Hash",
                ));
            }
        }
        return Ok((statements, attachments));
    }
    Err(error(
        StatusCode::BAD_REQUEST,
        "statements are sent as application/json, or multipart/mixed with attachments",
    ))
}

/// A `multipart/mixed` answer: the JSON first, then the content of every attachment the
/// statements reference and the LRS holds, each once.
async fn attachments_response(
    state: &AppState,
    org: Uuid,
    json: &Value,
    statements: &[Value],
) -> Response {
    let boundary = format!("suyang-{}", Uuid::new_v4().simple());
    let mut body: Vec<u8> = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(json.to_string().as_bytes());
    let mut seen = HashSet::new();
    for s in statements {
        for a in s["attachments"].as_array().into_iter().flatten() {
            let Some(sha2) = a["sha2"].as_str().map(str::to_ascii_lowercase) else {
                continue;
            };
            if !seen.insert(sha2.clone()) {
                continue;
            }
            let Ok(Some((content_type, content))) = state.store.attachment(org, &sha2).await else {
                continue;
            };
            body.extend_from_slice(
                format!("\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(&content);
        }
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut r = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}")) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every attachment without a fileUrl has its content among the parts, every part belongs to an
/// attachment, and every signature checks out.
fn match_attachments(statements: &[&Value], parts: &[Part]) -> Result<(), Response> {
    let mut wanted = std::collections::HashSet::new();
    for s in statements {
        for a in s["attachments"].as_array().into_iter().flatten() {
            let sha2 = a["sha2"].as_str().unwrap_or("").to_ascii_lowercase();
            let part = parts.iter().find(|p| {
                p.header("x-experience-api-hash")
                    .is_some_and(|h| h.eq_ignore_ascii_case(&sha2))
            });
            if a["usageType"] == SIGNATURE_USAGE {
                if a["contentType"] != "application/octet-stream" {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "a signature attachment has content type application/octet-stream",
                    ));
                }
                let part = part.ok_or_else(|| {
                    error(
                        StatusCode::BAD_REQUEST,
                        "the signature attachment's content is missing",
                    )
                })?;
                signature::check(s, &part.body)
                    .map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))?;
            }
            if a.get("fileUrl").is_none() && part.is_none() {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("attachment {sha2} has neither a fileUrl nor content in the request"),
                ));
            }
            wanted.insert(sha2);
        }
    }
    if let Some(extra) = parts.iter().find(|p| {
        !p.header("x-experience-api-hash")
            .is_some_and(|h| wanted.contains(&h.to_ascii_lowercase()))
    }) {
        let hash = extra.header("x-experience-api-hash").unwrap_or("");
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("part {hash} is not an attachment of any statement"),
        ));
    }
    Ok(())
}

fn store_failure(e: StoreError) -> Response {
    match e {
        StoreError::Conflict(_) => error(
            StatusCode::CONFLICT,
            "a statement with this id is already stored with different content",
        ),
        other => {
            tracing::error!(error = %other, "statement store failed");
            error(StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable")
        }
    }
}

/// Validates, prepares and stores statements, with their attachments and the activity
/// definitions they carry, in one atomic batch.
async fn store_batch(
    state: &AppState,
    client: &Client,
    version: Version,
    statements: Vec<Value>,
    put_id: Option<Uuid>,
    attachments: Vec<Part>,
) -> Result<Vec<Uuid>, Response> {
    let now = OffsetDateTime::now_utc();
    let org_id = client.credential.org_id;
    let mut prepared = Vec::with_capacity(statements.len());
    // Statements sent without a timestamp: the LRS fills it in, and a stored statement of the
    // same id is compared without it.
    let mut untimed = HashSet::new();
    let mut ids = HashSet::with_capacity(statements.len());
    for (i, s) in statements.into_iter().enumerate() {
        validate_statement(&s, version).map_err(|e| {
            let at = if put_id.is_some() {
                e.path.clone()
            } else {
                format!("[{i}].{}", e.path)
            };
            error(StatusCode::BAD_REQUEST, format!("{at}: {}", e.rule))
        })?;
        let timed = s.get("timestamp").is_some();
        let p = prepare(s, put_id, &client.authority, now, version)
            .map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))?;
        if !ids.insert(p.id) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("statement id {} appears twice in the batch", p.id),
            ));
        }
        if !timed {
            untimed.insert(p.id);
        }
        prepared.push(p);
    }
    if !attachments.is_empty() || prepared.iter().any(|p| p.body.get("attachments").is_some()) {
        let bodies: Vec<&Value> = prepared.iter().map(|p| &p.body).collect();
        match_attachments(&bodies, &attachments)?;
    }
    // A voiding statement may not void another voiding statement.
    for p in &prepared {
        if let Some(target) = p.voids {
            let stored = state
                .store
                .statement(org_id, target)
                .await
                .map_err(store_failure)?;
            let target_voids = stored
                .and_then(|s| serde_json::from_str::<Value>(&s.body).ok())
                .is_some_and(|b| b["verb"]["id"] == VOIDED);
            let batch_voids = prepared.iter().any(|q| q.id == target && q.voids.is_some());
            if target_voids || batch_voids {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "statement {target} is itself a voiding statement and cannot be voided"
                    ),
                ));
            }
        }
    }
    // Activity definitions the statements carry feed the Activities resource.
    let mut definitions: Vec<(String, String)> = Vec::new();
    for p in &prepared {
        collect_definitions(&p.body, &mut definitions);
    }
    let rows: Vec<NewStatement> = prepared.into_iter().map(crate::record::row_of).collect();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let attachments: Vec<NewAttachment> = attachments
        .into_iter()
        .map(|part| {
            let sha2 = part
                .header("x-experience-api-hash")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let content_type = part
                .header("content-type")
                .unwrap_or("application/octet-stream")
                .to_string();
            NewAttachment {
                sha2,
                content_type,
                content: part.body,
            }
        })
        .collect();
    let same = move |stored: &str, new: &str| {
        let (Ok(stored), Ok(mut new)) = (
            serde_json::from_str::<Value>(stored),
            serde_json::from_str::<Value>(new),
        ) else {
            return false;
        };
        let untimed = new["id"]
            .as_str()
            .and_then(|s| Uuid::try_parse(s).ok())
            .is_some_and(|id| untimed.contains(&id));
        if untimed && let Some(m) = new.as_object_mut() {
            m.remove("timestamp");
        }
        same_statement(&stored, &new)
    };
    let batch = StatementBatch {
        org_id,
        statements: rows,
        definitions,
        attachments,
    };
    state
        .store
        .insert_statement_batch(batch, Box::new(same), merge_definitions)
        .await
        .map_err(store_failure)?;
    Ok(ids)
}

/// Everything statements said about an activity: newer properties win, language maps are
/// merged language by language.
fn merge_definitions(old: &str, new: &str) -> String {
    let (Ok(Value::Object(mut old)), Ok(Value::Object(new))) = (
        serde_json::from_str::<Value>(old),
        serde_json::from_str::<Value>(new),
    ) else {
        return new.to_string();
    };
    for (key, value) in new {
        match (old.get_mut(&key), &value) {
            (Some(Value::Object(existing)), Value::Object(incoming))
                if matches!(key.as_str(), "name" | "description" | "extensions") =>
            {
                existing.extend(incoming.clone());
            }
            _ => {
                old.insert(key, value);
            }
        }
    }
    Value::Object(old).to_string()
}

fn collect_definitions(statement: &Value, into: &mut Vec<(String, String)>) {
    let mut consider = |a: &Value| {
        if let (Some(id), Some(d)) = (a.get("id").and_then(Value::as_str), a.get("definition")) {
            into.push((id.to_string(), d.to_string()));
        }
    };
    let object = &statement["object"];
    if object
        .get("objectType")
        .and_then(Value::as_str)
        .unwrap_or("Activity")
        == "Activity"
    {
        consider(object);
    }
    if let Some(ca) = statement["context"]["contextActivities"].as_object() {
        for list in ca.values() {
            for a in list.as_array().into_iter().flatten() {
                consider(a);
            }
        }
    }
}

pub async fn put(
    State(state): State<AppState>,
    Extension(version): Extension<Version>,
    client: Client,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !client.may("statements/write") {
        return error(
            StatusCode::FORBIDDEN,
            "this credential may not write statements",
        );
    }
    let p = match params(query.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = only_params(&p, &["statementId"]) {
        return r;
    }
    let Some(id) = p.get("statementId").and_then(|s| Uuid::try_parse(s).ok()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "PUT needs a statementId parameter that is a UUID",
        );
    };
    let (statement, attachments) = match read_body(&headers, &body) {
        Ok((v, parts)) if v.is_object() => (v, parts),
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "PUT takes one statement (a JSON object)",
            );
        }
        Err(r) => return r,
    };
    match store_batch(
        &state,
        &client,
        version,
        vec![statement],
        Some(id),
        attachments,
    )
    .await
    {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(r) => r,
    }
}

pub async fn post(
    State(state): State<AppState>,
    Extension(version): Extension<Version>,
    client: Client,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !client.may("statements/write") {
        return error(
            StatusCode::FORBIDDEN,
            "this credential may not write statements",
        );
    }
    match params(query.as_deref()).and_then(|p| only_params(&p, &[])) {
        Ok(()) => {}
        Err(r) => return r,
    }
    let (statements, attachments) = match read_body(&headers, &body) {
        Ok((Value::Array(list), parts)) if !list.is_empty() => (list, parts),
        Ok((Value::Array(_), _)) => return error(StatusCode::BAD_REQUEST, "the batch is empty"),
        Ok((v @ Value::Object(_), parts)) => (vec![v], parts),
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "send a statement (JSON object) or an array of statements",
            );
        }
        Err(r) => return r,
    };
    match store_batch(&state, &client, version, statements, None, attachments).await {
        Ok(ids) => axum::Json(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).into_response(),
        Err(r) => r,
    }
}

fn flag(p: &HashMap<String, String>, key: &str) -> Result<bool, Response> {
    match p.get(key).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("{key} must be true or false"),
        )),
    }
}

pub async fn get(
    State(state): State<AppState>,
    client: Client,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mine_only = !client.may("statements/read");
    if mine_only && !client.may("statements/read/mine") {
        return error(
            StatusCode::FORBIDDEN,
            "this credential may not read statements",
        );
    }
    let p = match params(query.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let allowed = [
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "cursor",
    ];
    if let Err(r) = only_params(&p, &allowed) {
        return r;
    }
    let format = match p.get("format").map(String::as_str) {
        None => Format::Exact,
        Some(f) => match Format::parse(f) {
            Some(f) => f,
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "format must be ids, exact or canonical",
                );
            }
        },
    };
    let with_attachments = match flag(&p, "attachments") {
        Ok(b) => b,
        Err(r) => return r,
    };
    let reader = format::Reader::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let org = client.credential.org_id;
    let consistent = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();

    // One statement by id.
    let single = [("statementId", false), ("voidedStatementId", true)]
        .into_iter()
        .find_map(|(k, voided)| p.get(k).map(|v| (k, v, voided)));
    if let Some((key, value, want_voided)) = single {
        if p.keys().any(|k| {
            !matches!(
                k.as_str(),
                "statementId" | "voidedStatementId" | "format" | "attachments"
            )
        }) || (p.contains_key("statementId") && p.contains_key("voidedStatementId"))
        {
            return error(
                StatusCode::BAD_REQUEST,
                format!("{key} cannot be combined with query filters"),
            );
        }
        let Ok(id) = Uuid::try_parse(value) else {
            return error(StatusCode::BAD_REQUEST, format!("{key} must be a UUID"));
        };
        let found = match state.store.statement(org, id).await {
            Ok(s) => s,
            Err(e) => return store_failure(e),
        };
        let Some(s) = found.filter(|s| s.voided == want_voided) else {
            return error(StatusCode::NOT_FOUND, "no such statement");
        };
        let body: Value = serde_json::from_str(&s.body).unwrap_or(Value::Null);
        if mine_only && body["authority"]["account"]["name"] != client.credential.key.as_str() {
            return error(StatusCode::NOT_FOUND, "no such statement");
        }
        let stored = body["stored"].as_str().and_then(parse_timestamp);
        let shown = format::apply(body, format, &reader);
        let mut r = if with_attachments {
            let list = vec![shown.clone()];
            attachments_response(&state, org, &shown, &list).await
        } else {
            axum::Json(shown).into_response()
        };
        if let Some(t) = stored
            && let Ok(v) = HeaderValue::from_str(&http_date(t))
        {
            r.headers_mut().insert(header::LAST_MODIFIED, v);
        }
        return r;
    }

    // A query.
    let mut q = StatementQuery {
        org_id: org,
        limit: 100,
        ..Default::default()
    };
    if let Some(agent) = p.get("agent") {
        let Some(key) = serde_json::from_str::<Value>(agent)
            .ok()
            .as_ref()
            .and_then(agent_key)
        else {
            return error(
                StatusCode::BAD_REQUEST,
                "agent must be a JSON Agent or identified Group",
            );
        };
        q.agent = Some(key);
    }
    if mine_only {
        // A credential that may read only its own statements reads those it is the authority of.
        q.agent = Some(format!(
            "account:{}|{}",
            state.config.public_url, client.credential.key
        ));
        q.related_agents = true;
    }
    for (key, slot) in [("verb", &mut q.verb), ("activity", &mut q.activity)] {
        if let Some(v) = p.get(key) {
            if !is_iri(v) {
                return error(StatusCode::BAD_REQUEST, format!("{key} must be an IRI"));
            }
            *slot = Some(v.clone());
        }
    }
    if let Some(r) = p.get("registration") {
        match Uuid::try_parse(r) {
            Ok(u) => q.registration = Some(u),
            Err(_) => return error(StatusCode::BAD_REQUEST, "registration must be a UUID"),
        }
    }
    match (
        flag(&p, "related_activities"),
        flag(&p, "related_agents"),
        flag(&p, "ascending"),
    ) {
        (Ok(a), Ok(b), Ok(c)) => {
            q.related_activities = a;
            q.related_agents |= b;
            q.ascending = c;
        }
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => return r,
    }
    for (key, slot) in [("since", &mut q.since), ("until", &mut q.until)] {
        if let Some(v) = p.get(key) {
            match parse_timestamp(v) {
                Some(t) => *slot = Some(t),
                None => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!("{key} must be an ISO 8601 timestamp"),
                    );
                }
            }
        }
    }
    if let Some(l) = p.get("limit") {
        match l.parse::<i64>() {
            Ok(0) => q.limit = MAX_LIMIT,
            Ok(n) if n > 0 => q.limit = n.min(MAX_LIMIT),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "limit must be a whole number, 0 for the server's maximum",
                );
            }
        }
    }
    if let Some(c) = p.get("cursor") {
        match c.parse::<i64>() {
            Ok(n) => q.after = Some(n),
            Err(_) => return error(StatusCode::BAD_REQUEST, "cursor is not valid"),
        }
    }
    let limit = q.limit;
    q.limit = limit + 1;
    let mut rows = match state.store.query_statements(&q).await {
        Ok(r) => r,
        Err(e) => return store_failure(e),
    };
    let more = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        let mut next = p.clone();
        next.insert(
            "cursor".into(),
            rows.last().map(|r| r.seq).unwrap_or_default().to_string(),
        );
        let mut pairs: Vec<(String, String)> = next.into_iter().collect();
        pairs.sort();
        format!(
            "/xapi/statements?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    } else {
        String::new()
    };
    let newest = rows.iter().map(|r| r.stored).max();
    let mut r = if format == Format::Exact && !with_attachments {
        // Stored bodies are the exact format already: no need to parse and print them again.
        let mut body =
            String::with_capacity(rows.iter().map(|r| r.body.len() + 1).sum::<usize>() + 64);
        body.push_str("{\"statements\":[");
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&row.body);
        }
        body.push_str("],\"more\":");
        body.push_str(&Value::String(more).to_string());
        body.push('}');
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        let statements: Vec<Value> = rows
            .into_iter()
            .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
            .map(|s| format::apply(s, format, &reader))
            .collect();
        let result = json!({ "statements": statements, "more": more });
        if with_attachments {
            attachments_response(&state, org, &result, &statements).await
        } else {
            axum::Json(result).into_response()
        }
    };
    if let Ok(v) = HeaderValue::from_str(&consistent) {
        r.headers_mut()
            .insert("x-experience-api-consistent-through", v);
    }
    if let Some(t) = newest
        && let Ok(v) = HeaderValue::from_str(&http_date(t))
    {
        r.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    r
}
