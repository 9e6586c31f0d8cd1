use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use suyang_domain::framework::Framework;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::{html, unprocessable};
use crate::services;

pub struct Item {
    pub code: String,
    pub statement: String,
    pub selected: u8,
    pub missing: bool,
}

pub struct Group {
    pub code: String,
    pub name: String,
    pub competences: Vec<Item>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    page: PageCtx,
    options: Vec<(u8, String)>,
    areas: Vec<Group>,
    errors: Vec<(String, String)>,
}

fn page(
    ctx: &Ctx,
    f: &Framework,
    selected: &BTreeMap<String, u8>,
    errors: Vec<(String, String)>,
) -> AssessmentPage {
    let tr = ctx.tr();
    let l = ctx.locale;
    let missing: Vec<&str> = errors.iter().map(|(c, _)| c.as_str()).collect();
    AssessmentPage {
        page: ctx.page(tr.t("assessment-title")),
        options: (1..=4).map(|v| (v, tr.t(&format!("rating-{v}")))).collect(),
        areas: f
            .areas
            .iter()
            .map(|a| Group {
                code: a.code.clone(),
                name: a.name.get(l).to_string(),
                competences: a
                    .competences
                    .iter()
                    .map(|c| Item {
                        code: c.code.clone(),
                        statement: if c.statement.is_empty() {
                            c.name.get(l)
                        } else {
                            c.statement.get(l)
                        }
                        .to_string(),
                        selected: selected.get(&c.code).copied().unwrap_or(0),
                        missing: missing.contains(&c.code.as_str()),
                    })
                    .collect(),
            })
            .collect(),
        errors,
    }
}

pub async fn form(ctx: Ctx) -> Result<Response, PageError> {
    let user = ctx.require_user()?;
    let catalog = ctx.state.catalog();
    let f = catalog.primary_framework().ok_or(PageError::NotFound)?;
    let previous: BTreeMap<String, u8> = services::current_profile(&ctx.state, user, f)
        .await?
        .map(|(p, _)| {
            p.competences()
                .map(|c| (c.code.clone(), c.rating.value()))
                .collect()
        })
        .unwrap_or_default();
    html(&page(&ctx, f, &previous, Vec::new()))
}

/// Takes `r-<code>=<1..4>` pairs; anything else in the form is ignored.
pub async fn submit(
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    ctx.check_csrf(csrf)?;
    let user = ctx.require_user()?;
    let catalog = ctx.state.catalog();
    let f = catalog.primary_framework().ok_or(PageError::NotFound)?;
    let raw: BTreeMap<String, i64> = fields
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("r-")?.to_string(),
                v.trim().parse::<i64>().unwrap_or(0),
            ))
        })
        .collect();
    match services::parse_ratings(f, &raw) {
        Ok(assessment) => {
            services::record_self_assessment(&ctx.state, user, f, &assessment, ctx.now).await?;
            Ok(Redirect::to("/me").into_response())
        }
        Err(errors) => {
            let tr = ctx.tr();
            let selected: BTreeMap<String, u8> = raw
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        k.clone(),
                        u8::try_from(*v).ok().filter(|v| (1..=4).contains(v))?,
                    ))
                })
                .collect();
            // Name each competence still to answer, by its statement, so the list is useful.
            let mut all_missing: Vec<(String, String)> = f
                .competences()
                .filter(|(_, c)| !selected.contains_key(&c.code))
                .map(|(_, c)| {
                    (
                        c.code.clone(),
                        format!("{} {}", c.code, c.name.get(ctx.locale)),
                    )
                })
                .collect();
            if all_missing.is_empty() {
                all_missing = errors.into_iter().map(|(c, id)| (c, tr.t(id))).collect();
            }
            unprocessable(html(&page(&ctx, f, &selected, all_missing)))
        }
    }
}
