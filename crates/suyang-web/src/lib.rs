//! Suyang's HTTP surface: server-rendered pages that work without JavaScript, the JSON API under
//! `/api/v1`, the CASE provider under `/ims/case/v1p1`, and operations endpoints.

pub mod api;
mod assets;
mod case;
mod ctx;
mod errors;
mod i18n;
mod linked_data;
mod markdown;
mod ops;
mod pages;
pub mod record;
mod security;
pub mod services;
mod state;
pub mod xapi;

pub use errors::ApiError;

/// Helpers for tests that need to forge what a real client would hold.
pub mod testing {
    pub use crate::security::csrf_token;
}
pub use i18n::{message_ids, translate};
pub use ops::install_metrics;
pub use state::{AppState, Catalog, WebConfig};

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .nest("/ims/case/v1p1", case::routes())
        .nest_service("/xapi", xapi::service(state.clone()))
        .merge(ops::routes())
        .merge(linked_data::routes())
        .merge(assets::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            errors::localize,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::anonymous_cookie,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(DefaultBodyLimit::max(body_limit))
        // Fastest gzip: a third of the CPU of the default level for a few percent more bytes.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(axum::middleware::from_fn(ops::track))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = state.spawn_refresher();
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    state.store.close().await;
    result
}
