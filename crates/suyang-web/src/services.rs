//! What people do on the platform, shared by the HTML pages and the JSON API so both follow the
//! same rules. Handlers parse and render; these functions decide and store.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use serde_json::{Value, json};
use suyang_domain::account::{
    AccountError, AgeBand, DisplayName, ElderMode, Group, Login, Role, check_password,
};
use suyang_domain::assessment::{AssessmentError, Profile, Rating, SelfAssessment};
use suyang_domain::content::{builtin_framework, builtin_lessons};
use suyang_domain::event::{LearningEvent, Verb, ratings_in};
use suyang_domain::framework::Framework;
use suyang_store::{AuditEntry, NewUser, SessionKind, StatisticsRecord, Store, StoreError, User};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::record;
use crate::security;
use crate::state::AppState;

/// Loads the built-in framework and lessons; unchanged content is left as it is, so restarts
/// are idempotent and a new release's content becomes a new version.
pub async fn load_builtin_content(store: &Store, now: OffsetDateTime) -> anyhow::Result<()> {
    let framework = builtin_framework()?;
    store.save_framework(&framework, true, now).await?;
    for lesson in builtin_lessons()? {
        store.save_lesson(&lesson, now).await?;
    }
    Ok(())
}

/// Hashes a password with the platform's argon2id parameters (for the CLI).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    security::hash_password(password, 19 * 1024).await
}

/// Something a person typed that breaks a rule, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message_id: &'static str,
}

fn field(field: &'static str, e: AccountError) -> FieldError {
    FieldError {
        field,
        message_id: e.message_id(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("wrong login or password")]
    WrongCredentials,
    #[error("too many attempts")]
    Throttled,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub struct SignUp<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub password_again: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub elder_mode: ElderMode,
}

pub async fn sign_up(
    state: &AppState,
    input: SignUp<'_>,
    now: OffsetDateTime,
) -> Result<User, ServiceError> {
    let mut errors = Vec::new();
    let login = Login::parse(input.login)
        .map_err(|e| errors.push(field("login", e)))
        .ok();
    let name = DisplayName::parse(input.display_name)
        .map_err(|e| errors.push(field("display_name", e)))
        .ok();
    if let Err(e) = check_password(input.password) {
        errors.push(field("password", e));
    } else if input
        .password_again
        .is_some_and(|again| again != input.password)
    {
        errors.push(field("password_again", AccountError::PasswordMismatch));
    }
    let (Some(login), Some(name), true) = (login, name, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let hash =
        security::hash_password(input.password.to_string(), state.config.argon2_memory_kib).await?;
    let user = state
        .store
        .create_user(
            NewUser {
                org_id: state.default_org,
                login: login.as_str().to_string(),
                display_name: name.as_str().to_string(),
                password_hash: hash,
                role: Role::Learner,
                locale: input.locale.map(str::to_owned),
                elder_mode: input.elder_mode,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Invalid(vec![FieldError {
                field: "login",
                message_id: "error-login-taken",
            }]),
            other => ServiceError::Store(other),
        })?;
    record::record(
        state,
        &LearningEvent::registered(&state.iris, user.id, user.org_id, now),
    )
    .await?;
    Ok(user)
}

const LOGIN_WINDOW_MINUTES: i64 = 15;
const MAX_FAILURES_PER_LOGIN: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// Checks a login and password, throttling repeated failures per login and per address.
pub async fn sign_in(
    state: &AppState,
    login: &str,
    password: &str,
    from: Option<IpAddr>,
    now: OffsetDateTime,
) -> Result<User, ServiceError> {
    let login = Login::parse(login)
        .map(|l| l.as_str().to_string())
        .unwrap_or_else(|_| login.trim().to_lowercase());
    let login_key = format!("login:{login}");
    let addr_key = from.map(|a| format!("addr:{a}"));
    let since = now - Duration::minutes(LOGIN_WINDOW_MINUTES);
    if state.store.login_failures_since(&login_key, since).await? >= MAX_FAILURES_PER_LOGIN {
        return Err(ServiceError::Throttled);
    }
    if let Some(k) = &addr_key
        && state.store.login_failures_since(k, since).await? >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(ServiceError::Throttled);
    }
    let user = state.store.user_by_login(&login).await?;
    let hash = user.as_ref().map_or_else(
        || security::decoy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let ok = security::verify_password(password.to_string(), hash).await;
    match user {
        Some(user) if ok => {
            state.store.clear_login_failures(&login_key).await?;
            Ok(user)
        }
        _ => {
            state.store.record_login_failure(&login_key, now).await?;
            if let Some(k) = &addr_key {
                state.store.record_login_failure(k, now).await?;
            }
            Err(ServiceError::WrongCredentials)
        }
    }
}

/// Opens a session and returns its token (only its hash is stored).
pub async fn start_session(
    state: &AppState,
    user: &User,
    kind: SessionKind,
    now: OffsetDateTime,
) -> Result<(String, OffsetDateTime), StoreError> {
    let token = security::random_token();
    let expires = now + Duration::days(state.config.session_days);
    state
        .store
        .create_session(&security::token_hash(&token), user.id, kind, now, expires)
        .await?;
    Ok((token, expires))
}

pub async fn change_password(
    state: &AppState,
    user: &User,
    current: &str,
    new: &str,
    keep_session: Option<&[u8]>,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    if !security::verify_password(current.to_string(), user.password_hash.clone()).await {
        return Err(ServiceError::Invalid(vec![FieldError {
            field: "current_password",
            message_id: "error-password-wrong",
        }]));
    }
    check_password(new).map_err(|e| ServiceError::Invalid(vec![field("new_password", e)]))?;
    let hash = security::hash_password(new.to_string(), state.config.argon2_memory_kib).await?;
    state
        .store
        .set_password(user.id, &hash, keep_session, now)
        .await?;
    Ok(())
}

/// Settings a person can change about their account.
pub struct Settings<'a> {
    pub display_name: &'a str,
    pub locale: Option<&'a str>,
    pub elder_mode: ElderMode,
}

pub async fn update_settings(
    state: &AppState,
    user: &User,
    s: Settings<'_>,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    let name = DisplayName::parse(s.display_name)
        .map_err(|e| ServiceError::Invalid(vec![field("display_name", e)]))?;
    let locale = match s.locale {
        Some(tag) => Some(
            suyang_domain::lang::Locale::from_tag(tag)
                .ok_or(ServiceError::Invalid(vec![FieldError {
                    field: "locale",
                    message_id: "error-locale-invalid",
                }]))?
                .tag(),
        ),
        None => None,
    };
    state
        .store
        .update_user_profile(user.id, name.as_str(), locale, s.elder_mode, now)
        .await?;
    Ok(())
}

/// The optional facts someone agrees to share for statistics (as typed or chosen).
pub struct StatisticsInput<'a> {
    pub region: Option<&'a str>,
    pub age_band: Option<&'a str>,
    pub group: Option<&'a str>,
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Records consent with the facts given; every fact is optional and validated.
pub async fn give_statistics_consent(
    state: &AppState,
    user: &User,
    input: StatisticsInput<'_>,
    now: OffsetDateTime,
) -> Result<StatisticsRecord, ServiceError> {
    let mut errors = Vec::new();
    let region = blank(input.region).and_then(|r| {
        state
            .regions
            .parse(r)
            .map_err(|_| {
                errors.push(FieldError {
                    field: "region",
                    message_id: "error-region-invalid",
                })
            })
            .ok()
    });
    let age_band = blank(input.age_band).and_then(|a| {
        AgeBand::parse(a)
            .map_err(|e| errors.push(field("age_band", e)))
            .ok()
    });
    let group = blank(input.group).and_then(|g| {
        Group::parse(g)
            .map_err(|e| errors.push(field("group", e)))
            .ok()
    });
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let record = StatisticsRecord {
        region: region.map(|r| r.to_string()),
        age_band: age_band.map(|a| a.key().to_string()),
        group: group.map(|g| g.key().to_string()),
        consented_at: now,
    };
    state.store.set_statistics(user, &record).await?;
    Ok(record)
}

/// Ratings as submitted: competence code → a value that should be 1-4.
pub fn parse_ratings(
    framework: &Framework,
    raw: &BTreeMap<String, i64>,
) -> Result<SelfAssessment, Vec<(String, &'static str)>> {
    let mut errors = Vec::new();
    let mut ratings = BTreeMap::new();
    for (code, value) in raw {
        match u8::try_from(*value).ok().and_then(|v| Rating::new(v).ok()) {
            Some(r) => {
                ratings.insert(code.clone(), r);
            }
            None => errors.push((code.clone(), "error-rating-range")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    SelfAssessment::new(framework, ratings).map_err(|e| match e {
        AssessmentError::Missing(code) => vec![(code, "error-rating-missing")],
        AssessmentError::UnknownCompetence(code) => vec![(code, "error-rating-unknown")],
        AssessmentError::RatingOutOfRange(_) => vec![("ratings".into(), "error-rating-range")],
    })
}

pub async fn record_self_assessment(
    state: &AppState,
    user: &User,
    framework: &Framework,
    a: &SelfAssessment,
    now: OffsetDateTime,
) -> Result<Profile, StoreError> {
    let event =
        LearningEvent::self_assessed(&state.iris, user.id, user.org_id, framework.id, a, now);
    record::record(state, &event).await?;
    Ok(Profile::from_assessment(framework, a))
}

/// The person's latest self-assessment against the primary framework, as a profile: read
/// from their statements in the learning record store.
pub async fn current_profile(
    state: &AppState,
    user: &User,
    framework: &Framework,
) -> Result<Option<(Profile, OffsetDateTime)>, StoreError> {
    let activity = Some(state.iris.self_assessment(framework.id));
    let latest = record::statements_of(
        state,
        user.org_id,
        user.id,
        Some(Verb::Completed),
        activity,
        1,
    )
    .await?;
    let Some(statement) = latest.into_iter().next() else {
        return Ok(None);
    };
    // A framework revision may add competences: keep the ratings that still apply.
    let ratings: BTreeMap<String, Rating> = ratings_in(&statement["result"])
        .unwrap_or_default()
        .into_iter()
        .filter(|(code, _)| framework.competence_by_code(code).is_some())
        .collect();
    if ratings.is_empty() {
        return Ok(None);
    }
    let when = statement["timestamp"]
        .as_str()
        .and_then(|t| OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    Ok(Some((
        Profile::from_assessment(framework, &SelfAssessment { ratings }),
        when,
    )))
}

/// Slugs of the lessons the person has completed.
pub async fn completed_lessons(
    state: &AppState,
    user: &User,
) -> Result<HashSet<String>, StoreError> {
    let prefix = state.iris.lesson("");
    let done = record::statements_of(
        state,
        user.org_id,
        user.id,
        Some(Verb::Completed),
        None,
        500,
    )
    .await?;
    Ok(done
        .iter()
        .filter_map(|s| {
            s["object"]["id"]
                .as_str()?
                .strip_prefix(&prefix)
                .map(str::to_owned)
        })
        .collect())
}

pub async fn lesson_event(
    state: &AppState,
    user: &User,
    slug: &str,
    verb: Verb,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    record::record(
        state,
        &LearningEvent::lesson(&state.iris, verb, user.id, user.org_id, slug, now),
    )
    .await
}

/// Everything the platform holds about a person, as one JSON document (PIPL right of access).
pub async fn export(state: &AppState, user: &User) -> Result<Value, StoreError> {
    let statistics = state.store.statistics(user.id).await?;
    let sessions = state.store.sessions_of(user.id).await?;
    let statements = record::statements_of(state, user.org_id, user.id, None, None, 10_000).await?;
    Ok(json!({
        "format": "suyang-personal-data/1",
        "exported_at": OffsetDateTime::now_utc(),
        "account": {
            "id": user.id,
            "login": user.login,
            "display_name": user.display_name,
            "role": user.role,
            "locale": user.locale,
            "elder_mode": user.elder_mode,
            "created_at": user.created_at,
            "updated_at": user.updated_at,
        },
        "statistics_consent": statistics,
        "sessions": sessions,
        "learning_record": statements,
    }))
}

/// Deletes the account after checking the password again.
pub async fn delete_account(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<(), ServiceError> {
    if !security::verify_password(password.to_string(), user.password_hash.clone()).await {
        return Err(ServiceError::Invalid(vec![FieldError {
            field: "password",
            message_id: "error-password-wrong",
        }]));
    }
    record::forget(state, user.org_id, user.id).await?;
    state.store.delete_user(user.id).await?;
    Ok(())
}

/// Writes an entry in the audit log of administrative actions.
pub async fn audit(
    state: &AppState,
    actor: Option<&User>,
    action: &str,
    target: Option<String>,
    details: Option<Value>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    state
        .store
        .audit(&AuditEntry {
            id: Uuid::now_v7(),
            org_id: actor.map(|a| a.org_id),
            actor_id: actor.map(|a| a.id),
            actor: actor.map_or_else(|| "system".to_string(), |a| a.login.clone()),
            action: action.to_string(),
            target,
            details,
            at: now,
        })
        .await
}

/// May `viewer` see `subject`'s data? Themselves always; facilitators and organisation admins
/// within their organisation; platform admins everywhere.
pub fn may_view(viewer: &User, subject: &User) -> bool {
    viewer.id == subject.id
        || viewer.role == Role::PlatformAdmin
        || (viewer.role.includes(Role::Facilitator) && viewer.org_id == subject.org_id)
}
