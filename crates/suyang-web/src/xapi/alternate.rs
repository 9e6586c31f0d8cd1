//! The alternate request syntax of xAPI 1.0.3 (refused for 2.0 requests, which dropped it) (Communication 1.3): a client that can only send
//! POST puts the real method in `?method=`, and the headers, parameters and content in a form body.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use suyang_xapi::Version;

use super::error;

/// Form fields that are request headers rather than resource parameters.
const HEADERS: [&str; 8] = [
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
    "accept-language",
    "accept",
];

/// Largest form body accepted (statements batches travel in it).
const LIMIT: usize = 4 * 1024 * 1024;

pub async fn rewrite(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(request.uri().query().unwrap_or("")).unwrap_or_default();
    let Some(method) = query
        .iter()
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.to_uppercase())
    else {
        return next.run(request).await;
    };
    if query.len() > 1 {
        return error(
            StatusCode::BAD_REQUEST,
            "with the alternate request syntax, method is the only query parameter",
        );
    }
    let method = match method.as_str() {
        "GET" => Method::GET,
        "PUT" => Method::PUT,
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        "HEAD" => Method::HEAD,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "method must be GET, PUT, POST, DELETE or HEAD",
            );
        }
    };
    let form_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return error(
            StatusCode::BAD_REQUEST,
            "the alternate request syntax sends an application/x-www-form-urlencoded body",
        );
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, LIMIT).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large");
    };
    let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) else {
        return error(StatusCode::BAD_REQUEST, "the form body is malformed");
    };
    let mut params = Vec::new();
    let mut content = String::new();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (key, value) in fields {
        let lower = key.to_ascii_lowercase();
        if lower == "content" {
            content = value;
        } else if HEADERS.contains(&lower.as_str()) {
            if lower == "content-length" {
                continue;
            }
            match (
                HeaderName::from_bytes(lower.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                (Ok(name), Ok(v)) => {
                    parts.headers.insert(name, v);
                }
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!("form field {key} is not a valid header"),
                    );
                }
            }
        } else {
            params.push((key, value));
        }
    }
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let path = parts.uri.path().to_string();
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    match uri.parse() {
        Ok(u) => parts.uri = u,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the form's parameters do not make a valid request",
            );
        }
    }
    // xAPI 2.0 dropped the alternate syntax: only 1.0.x requests may use it.
    let version = parts
        .headers
        .get("x-experience-api-version")
        .and_then(|v| v.to_str().ok())
        .and_then(Version::from_header);
    if version != Some(Version::V1_0_3) {
        return error(
            StatusCode::BAD_REQUEST,
            "the alternate request syntax exists only in xAPI 1.0.3",
        );
    }
    parts.method = method;
    if !content.is_empty() && !parts.headers.contains_key(header::CONTENT_TYPE) {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    next.run(Request::from_parts(parts, Body::from(content)))
        .await
}
