use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use suyang_domain::content::digcomp_names;
use uuid::Uuid;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
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
    areas: Vec<AreaView>,
}

fn render(ctx: &Ctx, catalog: &Catalog, id: Uuid) -> Result<Response, PageError> {
    let stored = catalog.framework(id).ok_or(PageError::NotFound)?;
    let f = &stored.framework;
    let l = ctx.locale;
    let tr = ctx.tr();
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
        areas,
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
