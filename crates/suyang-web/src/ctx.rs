//! Who is asking and how they want to be answered: session, language, elder mode, CSRF token.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use suyang_domain::account::{ElderMode, Role};
use suyang_domain::lang::Locale;
use suyang_store::User;
use time::OffsetDateTime;

use crate::errors::PageError;
use crate::i18n::Tr;
use crate::security;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "suyang_session";
pub const ANON_COOKIE: &str = "suyang_visitor";
pub const LANG_COOKIE: &str = "suyang_lang";
pub const ELDER_COOKIE: &str = "suyang_elder";
const YEAR_SECS: i64 = 365 * 24 * 3600;

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// A `Set-Cookie` value: always HttpOnly and SameSite=Lax, Secure when the site is https.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

pub fn preference_cookie(name: &str, value: &str, secure: bool) -> HeaderValue {
    set_cookie(name, value, YEAR_SECS, secure)
}

/// The anonymous visitor id that CSRF tokens of signed-out visitors are bound to.
#[derive(Clone, Debug)]
pub struct VisitorId(pub String);

/// Gives every visitor a random id cookie on first contact.
pub async fn anonymous_cookie(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let existing = cookie(request.headers(), ANON_COOKIE)
        .filter(|v| {
            v.len() >= 32
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned);
    let (id, fresh) = match existing {
        Some(id) => (id, false),
        None => (security::random_token(), true),
    };
    request.extensions_mut().insert(VisitorId(id.clone()));
    let mut response = next.run(request).await;
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(ANON_COOKIE, &id, YEAR_SECS, state.config.secure_cookies),
        );
    }
    response
}

/// The request context every page and form handler starts from.
pub struct Ctx {
    pub state: AppState,
    pub locale: Locale,
    pub elder: ElderMode,
    pub user: Option<User>,
    pub session_hash: Option<Vec<u8>>,
    binding: String,
    pub path: String,
    pub now: OffsetDateTime,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr(self.locale)
    }

    pub fn csrf(&self) -> String {
        security::csrf_token(&self.state.secret, &self.binding, self.now.unix_timestamp())
    }

    pub fn check_csrf(&self, token: Option<&str>) -> Result<(), PageError> {
        security::check_csrf(
            &self.state.secret,
            &self.binding,
            token,
            self.now.unix_timestamp(),
        )
        .map_err(PageError::Csrf)
    }

    pub fn require_user(&self) -> Result<&User, PageError> {
        self.user
            .as_ref()
            .ok_or_else(|| PageError::SignInRequired(self.path.clone()))
    }

    pub fn require_role(&self, role: Role) -> Result<&User, PageError> {
        let user = self.require_user()?;
        if user.role.includes(role) {
            Ok(user)
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// What every template needs.
    pub fn page(&self, title: String) -> PageCtx {
        PageCtx {
            tr: self.tr(),
            lang: self.locale.tag(),
            dir: self.locale.dir(),
            elder: self.elder,
            title,
            csrf: self.csrf(),
            user_name: self.user.as_ref().map(|u| u.display_name.clone()),
            is_admin: self
                .user
                .as_ref()
                .is_some_and(|u| u.role.includes(Role::OrgAdmin)),
            path: self.path.clone(),
            locales: Locale::ALL
                .iter()
                .map(|l| (l.tag(), l.endonym(), *l == self.locale))
                .collect(),
        }
    }
}

fn resolve_locale(parts: &Parts, user: Option<&User>) -> Locale {
    let from_query = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(Locale::from_tag);
    from_query
        .or_else(|| {
            user.and_then(|u| u.locale.as_deref())
                .and_then(Locale::from_tag)
        })
        .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(Locale::from_tag))
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or(Locale::DEFAULT)
}

/// The signed-in user behind a session token, if the token is live.
pub async fn user_for_token(
    state: &AppState,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(User, Vec<u8>)>, suyang_store::StoreError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = security::token_hash(token);
    Ok(state
        .store
        .session_user(&hash, now)
        .await?
        .map(|u| (u, hash)))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let now = OffsetDateTime::now_utc();
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => user_for_token(state, token, now)
                .await
                .map_err(PageError::Store)?,
            None => None,
        };
        let (user, session_hash) = match session {
            Some((u, h)) => (Some(u), Some(h)),
            None => (None, None),
        };
        let visitor = parts
            .extensions
            .get::<VisitorId>()
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let binding = match &session_hash {
            Some(h) => format!("s:{}", base64_hash(h)),
            None => format!("v:{visitor}"),
        };
        let elder = user
            .as_ref()
            .map(|u| u.elder_mode)
            .or_else(|| cookie(&parts.headers, ELDER_COOKIE).and_then(ElderMode::from_key))
            .unwrap_or_default();
        Ok(Ctx {
            state: state.clone(),
            locale: resolve_locale(parts, user.as_ref()),
            elder,
            user,
            session_hash,
            binding,
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            now,
        })
    }
}

fn base64_hash(h: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h)
}

/// Layout data shared by all pages.
pub struct PageCtx {
    pub tr: Tr,
    pub lang: &'static str,
    pub dir: &'static str,
    pub elder: ElderMode,
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub path: String,
    /// (tag, name in itself, is current)
    pub locales: Vec<(&'static str, &'static str, bool)>,
}

impl PageCtx {
    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }
    pub fn t1(&self, id: &str, name: &'static str, value: impl ToString) -> String {
        self.tr.t1(id, name, value)
    }
    pub fn n(&self, id: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.tr.n(id, *count.borrow())
    }
    pub fn css_version(&self) -> &'static str {
        crate::assets::CSS_VERSION.as_str()
    }
    pub fn read_aloud_version(&self) -> &'static str {
        crate::assets::READ_ALOUD_VERSION.as_str()
    }
    pub fn elder_class(&self) -> &'static str {
        match self.elder {
            ElderMode::Off => "",
            ElderMode::On => "elder",
            ElderMode::Large => "elder elder-large",
        }
    }
    pub fn is_elder(&self) -> bool {
        self.elder.is_on()
    }
    pub fn signed_in(&self) -> bool {
        self.user_name.is_some()
    }
}

/// Only same-site relative paths may be redirect targets.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains(['\r', '\n']) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/me")), "/me");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; suyang_lang=en; b=2"),
        );
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
