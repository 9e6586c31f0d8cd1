use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use suyang_domain::account::ElderMode;
use suyang_domain::lang::Locale;
use suyang_store::SessionKind;

use crate::ctx::{self, Ctx, PageCtx, safe_next};
use crate::errors::PageError;
use crate::pages::{FormErrors, html, unprocessable};
use crate::services::{self, ServiceError, SignUp};

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    page: PageCtx,
    login: String,
    display_name: String,
    errors: FormErrors,
}

pub async fn signup_form(ctx: Ctx) -> Result<Response, PageError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/me").into_response());
    }
    html(&SignUpPage {
        page: ctx.page(ctx.tr().t("sign-up")),
        login: String::new(),
        display_name: String::new(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpForm {
    csrf: String,
    login: String,
    display_name: String,
    password: String,
    password_again: String,
}

fn session_cookie(ctx: &Ctx, token: &str) -> axum::http::HeaderValue {
    ctx::set_cookie(
        ctx::SESSION_COOKIE,
        token,
        ctx.state.config.session_days * 86_400,
        ctx.state.config.secure_cookies,
    )
}

pub async fn signup(ctx: Ctx, Form(form): Form<SignUpForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let input = SignUp {
        login: &form.login,
        display_name: &form.display_name,
        password: &form.password,
        password_again: Some(&form.password_again),
        locale: Some(ctx.locale.tag()),
        elder_mode: ctx.elder,
    };
    match services::sign_up(&ctx.state, input, ctx.now).await {
        Ok(user) => {
            let (token, _) =
                services::start_session(&ctx.state, &user, SessionKind::Web, ctx.now).await?;
            let mut response = Redirect::to("/assessment").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(&ctx, &token));
            Ok(response)
        }
        Err(ServiceError::Invalid(fields)) => unprocessable(html(&SignUpPage {
            page: ctx.page(ctx.tr().t("sign-up")),
            login: form.login,
            display_name: form.display_name,
            errors: FormErrors::from_fields(ctx.tr(), &fields),
        })),
        Err(ServiceError::Store(e)) => Err(e.into()),
        Err(e) => Err(PageError::Internal(anyhow::anyhow!(e.to_string()))),
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    page: PageCtx,
    login: String,
    next: String,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn signin_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref());
    if ctx.user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    html(&SignInPage {
        page: ctx.page(ctx.tr().t("sign-in")),
        login: String::new(),
        next,
        message: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    csrf: String,
    login: String,
    password: String,
    next: String,
}

pub async fn signin(
    ctx: Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let next = safe_next(Some(&form.next));
    let failed = |message_id: &str, status| {
        let page = SignInPage {
            page: ctx.page(ctx.tr().t("sign-in")),
            login: form.login.clone(),
            next: next.clone(),
            message: Some(ctx.tr().t(message_id)),
        };
        html(&page).map(|mut r| {
            *r.status_mut() = status;
            r
        })
    };
    match services::sign_in(
        &ctx.state,
        &form.login,
        &form.password,
        Some(peer.ip()),
        ctx.now,
    )
    .await
    {
        Ok(user) => {
            let (token, _) =
                services::start_session(&ctx.state, &user, SessionKind::Web, ctx.now).await?;
            let mut response = Redirect::to(&next).into_response();
            let h = response.headers_mut();
            h.append(header::SET_COOKIE, session_cookie(&ctx, &token));
            if let Some(locale) = user.locale.as_deref() {
                h.append(
                    header::SET_COOKIE,
                    ctx::preference_cookie(
                        ctx::LANG_COOKIE,
                        locale,
                        ctx.state.config.secure_cookies,
                    ),
                );
            }
            h.append(
                header::SET_COOKIE,
                ctx::preference_cookie(
                    ctx::ELDER_COOKIE,
                    user.elder_mode.key(),
                    ctx.state.config.secure_cookies,
                ),
            );
            Ok(response)
        }
        Err(ServiceError::WrongCredentials) => failed(
            "error-wrong-credentials",
            axum::http::StatusCode::UNAUTHORIZED,
        ),
        Err(ServiceError::Throttled) => failed(
            "error-too-many-attempts",
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(ServiceError::Store(e)) => Err(e.into()),
        Err(e) => Err(PageError::Internal(anyhow::anyhow!(e.to_string()))),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn signout(ctx: Ctx, Form(form): Form<CsrfOnly>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    if let Some(hash) = &ctx.session_hash {
        ctx.state.store.delete_session(hash).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        ctx::set_cookie(ctx::SESSION_COOKIE, "", 0, ctx.state.config.secure_cookies),
    );
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrefsForm {
    csrf: String,
    next: String,
    lang: Option<String>,
    elder: Option<String>,
}

/// The language switch and the elder-mode switch in every page header. Kept in cookies, and in
/// the profile for signed-in people so it follows them to other devices.
pub async fn preferences(ctx: Ctx, Form(form): Form<PrefsForm>) -> Result<Response, PageError> {
    ctx.check_csrf(Some(&form.csrf))?;
    let secure = ctx.state.config.secure_cookies;
    let locale = match form.lang.as_deref() {
        Some(tag) => {
            Some(Locale::from_tag(tag).ok_or(PageError::BadRequest("error-locale-invalid"))?)
        }
        None => None,
    };
    let elder = match form.elder.as_deref() {
        Some(key) => {
            Some(ElderMode::from_key(key).ok_or(PageError::BadRequest("error-bad-request"))?)
        }
        None => None,
    };
    // Drop a `lang=` query from the page we return to, so the new choice shows.
    let next = safe_next(Some(&form.next));
    let next = match next.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| !kv.starts_with("lang="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => next,
    };
    let mut response = Redirect::to(&next).into_response();
    let h = response.headers_mut();
    if let Some(l) = locale {
        h.append(
            header::SET_COOKIE,
            ctx::preference_cookie(ctx::LANG_COOKIE, l.tag(), secure),
        );
    }
    if let Some(e) = elder {
        h.append(
            header::SET_COOKIE,
            ctx::preference_cookie(ctx::ELDER_COOKIE, e.key(), secure),
        );
    }
    if let Some(user) = &ctx.user {
        let locale_tag = locale.map(|l| l.tag()).or(user.locale.as_deref());
        ctx.state
            .store
            .update_user_profile(
                user.id,
                &user.display_name,
                locale_tag,
                elder.unwrap_or(user.elder_mode),
                ctx.now,
            )
            .await?;
    }
    Ok(response)
}
