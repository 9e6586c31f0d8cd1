use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use suyang_domain::account::{ElderMode, Role};
use suyang_domain::assessment::{Profile, recommend};
use suyang_domain::case;
use suyang_domain::event::Verb;
use suyang_domain::framework::{Framework, Level};
use suyang_domain::lang::Locale;
use suyang_store::{SaveOutcome, SessionKind, User};
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::{Caller, Lang};
use super::dto::*;
use crate::errors::ApiError;
use crate::i18n::Tr;
use crate::services::{self, FieldError, ServiceError, Settings, SignUp, StatisticsInput};
use crate::state::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(fields) => ApiError::Invalid(
                fields
                    .into_iter()
                    .map(|FieldError { field, message_id }| (field.to_string(), message_id))
                    .collect(),
            ),
            ServiceError::WrongCredentials => ApiError::Unauthorized,
            ServiceError::Throttled => ApiError::TooManyAttempts,
            ServiceError::Store(e) => ApiError::Store(e),
            ServiceError::Internal(e) => ApiError::Internal(e),
        }
    }
}

fn level_key(level: Option<Level>) -> String {
    level.map_or("none", |l| l.key()).to_string()
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = SignUpIn,
    responses((status = 201, body = UserOut), (status = 422, description = "Invalid field", content_type = "application/problem+json")))]
pub async fn create_user(
    State(state): State<AppState>,
    Json(input): Json<SignUpIn>,
) -> ApiResult<Response> {
    let user = services::sign_up(
        &state,
        SignUp {
            login: &input.login,
            display_name: &input.display_name,
            password: &input.password,
            password_again: None,
            locale: input
                .locale
                .as_deref()
                .and_then(Locale::from_tag)
                .map(|l| l.tag()),
            elder_mode: ElderMode::Off,
        },
        now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&user))).into_response())
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts", request_body = SignInIn,
    responses((status = 201, body = SessionOut), (status = 401, description = "Wrong login or password"), (status = 429, description = "Too many failed attempts")))]
pub async fn create_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(input): Json<SignInIn>,
) -> ApiResult<Response> {
    let t = now();
    let user = services::sign_in(&state, &input.login, &input.password, Some(peer.ip()), t).await?;
    let (token, expires_at) = services::start_session(&state, &user, SessionKind::Api, t).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionOut {
            token,
            expires_at,
            user: UserOut::from(&user),
        }),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts", responses((status = 204), (status = 401)))]
pub async fn delete_session(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<StatusCode> {
    state.store.delete_session(&caller.session_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "me", responses((status = 200, body = UserOut), (status = 401)))]
pub async fn get_me(caller: Caller) -> Json<UserOut> {
    Json(UserOut::from(&caller.user))
}

#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = MePatch, responses((status = 200, body = UserOut), (status = 422)))]
pub async fn patch_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<MePatch>,
) -> ApiResult<Json<UserOut>> {
    let u = &caller.user;
    let elder = match input.elder_mode.as_deref() {
        Some(key) => ElderMode::from_key(key)
            .ok_or_else(|| ApiError::field("elder_mode", "error-elder-mode-invalid"))?,
        None => u.elder_mode,
    };
    let settings = Settings {
        display_name: input.display_name.as_deref().unwrap_or(&u.display_name),
        locale: input.locale.as_deref().or(u.locale.as_deref()),
        elder_mode: elder,
    };
    services::update_settings(&state, u, settings, now()).await?;
    let fresh = state
        .store
        .user_by_id(u.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(UserOut::from(&fresh)))
}

#[utoipa::path(delete, path = "/api/v1/me", tag = "me", request_body = PasswordIn,
    responses((status = 204, description = "Account and all its data deleted"), (status = 422, description = "Wrong password")))]
pub async fn delete_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PasswordIn>,
) -> ApiResult<StatusCode> {
    services::delete_account(&state, &caller.user, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/export", tag = "me", responses((status = 200, description = "Everything kept about the caller", body = serde_json::Value)))]
pub async fn export_me(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(services::export(&state, &caller.user).await?))
}

#[utoipa::path(get, path = "/api/v1/me/statistics", tag = "me", responses((status = 200, body = StatisticsIo)))]
pub async fn get_statistics(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<StatisticsIo>> {
    Ok(Json(state.store.statistics(caller.user.id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/me/statistics", tag = "me", request_body = StatisticsIo,
    responses((status = 200, body = StatisticsIo), (status = 422, description = "No consent, or an invalid fact")))]
pub async fn put_statistics(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<StatisticsIo>,
) -> ApiResult<Json<StatisticsIo>> {
    if !input.consent {
        return Err(ApiError::field("consent", "error-consent-required"));
    }
    let record = services::give_statistics_consent(
        &state,
        &caller.user,
        StatisticsInput {
            region: input.region.as_deref(),
            age_band: input.age_band.as_deref(),
            group: input.group.as_deref(),
        },
        now(),
    )
    .await?;
    Ok(Json(Some(record).into()))
}

#[utoipa::path(delete, path = "/api/v1/me/statistics", tag = "me", responses((status = 204, description = "Consent withdrawn; the facts are deleted")))]
pub async fn delete_statistics(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<StatusCode> {
    state.store.clear_statistics(caller.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/frameworks", tag = "frameworks", responses((status = 200, body = Vec<FrameworkSummary>)))]
pub async fn list_frameworks(State(state): State<AppState>) -> Json<Vec<FrameworkSummary>> {
    Json(
        state
            .catalog()
            .frameworks
            .iter()
            .map(FrameworkSummary::from)
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/frameworks/{id}", tag = "frameworks", params(("id" = Uuid, Path)),
    responses((status = 200, body = FrameworkOut), (status = 404)))]
pub async fn get_framework(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<FrameworkOut>> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let catalog = state.catalog();
    let stored = catalog.framework(id).ok_or(ApiError::NotFound)?;
    Ok(Json(FrameworkOut::new(stored)))
}

#[utoipa::path(post, path = "/api/v1/frameworks", tag = "frameworks",
    request_body(content = serde_json::Value, description = "A 1EdTech CASE 1.1 CFPackage", content_type = "application/json"),
    responses((status = 201, body = ImportOut), (status = 200, body = ImportOut, description = "Unchanged or a new version"),
        (status = 400, description = "Not a valid CASE package; `detail` names the place"), (status = 403)))]
pub async fn import_framework(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    if !caller.user.role.includes(Role::PlatformAdmin) {
        return Err(ApiError::Forbidden);
    }
    let framework =
        case::import(&body).map_err(|e| ApiError::BadInput("error-case-invalid", e.to_string()))?;
    let t = now();
    let outcome = state.store.save_framework(&framework, false, t).await?;
    services::audit(
        &state,
        Some(&caller.user),
        "framework.import",
        Some(framework.id.to_string()),
        Some(serde_json::json!({ "version": framework.version })),
        t,
    )
    .await?;
    state.refresh_catalog().await?;
    let (status, outcome, revision) = match outcome {
        SaveOutcome::Created => (StatusCode::CREATED, "created", 1),
        SaveOutcome::NewVersion(v) => (StatusCode::OK, "new-version", v),
        SaveOutcome::Unchanged => (
            StatusCode::OK,
            "unchanged",
            state
                .catalog()
                .framework(framework.id)
                .map_or(1, |f| f.version),
        ),
    };
    Ok((
        status,
        Json(ImportOut {
            id: framework.id,
            outcome: outcome.into(),
            revision,
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/self-assessment", tag = "assessment",
    responses((status = 200, body = SelfAssessmentOut, description = "Questions in the language of Accept-Language")))]
pub async fn get_self_assessment(
    State(state): State<AppState>,
    Lang(l): Lang,
) -> ApiResult<Json<SelfAssessmentOut>> {
    let catalog = state.catalog();
    let f = catalog.primary_framework().ok_or(ApiError::NotFound)?;
    let tr = Tr(l);
    Ok(Json(SelfAssessmentOut {
        framework_id: f.id,
        scale: (1..=4)
            .map(|v| ScaleStep {
                value: v,
                label: tr.t(&format!("rating-{v}")),
            })
            .collect(),
        questions: f
            .competences()
            .map(|(a, c)| QuestionOut {
                code: c.code.clone(),
                area: a.name.get(l).into(),
                competence: c.name.get(l).into(),
                statement: if c.statement.is_empty() {
                    c.name.get(l)
                } else {
                    c.statement.get(l)
                }
                .into(),
            })
            .collect(),
    }))
}

/// The profile as the API shows it, with the explained recommendation.
async fn profile_out(
    state: &AppState,
    user: &User,
    f: &Framework,
    p: &Profile,
    at: OffsetDateTime,
    l: Locale,
) -> ApiResult<ProfileOut> {
    let tr = Tr(l);
    let catalog = state.catalog();
    let completed = services::completed_lessons(state, user).await?;
    let name = |code: &str| {
        f.competence_by_code(code)
            .map(|(_, c)| c.name.get(l).to_string())
            .unwrap_or_default()
    };
    let recommendation = recommend(p, &catalog.lessons, &completed).map(|r| RecommendationOut {
        competence: r.competence.clone(),
        target_level: r.target.key().into(),
        reason: tr.t1("recommend-why", "competence", name(&r.competence)),
        lesson: LessonRef {
            slug: r.lesson.slug.clone(),
            title: r.lesson.title.get(l).into(),
            summary: r.lesson.summary.get(l).into(),
            minutes: r.lesson.minutes,
            url: format!("{}/lessons/{}", state.config.public_url, r.lesson.slug),
        },
    });
    Ok(ProfileOut {
        framework_id: f.id,
        assessed_at: at,
        score: p.score,
        level: level_key(p.level),
        areas: p
            .areas
            .iter()
            .map(|a| AreaResultOut {
                code: a.code.clone(),
                name: f
                    .areas
                    .iter()
                    .find(|x| x.code == a.code)
                    .map(|x| x.name.get(l).to_string())
                    .unwrap_or_default(),
                score: a.score,
                level: level_key(a.level),
                competences: a
                    .competences
                    .iter()
                    .map(|c| CompetenceResultOut {
                        code: c.code.clone(),
                        name: name(&c.code),
                        rating: c.rating.value(),
                        level: level_key(c.level),
                    })
                    .collect(),
            })
            .collect(),
        recommendation,
    })
}

#[utoipa::path(post, path = "/api/v1/self-assessment", tag = "assessment", request_body = SelfAssessmentIn,
    responses((status = 201, body = ProfileOut), (status = 422, description = "A rating is missing, unknown or out of range")))]
pub async fn post_self_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Lang(l): Lang,
    Json(input): Json<SelfAssessmentIn>,
) -> ApiResult<Response> {
    let catalog = state.catalog();
    let f = catalog.primary_framework().ok_or(ApiError::NotFound)?;
    let assessment = services::parse_ratings(f, &input.ratings).map_err(|errors| {
        ApiError::Invalid(
            errors
                .into_iter()
                .map(|(code, id)| (format!("ratings.{code}"), id))
                .collect(),
        )
    })?;
    let t = now();
    let profile = services::record_self_assessment(&state, &caller.user, f, &assessment, t).await?;
    let out = profile_out(&state, &caller.user, f, &profile, t, l).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

async fn profile_of(state: &AppState, user: &User, l: Locale) -> ApiResult<Json<ProfileOut>> {
    let catalog = state.catalog();
    let f = catalog.primary_framework().ok_or(ApiError::NotFound)?;
    let (p, at) = services::current_profile(state, user, f)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(profile_out(state, user, f, &p, at, l).await?))
}

#[utoipa::path(get, path = "/api/v1/me/profile", tag = "assessment",
    responses((status = 200, body = ProfileOut), (status = 404, description = "No self-assessment yet")))]
pub async fn get_my_profile(
    State(state): State<AppState>,
    caller: Caller,
    Lang(l): Lang,
) -> ApiResult<Json<ProfileOut>> {
    profile_of(&state, &caller.user, l).await
}

/// The subject of `/users/{id}` requests, if the caller may see them. Unknown and forbidden
/// look the same to a caller without rights, so the API does not reveal who has an account.
async fn visible_user(state: &AppState, caller: &Caller, id: &str) -> ApiResult<User> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::NotFound)?;
    let subject = state.store.user_by_id(id).await?;
    match subject {
        Some(s) if services::may_view(&caller.user, &s) => {
            if s.id != caller.user.id {
                services::audit(
                    state,
                    Some(&caller.user),
                    "user.view",
                    Some(s.id.to_string()),
                    None,
                    now(),
                )
                .await?;
            }
            Ok(s)
        }
        _ => Err(ApiError::Forbidden),
    }
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserOut), (status = 403, description = "Not yourself, and not a facilitator of their organisation")))]
pub async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<UserOut>> {
    let user = visible_user(&state, &caller, &id).await?;
    Ok(Json(UserOut::from(&user)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}/profile", tag = "assessment", params(("id" = Uuid, Path)),
    responses((status = 200, body = ProfileOut), (status = 403), (status = 404)))]
pub async fn get_user_profile(
    State(state): State<AppState>,
    caller: Caller,
    Lang(l): Lang,
    Path(id): Path<String>,
) -> ApiResult<Json<ProfileOut>> {
    let user = visible_user(&state, &caller, &id).await?;
    profile_of(&state, &user, l).await
}

fn lesson_out(l: &suyang_domain::lesson::Lesson) -> LessonOut {
    LessonOut {
        slug: l.slug.clone(),
        competence: l.competence.clone(),
        level: l.level.key().into(),
        minutes: l.minutes,
        licence: l.licence.clone(),
        audiences: l.audiences.clone(),
        title: l.title.0.clone(),
        summary: l.summary.0.clone(),
        body: l.body.0.clone(),
    }
}

#[utoipa::path(get, path = "/api/v1/lessons", tag = "lessons", responses((status = 200, body = Vec<LessonOut>)))]
pub async fn list_lessons(State(state): State<AppState>) -> Json<Vec<LessonOut>> {
    Json(state.catalog().lessons.iter().map(lesson_out).collect())
}

#[utoipa::path(get, path = "/api/v1/lessons/{slug}", tag = "lessons", params(("slug" = String, Path)),
    responses((status = 200, body = LessonOut), (status = 404)))]
pub async fn get_lesson(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<LessonOut>> {
    let catalog = state.catalog();
    Ok(Json(lesson_out(
        catalog.lesson(&slug).ok_or(ApiError::NotFound)?,
    )))
}

#[utoipa::path(post, path = "/api/v1/lessons/{slug}/completion", tag = "lessons", params(("slug" = String, Path)),
    responses((status = 204, description = "Recorded as a learning event"), (status = 404)))]
pub async fn complete_lesson(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    let catalog = state.catalog();
    let lesson = catalog.lesson(&slug).ok_or(ApiError::NotFound)?;
    services::lesson_event(&state, &caller.user, &lesson.slug, Verb::Completed, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
