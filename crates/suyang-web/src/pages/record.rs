use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use suyang_domain::event::Verb;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::html;
use crate::record;

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    page: PageCtx,
    verbs: Vec<(&'static str, String, bool)>,
    /// (when, what, activity, link)
    rows: Vec<(String, String, String, Option<String>)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filter {
    verb: String,
}

/// "My learning record": the learner's statements, in their language, filterable by verb.
pub async fn show(ctx: Ctx, Query(filter): Query<Filter>) -> Result<Response, PageError> {
    let user = ctx.require_user()?;
    let tr = ctx.tr();
    let verb = Verb::ALL.into_iter().find(|v| v.key() == filter.verb);
    let statements =
        record::statements_of(&ctx.state, user.org_id, user.id, verb, None, 500).await?;
    let catalog = ctx.state.catalog();
    let lesson_prefix = ctx.state.iris.lesson("");
    let rows = statements
        .iter()
        .map(|s| {
            let when = s["timestamp"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " ");
            let what = s["verb"]["id"]
                .as_str()
                .and_then(Verb::from_iri)
                .map_or_else(String::new, |v| tr.t(&format!("record-verb-{}", v.key())));
            let object = s["object"]["id"].as_str().unwrap_or("");
            let (activity, link) = match object.strip_prefix(&lesson_prefix) {
                Some(slug) => (
                    catalog
                        .lesson(slug)
                        .map_or_else(|| slug.to_string(), |l| l.title.get(ctx.locale).to_string()),
                    Some(format!("/lessons/{slug}")),
                ),
                None if object.contains("/activities/self-assessment/") => {
                    (tr.t("nav-assessment"), Some("/me".to_string()))
                }
                None => (tr.t("site-name"), None),
            };
            (when, what, activity, link)
        })
        .collect();
    let mut verbs = vec![("", tr.t("record-all"), verb.is_none())];
    verbs.extend(Verb::ALL.into_iter().map(|v| {
        (
            v.key(),
            tr.t(&format!("record-verb-{}", v.key())),
            Some(v) == verb,
        )
    }));
    html(&RecordPage {
        page: ctx.page(tr.t("record-title")),
        verbs,
        rows,
    })
}

/// The learner's statements as xAPI JSON (a download).
pub async fn export(ctx: Ctx) -> Result<Response, PageError> {
    let user = ctx.require_user()?;
    let statements: Vec<Value> =
        record::statements_of(&ctx.state, user.org_id, user.id, None, None, 10_000).await?;
    let body =
        serde_json::to_string_pretty(&statements).map_err(|e| PageError::Internal(e.into()))?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"suyang-learning-record.json\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
