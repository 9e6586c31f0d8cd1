use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use suyang_domain::content::digcomp_names;
use suyang_domain::framework::Framework;
use suyang_domain::lang::Locale;
use uuid::Uuid;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::i18n::Tr;
use crate::pages::{html, level_name};
use crate::state::Catalog;

pub struct CompetenceView {
    pub code: String,
    pub name: String,
    pub statement: String,
    pub levels: Vec<(String, String)>,
    pub abilities: String,
    pub digcomp: Vec<(String, String)>,
}

pub struct AreaView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub competences: Vec<CompetenceView>,
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    page: PageCtx,
    title: String,
    description: String,
    version: String,
    competence_count: i64,
    case_url: String,
    others: Vec<(Uuid, String)>,
    body: Arc<str>,
}

/// The framework tree: the same for every visitor in one language, so rendered once per
/// catalogue revision and reused.
#[derive(Template)]
#[template(path = "framework_body.html")]
struct FrameworkBody {
    contents_label: String,
    abilities_label: String,
    digcomp_label: String,
    areas: Vec<AreaView>,
}

fn body(catalog: &Catalog, f: &Framework, l: Locale) -> Result<Arc<str>, PageError> {
    let key = (f.id, l);
    if let Some(hit) = catalog
        .fragments
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(hit);
    }
    let tr = Tr(l);
    let digcomp = digcomp_names().unwrap_or_default();
    let areas = f
        .areas
        .iter()
        .map(|a| AreaView {
            code: a.code.clone(),
            name: a.name.get(l).to_string(),
            description: a.description.get(l).to_string(),
            competences: a
                .competences
                .iter()
                .map(|c| CompetenceView {
                    code: c.code.clone(),
                    name: c.name.get(l).to_string(),
                    statement: c.statement.get(l).to_string(),
                    levels: c
                        .levels
                        .iter()
                        .map(|d| (level_name(tr, Some(d.level)), d.text.get(l).to_string()))
                        .collect(),
                    abilities: c.abilities.join("、"),
                    digcomp: c
                        .digcomp
                        .iter()
                        .map(|d| (d.clone(), digcomp.get(d).cloned().unwrap_or_default()))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let rendered: Arc<str> = FrameworkBody {
        contents_label: tr.t("framework-contents"),
        abilities_label: tr.t("framework-abilities"),
        digcomp_label: tr.t("framework-digcomp"),
        areas,
    }
    .render()
    .map_err(|e| PageError::Internal(anyhow::anyhow!("template: {e}")))?
    .into();
    if let Ok(mut m) = catalog.fragments.lock() {
        m.insert(key, rendered.clone());
    }
    Ok(rendered)
}

fn render(ctx: &Ctx, catalog: &Catalog, id: Uuid) -> Result<Response, PageError> {
    let stored = catalog.framework(id).ok_or(PageError::NotFound)?;
    let f = &stored.framework;
    let l = ctx.locale;
    let title = f.title.get(l).to_string();
    html(&FrameworkPage {
        page: ctx.page(title.clone()),
        title,
        description: f.description.get(l).to_string(),
        version: format!("{} (r{})", f.version, stored.version),
        competence_count: f.competence_count() as i64,
        case_url: format!("/ims/case/v1p1/CFPackages/{}", f.id),
        others: catalog
            .frameworks
            .iter()
            .filter(|o| o.framework.id != id)
            .map(|o| (o.framework.id, o.framework.title.get(l).to_string()))
            .collect(),
        body: body(catalog, f, l)?,
    })
}

pub async fn primary(ctx: Ctx) -> Result<Response, PageError> {
    let catalog = ctx.state.catalog();
    let id = catalog.primary().ok_or(PageError::NotFound)?.framework.id;
    render(&ctx, &catalog, id)
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    let catalog = ctx.state.catalog();
    render(&ctx, &catalog, id)
}
