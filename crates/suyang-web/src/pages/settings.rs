use askama::Template;
use axum::Form;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use suyang_domain::account::{AgeBand, ElderMode, Group};
use suyang_domain::lang::Locale;
use suyang_store::StatisticsRecord;

use crate::ctx::{self, Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::{FormErrors, html, unprocessable};
use crate::services::{self, FieldError, ServiceError, Settings, StatisticsInput};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageCtx,
    notice: Option<String>,
    errors: FormErrors,
    login: String,
    display_name: String,
    elder_modes: Vec<(&'static str, String, bool)>,
    consented: bool,
    regions: Vec<(String, String, bool)>,
    age_bands: Vec<(&'static str, String, bool)>,
    groups: Vec<(&'static str, String, bool)>,
}

async fn page(
    ctx: &Ctx,
    notice: Option<&str>,
    errors: FormErrors,
) -> Result<SettingsPage, PageError> {
    let user = ctx.require_user()?;
    let tr = ctx.tr();
    let stats: Option<StatisticsRecord> = ctx.state.store.statistics(user.id).await?;
    let chosen = |f: fn(&StatisticsRecord) -> Option<&String>| {
        stats.as_ref().and_then(f).cloned().unwrap_or_default()
    };
    let region = chosen(|s| s.region.as_ref());
    let age = chosen(|s| s.age_band.as_ref());
    let group = chosen(|s| s.group.as_ref());
    Ok(SettingsPage {
        page: ctx.page(tr.t("settings-title")),
        notice: notice.map(|n| tr.t(n)),
        errors,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        elder_modes: [ElderMode::Off, ElderMode::On, ElderMode::Large]
            .into_iter()
            .map(|m| {
                (
                    m.key(),
                    tr.t(&format!("elder-mode-{}", m.key())),
                    m == user.elder_mode,
                )
            })
            .collect(),
        consented: stats.is_some(),
        regions: ctx
            .state
            .regions
            .choices()
            .map(|r| {
                let code = r.code.to_string();
                let selected = code == region;
                (code, r.full_name.clone(), selected)
            })
            .collect(),
        age_bands: AgeBand::ALL
            .iter()
            .map(|a| (a.key(), tr.t(&format!("age-{}", a.key())), a.key() == age))
            .collect(),
        groups: Group::ALL
            .iter()
            .map(|g| {
                (
                    g.key(),
                    tr.t(&format!("group-{}", g.key())),
                    g.key() == group,
                )
            })
            .collect(),
    })
}

pub async fn show(ctx: Ctx) -> Result<Response, PageError> {
    let notice = ctx.path.split_once("saved=").map(|(_, v)| match v {
        "password" => "settings-password-changed",
        "statistics" => "settings-statistics-saved",
        "withdrawn" => "settings-statistics-withdrawn",
        _ => "settings-saved",
    });
    html(&page(&ctx, notice, FormErrors::default()).await?)
}

async fn failed(ctx: &Ctx, fields: &[FieldError]) -> Result<Response, PageError> {
    unprocessable(html(
        &page(ctx, None, FormErrors::from_fields(ctx.tr(), fields)).await?,
    ))
}

fn service_error(e: ServiceError) -> PageError {
    match e {
        ServiceError::Store(e) => e.into(),
        other => PageError::Internal(anyhow::anyhow!(other.to_string())),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    csrf: String,
    display_name: String,
    locale: String,
    elder_mode: String,
}

pub async fn save(ctx: Ctx, Form(form): Form<SettingsForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    let elder = ElderMode::from_key(&form.elder_mode).unwrap_or(user.elder_mode);
    let locale = Locale::from_tag(&form.locale).map(|l| l.tag());
    let settings = Settings {
        display_name: &form.display_name,
        locale: Some(locale.unwrap_or(ctx.locale.tag())),
        elder_mode: elder,
    };
    match services::update_settings(&ctx.state, user, settings, ctx.now).await {
        Ok(()) => {
            let secure = ctx.state.config.secure_cookies;
            let mut response = Redirect::to("/me/settings?saved=settings").into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                ctx::preference_cookie(ctx::ELDER_COOKIE, elder.key(), secure),
            );
            if let Some(l) = locale {
                h.append(
                    header::SET_COOKIE,
                    ctx::preference_cookie(ctx::LANG_COOKIE, l, secure),
                );
            }
            Ok(response)
        }
        Err(ServiceError::Invalid(fields)) => failed(&ctx, &fields).await,
        Err(e) => Err(service_error(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn password(ctx: Ctx, Form(form): Form<PasswordForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    match services::change_password(
        &ctx.state,
        user,
        &form.current_password,
        &form.new_password,
        ctx.session_hash.as_deref(),
        ctx.now,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/me/settings?saved=password").into_response()),
        Err(ServiceError::Invalid(fields)) => failed(&ctx, &fields).await,
        Err(e) => Err(service_error(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatisticsForm {
    csrf: String,
    consent: String,
    region: String,
    age_band: String,
    group: String,
}

pub async fn statistics(ctx: Ctx, Form(form): Form<StatisticsForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    if form.consent != "yes" {
        return failed(
            &ctx,
            &[FieldError {
                field: "consent",
                message_id: "error-consent-required",
            }],
        )
        .await;
    }
    let input = StatisticsInput {
        region: Some(&form.region),
        age_band: Some(&form.age_band),
        group: Some(&form.group),
    };
    match services::give_statistics_consent(&ctx.state, user, input, ctx.now).await {
        Ok(_) => Ok(Redirect::to("/me/settings?saved=statistics").into_response()),
        Err(ServiceError::Invalid(fields)) => failed(&ctx, &fields).await,
        Err(e) => Err(service_error(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn withdraw(ctx: Ctx, Form(form): Form<CsrfForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    ctx.state.store.clear_statistics(user.id).await?;
    Ok(Redirect::to("/me/settings?saved=withdrawn").into_response())
}

/// Downloads everything kept about the person as JSON.
pub async fn export(ctx: Ctx) -> Result<Response, PageError> {
    let user = ctx.require_user()?;
    let data = services::export(&ctx.state, user).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| PageError::Internal(e.into()))?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"suyang-my-data.json\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    csrf: String,
    password: String,
}

pub async fn delete(ctx: Ctx, Form(form): Form<DeleteForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let user = ctx.require_user()?;
    match services::delete_account(&ctx.state, user, &form.password).await {
        Ok(()) => {
            let mut response = Redirect::to("/?deleted=1").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                ctx::set_cookie(ctx::SESSION_COOKIE, "", 0, ctx.state.config.secure_cookies),
            );
            Ok(response)
        }
        Err(ServiceError::Invalid(fields)) => failed(&ctx, &fields).await,
        Err(e) => Err(service_error(e)),
    }
}
