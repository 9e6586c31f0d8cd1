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

pub static CSS_VERSION: LazyLock<String> = LazyLock::new(|| {
    Sha256::digest(CSS.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
});

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/site.css", get(css))
}

async fn css() -> Response {
    let mut response = CSS.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
