//! Errors as responses. Handlers return [`PageError`] or [`ApiError`]; both leave a [`Failure`]
//! marker on the response, and the [`localize`] middleware — which knows the request's language —
//! turns it into a localized HTML page or an RFC 9457 `application/problem+json` body. Errors that
//! come from the framework itself (unknown route, wrong method, oversized or malformed bodies)
//! are dressed the same way, so no client ever sees a bare status or a 500.

use std::any::Any;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use suyang_store::StoreError;

use crate::ctx::Ctx;
use crate::pages::render_error;
use crate::security::CsrfError;
use crate::state::AppState;

/// What went wrong, for the localizing middleware to render.
#[derive(Clone, Debug)]
pub struct Failure {
    pub status: StatusCode,
    /// Fluent message id; also the last segment of the problem `type`.
    pub kind: &'static str,
    /// Extra detail that is already in words (e.g. which rule a CASE package broke).
    pub detail: Option<String>,
    /// Field-level messages: (field, Fluent message id).
    pub fields: Vec<(String, &'static str)>,
}

impl Failure {
    pub fn new(status: StatusCode, kind: &'static str) -> Failure {
        Failure {
            status,
            kind,
            detail: None,
            fields: Vec::new(),
        }
    }

    fn into_marked_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Errors of HTML pages.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in required")]
    SignInRequired(String),
    #[error("csrf: {0:?}")]
    Csrf(CsrfError),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let failure = match self {
            PageError::SignInRequired(next) => {
                let next: String =
                    serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                return Redirect::to(&format!("/signin?{next}")).into_response();
            }
            PageError::NotFound => Failure::new(StatusCode::NOT_FOUND, "error-not-found"),
            PageError::Forbidden => Failure::new(StatusCode::FORBIDDEN, "error-forbidden"),
            PageError::Csrf(CsrfError::Expired) => {
                Failure::new(StatusCode::FORBIDDEN, "error-form-expired")
            }
            PageError::Csrf(_) => Failure::new(StatusCode::FORBIDDEN, "error-form-invalid"),
            PageError::BadRequest(id) => Failure::new(StatusCode::BAD_REQUEST, id),
            PageError::Store(e) => {
                tracing::error!(error = %e, "storage error");
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
            }
            PageError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
            }
        };
        failure.into_marked_response()
    }
}

/// Errors of the JSON API, rendered as problem details.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid input")]
    Invalid(Vec<(String, &'static str)>),
    #[error("{1}")]
    BadInput(&'static str, String),
    #[error("too many attempts")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, message_id: &'static str) -> ApiError {
        ApiError::Invalid(vec![(field.to_string(), message_id)])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let failure = match self {
            ApiError::NotFound => Failure::new(StatusCode::NOT_FOUND, "error-not-found"),
            ApiError::Unauthorized => Failure::new(StatusCode::UNAUTHORIZED, "error-unauthorized"),
            ApiError::Forbidden => Failure::new(StatusCode::FORBIDDEN, "error-forbidden"),
            ApiError::Conflict(id) => Failure::new(StatusCode::CONFLICT, id),
            ApiError::Invalid(fields) => Failure {
                fields,
                ..Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "error-invalid-input")
            },
            ApiError::BadInput(id, detail) => Failure {
                detail: Some(detail),
                ..Failure::new(StatusCode::BAD_REQUEST, id)
            },
            ApiError::TooManyAttempts => {
                Failure::new(StatusCode::TOO_MANY_REQUESTS, "error-too-many-attempts")
            }
            ApiError::Store(e) => {
                tracing::error!(error = %e, "storage error");
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
            }
        };
        failure.into_marked_response()
    }
}

/// The generic message for a status the framework produced on its own.
fn kind_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::METHOD_NOT_ALLOWED => "error-method",
        StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-media-type",
        StatusCode::UNAUTHORIZED => "error-unauthorized",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::TOO_MANY_REQUESTS => "error-too-many-attempts",
        s if s.is_server_error() => "error-unavailable",
        _ => "error-bad-request",
    }
}

fn wants_json(path: &str, accept: Option<&str>) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/ims/")
        || accept.is_some_and(|a| a.contains("json") && !a.contains("html"))
}

/// Turns every error response into a localized page or problem document.
pub async fn localize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let json = wants_json(
        &path,
        request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    // Keep what is needed to rebuild the request context for an error page.
    let mut shadow = Request::builder()
        .uri(request.uri().clone())
        .body(())
        .unwrap_or_default();
    *shadow.headers_mut() = request.headers().clone();
    *shadow.extensions_mut() = request.extensions().clone();
    let response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status.is_redirection() || status.is_informational() {
        return response;
    }
    let marked = response.extensions().get::<Failure>().cloned();
    // Pages and documents a handler rendered itself (a form with its errors, a CASE status)
    // pass through; only marked failures and the framework's bare rejections are dressed.
    let rendered = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.contains("json"));
    if marked.is_none() && rendered {
        return response;
    }
    let mut failure = marked.unwrap_or_else(|| Failure::new(status, kind_for_status(status)));
    if failure.detail.is_none() && failure.kind == "error-bad-request" {
        // Framework rejections (malformed JSON, wrong form fields) explain themselves in English.
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&body).trim().to_string();
        if !text.is_empty() {
            failure.detail = Some(text);
        }
    }
    let (mut parts, ()) = shadow.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        Err(_) => return failure.status.into_response(),
    };
    if json {
        problem(&ctx, &failure, &path)
    } else {
        render_error(&ctx, &failure)
    }
}

fn problem(ctx: &Ctx, f: &Failure, instance: &str) -> Response {
    let tr = ctx.tr();
    let slug = f.kind.trim_start_matches("error-");
    let mut body = json!({
        "type": format!("{}/problems/{slug}", ctx.state.config.public_url),
        "title": tr.t(f.kind),
        "status": f.status.as_u16(),
        "instance": instance,
    });
    if let Some(detail) = &f.detail {
        body["detail"] = json!(detail);
    }
    if !f.fields.is_empty() {
        body["errors"] = f
            .fields
            .iter()
            .map(|(field, id)| json!({ "field": field, "code": id.trim_start_matches("error-"), "message": tr.t(id) }))
            .collect();
    }
    let mut response = (f.status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(ctx.locale.tag()),
    );
    response
}

/// A panic is a bug; the visitor still gets a well-formed answer.
pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    let mut response = Response::new(Body::from(
        r#"{"type":"about:blank","title":"Internal error","status":500}"#,
    ));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}
