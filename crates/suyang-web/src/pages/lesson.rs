use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use suyang_domain::event::Verb;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::linked_data;
use crate::markdown;
use crate::pages::{html, level_name};
use crate::services;

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonPage {
    page: PageCtx,
    slug: String,
    title: String,
    summary: String,
    body: String,
    competence: String,
    level: String,
    minutes: String,
    licence: String,
    content_lang: String,
    content_dir: &'static str,
    language_note: Option<String>,
    completed: bool,
    /// schema.org LearningResource (LRMI), escaped for a script element.
    linked_data: String,
}

pub async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, PageError> {
    let catalog = ctx.state.catalog();
    let lesson = catalog.lesson(&slug).ok_or(PageError::NotFound)?;
    let tr = ctx.tr();
    let l = ctx.locale;
    let (body_lang, body) = lesson.body.resolve(l);
    let completed = match &ctx.user {
        Some(user) => {
            services::lesson_event(&ctx.state, user, &lesson.slug, Verb::Experienced, ctx.now)
                .await?;
            services::completed_lessons(&ctx.state, user)
                .await?
                .contains(&lesson.slug)
        }
        None => false,
    };
    let competence = catalog
        .primary_framework()
        .and_then(|f| f.competence_by_code(&lesson.competence))
        .map(|(_, c)| format!("{} {}", c.code, c.name.get(l)))
        .unwrap_or_else(|| lesson.competence.clone());
    let title = lesson.title.get(l).to_string();
    html(&LessonPage {
        page: ctx.page(title.clone()),
        slug: lesson.slug.clone(),
        title,
        summary: lesson.summary.get(l).to_string(),
        body: markdown::render(body),
        competence,
        level: level_name(tr, Some(lesson.level)),
        minutes: tr.n("minutes", i64::from(lesson.minutes)),
        licence: lesson.licence.replace('-', " "),
        language_note: (body_lang != l.tag()).then(|| tr.t("lesson-other-language")),
        content_dir: suyang_domain::lang::Locale::from_tag(body_lang).map_or("ltr", |l| l.dir()),
        content_lang: body_lang.to_string(),
        completed,
        linked_data: linked_data::script_json(&linked_data::lesson(&ctx.state, lesson, l)),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompleteForm {
    csrf: String,
}

pub async fn complete(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<CompleteForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    let catalog = ctx.state.catalog();
    let lesson = catalog.lesson(&slug).ok_or(PageError::NotFound)?;
    services::lesson_event(&ctx.state, user, &lesson.slug, Verb::Completed, ctx.now).await?;
    Ok(Redirect::to("/me?done=lesson").into_response())
}
