use askama::Template;
use axum::response::Response;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::{html, level_name};
use crate::services;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: PageCtx,
    has_profile: bool,
    areas: Vec<(String, String)>,
}

pub async fn show(ctx: Ctx) -> Result<Response, PageError> {
    let catalog = ctx.state.catalog();
    let areas = catalog
        .primary_framework()
        .map(|f| {
            f.areas
                .iter()
                .map(|a| (a.code.clone(), a.name.get(ctx.locale).to_string()))
                .collect()
        })
        .unwrap_or_default();
    let has_profile = match (&ctx.user, catalog.primary_framework()) {
        (Some(u), Some(f)) => services::current_profile(&ctx.state, u, f).await?.is_some(),
        _ => false,
    };
    html(&Home {
        page: ctx.page(ctx.tr().t("home-title")),
        has_profile,
        areas,
    })
}

pub struct Bar {
    pub label_x: u32,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub label: String,
    pub level_key: &'static str,
}

pub struct CompetenceRow {
    pub code: String,
    pub name: String,
    pub rating: String,
    pub level: String,
}

pub struct AreaRow {
    pub name: String,
    pub score: String,
    pub level: String,
    pub competences: Vec<CompetenceRow>,
}

pub struct ProfileView {
    pub overall: String,
    pub taken: String,
    pub areas: Vec<AreaRow>,
    pub bars: Vec<Bar>,
    pub grid: Vec<(u32,)>,
    pub chart_width: u32,
    pub chart_height: u32,
    pub bar_x: u32,
    pub bar_height: u32,
}

pub struct RecommendationView {
    pub why: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub minutes: String,
}

#[derive(Template)]
#[template(path = "me.html")]
struct Me {
    page: PageCtx,
    name: String,
    notice: Option<String>,
    profile: Option<ProfileView>,
    recommendation: Option<RecommendationView>,
    completed: Vec<(String, String)>,
}

const CHART_WIDTH: u32 = 720;
const BAR_X: u32 = 320;
const ROW: u32 = 40;
const BAR_HEIGHT: u32 = 24;

/// "My learning": the competence profile, the next lesson and what is done.
pub async fn me(ctx: Ctx) -> Result<Response, PageError> {
    let user = ctx.require_user()?;
    let tr = ctx.tr();
    let catalog = ctx.state.catalog();
    let completed_slugs = services::completed_lessons(&ctx.state, user).await?;
    let mut profile = None;
    let mut recommendation = None;
    if let Some(f) = catalog.primary_framework()
        && let Some((p, taken)) = services::current_profile(&ctx.state, user, f).await?
    {
        let names = |code: &str| {
            f.competence_by_code(code)
                .map(|(_, c)| c.name.get(ctx.locale).to_string())
                .unwrap_or_default()
        };
        let areas: Vec<AreaRow> = p
            .areas
            .iter()
            .map(|a| AreaRow {
                name: f
                    .areas
                    .iter()
                    .find(|x| x.code == a.code)
                    .map(|x| x.name.get(ctx.locale).to_string())
                    .unwrap_or_default(),
                score: format!("{:.1} / 4", a.score),
                level: level_name(tr, a.level),
                competences: a
                    .competences
                    .iter()
                    .map(|c| CompetenceRow {
                        code: c.code.clone(),
                        name: names(&c.code),
                        rating: format!("{} / 4", c.rating.value()),
                        level: level_name(tr, c.level),
                    })
                    .collect(),
            })
            .collect();
        let span = CHART_WIDTH - BAR_X - 10;
        let bars = p
            .areas
            .iter()
            .zip(&areas)
            .enumerate()
            .map(|(i, (a, row))| Bar {
                label_x: BAR_X - 8,
                y: i as u32 * ROW + 8,
                text_y: i as u32 * ROW + 26,
                width: ((a.score / 4.0) * span as f32).round() as u32,
                label: format!("{} {:.1}", row.name, a.score),
                level_key: a.level.map_or("none", |l| l.key()),
            })
            .collect::<Vec<_>>();
        let height = bars.len() as u32 * ROW + 12;
        recommendation =
            suyang_domain::assessment::recommend(&p, &catalog.lessons, &completed_slugs).map(|r| {
                let competence = names(&r.competence);
                RecommendationView {
                    why: tr.t1("recommend-why", "competence", competence),
                    slug: r.lesson.slug.clone(),
                    title: r.lesson.title.get(ctx.locale).to_string(),
                    summary: r.lesson.summary.get(ctx.locale).to_string(),
                    minutes: tr.n("minutes", i64::from(r.lesson.minutes)),
                }
            });
        profile = Some(ProfileView {
            overall: level_name(tr, p.level),
            taken: taken.date().to_string(),
            areas,
            bars,
            grid: (0..=4).map(|i| (BAR_X + span * i / 4,)).collect(),
            chart_width: CHART_WIDTH,
            chart_height: height,
            bar_x: BAR_X,
            bar_height: BAR_HEIGHT,
        });
    }
    let completed = catalog
        .lessons
        .iter()
        .filter(|l| completed_slugs.contains(&l.slug))
        .map(|l| (l.slug.clone(), l.title.get(ctx.locale).to_string()))
        .collect();
    let notice = ctx
        .path
        .contains("done=lesson")
        .then(|| tr.t("lesson-completed"));
    html(&Me {
        page: ctx.page(tr.t("nav-me")),
        name: user.display_name.clone(),
        notice,
        profile,
        recommendation,
        completed,
    })
}
