//! The stylesheet, compiled into the binary and served with a long cache lifetime; its URL
//! carries a content hash so a new release is fetched at once.

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::state::AppState;

const CSS: &str = include_str!("../static/site.css");
const READ_ALOUD: &str = include_str!("../static/read-aloud.js");

fn version(content: &str) -> String {
    Sha256::digest(content.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub static CSS_VERSION: LazyLock<String> = LazyLock::new(|| version(CSS));
pub static READ_ALOUD_VERSION: LazyLock<String> = LazyLock::new(|| version(READ_ALOUD));

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/site.css",
            get(async || immutable(CSS, "text/css; charset=utf-8")),
        )
        .route(
            "/static/read-aloud.js",
            get(async || immutable(READ_ALOUD, "text/javascript; charset=utf-8")),
        )
}

fn immutable(content: &'static str, content_type: &'static str) -> Response {
    let mut response = content.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
