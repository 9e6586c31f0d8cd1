//! Server-rendered pages. Every page works without JavaScript; every form carries a CSRF token.

mod account;
mod admin;
mod assessment;
mod framework;
mod home;
mod info;
mod lesson;
mod record;
mod settings;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use suyang_domain::framework::Level;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::{Failure, PageError};
use crate::i18n::Tr;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/signup", get(account::signup_form).post(account::signup))
        .route("/signin", get(account::signin_form).post(account::signin))
        .route("/signout", post(account::signout))
        .route("/prefs", post(account::preferences))
        .route("/framework", get(framework::primary))
        .route("/frameworks/{id}", get(framework::show))
        .route(
            "/assessment",
            get(assessment::form).post(assessment::submit),
        )
        .route("/me", get(home::me))
        .route("/me/settings", get(settings::show).post(settings::save))
        .route("/me/password", post(settings::password))
        .route("/me/statistics", post(settings::statistics))
        .route("/me/statistics/withdraw", post(settings::withdraw))
        .route("/me/export", get(settings::export))
        .route("/me/record", get(record::show))
        .route("/me/record.json", get(record::export))
        .route("/me/delete", post(settings::delete))
        .route("/lessons/{slug}", get(lesson::show))
        .route("/lessons/{slug}/complete", post(lesson::complete))
        .route("/accessibility", get(info::accessibility))
        .route("/privacy", get(info::privacy))
        .route("/admin", get(admin::show))
        .route("/admin/lrs", post(admin::create_credential))
        .route("/admin/lrs/revoke", post(admin::revoke_credential))
}

/// Renders a template as an HTML response.
pub fn html<T: Template>(template: &T) -> Result<Response, PageError> {
    let body = template
        .render()
        .map_err(|e| PageError::Internal(anyhow::anyhow!("template: {e}")))?;
    let mut response = Html(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Localized level name; `None` means "not yet at 初级".
pub fn level_name(tr: Tr, level: Option<Level>) -> String {
    tr.t(match level {
        None => "level-none",
        Some(Level::Basic) => "level-basic",
        Some(Level::Intermediate) => "level-intermediate",
        Some(Level::Advanced) => "level-advanced",
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    heading: String,
    detail: Option<String>,
}

/// The localized page for a failure (used by the error middleware).
pub fn render_error(ctx: &Ctx, failure: &Failure) -> Response {
    let heading = ctx.tr().t(failure.kind);
    let page = ErrorPage {
        page: ctx.page(heading.clone()),
        heading,
        detail: failure.detail.clone(),
    };
    match page.render() {
        Ok(body) => (failure.status, Html(body)).into_response(),
        Err(_) => failure.status.into_response(),
    }
}

pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// Field errors of a form, already localized, keyed by field name.
#[derive(Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn from_fields(tr: Tr, fields: &[crate::services::FieldError]) -> FormErrors {
        FormErrors(
            fields
                .iter()
                .map(|f| (f.field.to_string(), tr.t(f.message_id)))
                .collect(),
        )
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// 422 for a form that came back with errors, so clients and tests can tell.
pub fn unprocessable(response: Result<Response, PageError>) -> Result<Response, PageError> {
    response.map(|mut r| {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    })
}
