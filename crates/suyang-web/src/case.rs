//! The CASE 1.1 provider: `GET /ims/case/v1p1/CFDocuments`, `/CFPackages/{id}`,
//! `/CFItems/{id}` and `/CFAssociations/{id}`, with 1EdTech's imsx status errors.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use suyang_domain::case::{self, CaseUris};
use uuid::Uuid;

use suyang_store::StoredFramework;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/CFDocuments", get(documents))
        .route("/CFDocuments/{id}", get(document))
        .route("/CFPackages/{id}", get(package))
        .route("/CFItems/{id}", get(item))
        .route("/CFItemAssociations/{id}", get(item_associations))
        .route("/CFAssociations/{id}", get(association))
}

/// 1EdTech's error shape for an unknown or malformed identifier.
fn status(code: StatusCode, minor: &str, description: &str) -> Response {
    let body = json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": { "imsx_codeMinorField": [
            { "imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor }
        ]},
    });
    (code, Json(body)).into_response()
}

fn parse(id: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(id).map_err(|_| {
        status(
            StatusCode::BAD_REQUEST,
            "invalid_uuid",
            "the identifier is not a UUID",
        )
    })
}

fn unknown() -> Response {
    status(
        StatusCode::NOT_FOUND,
        "unknownobject",
        "no object has this identifier",
    )
}

fn uris(state: &AppState) -> CaseUris {
    CaseUris::new(&state.config.public_url)
}

async fn documents(State(state): State<AppState>) -> Response {
    let catalog = state.catalog();
    let uris = uris(&state);
    let docs: Vec<_> = catalog
        .frameworks
        .iter()
        .map(|f| case::document(&f.framework, &uris, f.updated_at))
        .collect();
    Json(json!({ "CFDocuments": docs })).into_response()
}

/// Answers with `render(framework)` for the framework `id`, or the imsx error.
fn framework_response(
    state: &AppState,
    id: &str,
    render: impl FnOnce(&StoredFramework, &CaseUris) -> serde_json::Value,
) -> Response {
    let id = match parse(id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let catalog = state.catalog();
    match catalog.framework(id) {
        Some(f) => Json(render(f, &uris(state))).into_response(),
        None => unknown(),
    }
}

async fn document(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    framework_response(
        &state,
        &id,
        |f, uris| json!({ "CFDocument": case::document(&f.framework, uris, f.updated_at) }),
    )
}

async fn package(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    framework_response(
        &state,
        &id,
        |f, uris| json!({ "CFPackage": case::package(&f.framework, uris, f.updated_at) }),
    )
}

async fn item(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match parse(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let catalog = state.catalog();
    let found = catalog.frameworks.iter().find_map(|f| {
        f.framework
            .node(id)
            .and_then(|_| case::item(&f.framework, id, &uris(&state), f.updated_at))
    });
    match found {
        Some(item) => Json(json!({ "CFItem": item })).into_response(),
        None => unknown(),
    }
}

async fn association(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match parse(&id) {
        Ok(id) => id.to_string(),
        Err(r) => return r,
    };
    let catalog = state.catalog();
    let uris = uris(&state);
    for f in &catalog.frameworks {
        let pkg = case::package(&f.framework, &uris, f.updated_at);
        if let Some(mut a) = pkg.associations.into_iter().find(|a| a.identifier == id) {
            a.document_uri = Some(case::LinkUri {
                title: pkg.document.title.clone(),
                identifier: pkg.document.identifier.clone(),
                uri: pkg.document.uri.clone(),
            });
            return Json(json!({ "CFAssociation": a })).into_response();
        }
    }
    unknown()
}

/// An item with every association that starts or ends at it.
async fn item_associations(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match parse(&id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let catalog = state.catalog();
    let uris = uris(&state);
    for f in &catalog.frameworks {
        if f.framework.node(id).is_none() {
            continue;
        }
        let pkg = case::package(&f.framework, &uris, f.updated_at);
        let key = id.to_string();
        let item = case::item(&f.framework, id, &uris, f.updated_at);
        let associations: Vec<_> = pkg
            .associations
            .into_iter()
            .filter(|a| a.origin.identifier == key || a.destination.identifier == key)
            .collect();
        return Json(json!({ "CFItem": item, "CFAssociations": associations })).into_response();
    }
    unknown()
}
