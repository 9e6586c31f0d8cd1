//! The learning record store's HTTP resources under `/xapi/` (xAPI 2.0 and 1.0.3, chosen per
//! request by `X-Experience-API-Version`).

mod alternate;
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

pub fn routes(state: &AppState) -> Router<AppState> {
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            versioned,
        ))
}

/// The LRS as one service. The alternate request syntax is unwrapped before routing, since it
/// changes the method the request is routed by.
pub fn service(
    state: AppState,
) -> impl tower::Service<Request, Response = Response, Error = std::convert::Infallible, Future: Send>
+ Clone
+ Send
+ Sync
+ 'static {
    use axum::http::{HeaderName, Method};
    // Learning content served from other sites (H5P, cmi5 packages) calls the LRS from the
    // browser: allow any origin, with the xAPI headers, and let it read the xAPI answers.
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::POST,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static(VERSION_HEADER),
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            HeaderName::from_static(VERSION_HEADER),
            HeaderName::from_static(CONSISTENT_THROUGH),
        ]);
    tower::ServiceBuilder::new()
        .layer(cors)
        .layer(axum::middleware::from_fn(alternate::rewrite))
        .service(routes(&state).with_state(state))
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
async fn versioned(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Requests that name no version (the About resource, and errors) are answered in the
    // deployment's default version.
    let default = state.config.lrs_default_version;
    let path = request.uri().path().to_string();
    let statements_get =
        request.method() == axum::http::Method::GET && path.ends_with("/statements");
    let asked = request
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let outcome = match asked.as_deref().map(Version::from_header) {
        Some(Some(v)) => Ok(v),
        Some(None) => Err(error(
            StatusCode::BAD_REQUEST,
            format!(
                "unsupported X-Experience-API-Version {:?}; this LRS speaks 2.0.0 and 1.0.3",
                asked.unwrap_or_default()
            ),
        )),
        None if path.ends_with("/about") => Ok(default),
        None => Err(error(
            StatusCode::BAD_REQUEST,
            "the X-Experience-API-Version header is required",
        )),
    };
    let (version, mut response) = match outcome {
        Ok(version) => {
            request.extensions_mut().insert(version);
            (version, next.run(request).await)
        }
        Err(r) => (default, r),
    };
    let h = response.headers_mut();
    h.insert(VERSION_HEADER, HeaderValue::from_static(version.as_str()));
    // Every answer to a statement query says up to when it is complete, errors included.
    if statements_get && !h.contains_key(CONSISTENT_THROUGH) {
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        if let Ok(v) = HeaderValue::from_str(&now) {
            h.insert(CONSISTENT_THROUGH, v);
        }
    }
    response
}

/// Statements stored up to this time are all visible to queries.
pub const CONSISTENT_THROUGH: &str = "x-experience-api-consistent-through";
