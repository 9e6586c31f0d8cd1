//! The learning record store's HTTP resources under `/xapi/` (xAPI 2.0 and 1.0.3, chosen per
//! request by `X-Experience-API-Version`).

mod auth;
mod documents;
mod format;
mod statements;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::json;
use suyang_xapi::Version;

use crate::state::AppState;

pub use auth::{SCOPES, create_credential, hash_secret};

/// The header naming the xAPI version of a request and of its answer.
pub const VERSION_HEADER: &str = "x-experience-api-version";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/about", get(about))
        .route(
            "/statements",
            get(statements::get)
                .put(statements::put)
                .post(statements::post),
        )
        .route("/activities/state", any(documents::state_resource))
        .route("/activities/profile", any(documents::activity_profile))
        .route("/agents/profile", any(documents::agent_profile))
        .route("/activities", get(documents::activities))
        .route("/agents", get(documents::agents))
        .layer(axum::middleware::from_fn(versioned))
}

/// Versions this LRS speaks, newest first.
async fn about() -> Response {
    axum::Json(json!({ "version": ["2.0.0", "1.0.3"] })).into_response()
}

/// An xAPI error: 4xx with a problem document naming what was wrong.
pub fn error(status: StatusCode, detail: impl Into<String>) -> Response {
    let body = json!({ "type": "about:blank", "title": status.canonical_reason().unwrap_or("Error"), "status": status.as_u16(), "detail": detail.into() });
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

/// Every resource but `about` needs a supported `X-Experience-API-Version`; every answer
/// carries the version served.
async fn versioned(mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let asked = request
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let version = match asked.as_deref().map(Version::from_header) {
        Some(Some(v)) => v,
        Some(None) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "unsupported X-Experience-API-Version {:?}; this LRS speaks 2.0.0 and 1.0.3",
                    asked.unwrap_or_default()
                ),
            );
        }
        None if path.ends_with("/about") => Version::V2_0_0,
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "the X-Experience-API-Version header is required",
            );
        }
    };
    request.extensions_mut().insert(version);
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(VERSION_HEADER, HeaderValue::from_static(version.as_str()));
    response
}
