//! The JSON API under `/api/v1`. Authentication by bearer token (`POST /api/v1/sessions`) or
//! the web session cookie. Errors are RFC 9457 problem details. The OpenAPI 3.1 document is
//! generated from these handlers and served at `/api/v1/openapi.json`.

mod auth;
mod dto;
mod handlers;
pub mod openapi;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/users", post(handlers::create_user))
        .route("/users/{id}", get(handlers::get_user))
        .route("/users/{id}/profile", get(handlers::get_user_profile))
        .route("/sessions", post(handlers::create_session))
        .route(
            "/sessions/current",
            axum::routing::delete(handlers::delete_session),
        )
        .route(
            "/me",
            get(handlers::get_me)
                .patch(handlers::patch_me)
                .delete(handlers::delete_me),
        )
        .route("/me/export", get(handlers::export_me))
        .route("/me/profile", get(handlers::get_my_profile))
        .route(
            "/me/statistics",
            get(handlers::get_statistics)
                .put(handlers::put_statistics)
                .delete(handlers::delete_statistics),
        )
        .route(
            "/frameworks",
            get(handlers::list_frameworks).post(handlers::import_framework),
        )
        .route("/frameworks/{id}", get(handlers::get_framework))
        .route(
            "/self-assessment",
            get(handlers::get_self_assessment).post(handlers::post_self_assessment),
        )
        .route("/lessons", get(handlers::list_lessons))
        .route("/lessons/{slug}", get(handlers::get_lesson))
        .route(
            "/lessons/{slug}/completion",
            post(handlers::complete_lesson),
        )
}
