use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use suyang_domain::lang::Locale;
use suyang_store::User;
use time::OffsetDateTime;

use crate::ctx::{self, SESSION_COOKIE, user_for_token};
use crate::errors::ApiError;
use crate::state::AppState;

/// A signed-in caller: by `Authorization: Bearer <token>` or the web session cookie.
pub struct Caller {
    pub user: User,
    pub session_hash: Vec<u8>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let token = bearer
            .or_else(|| ctx::cookie(&parts.headers, SESSION_COOKIE))
            .ok_or(ApiError::Unauthorized)?;
        let (user, session_hash) = user_for_token(state, token, OffsetDateTime::now_utc())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Caller { user, session_hash })
    }
}

/// The language of the response: `Accept-Language`, else the platform default.
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
                .unwrap_or(Locale::DEFAULT),
        ))
    }
}
