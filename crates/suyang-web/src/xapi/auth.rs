//! Who is calling the LRS: an LRS credential (HTTP Basic key:secret) with xAPI scopes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use suyang_store::{LrsCredential, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use super::error;
use crate::security::random_token;
use crate::state::AppState;

/// The scopes a credential may hold, after the xAPI OAuth scopes.
pub const SCOPES: [&str; 8] = [
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "state",
    "define",
    "profile",
    "all/read",
    "all",
];

/// Credential secrets are random 256-bit tokens, so a fast hash protects them as well as a slow
/// one would, and keeps authentication cheap enough for high statement rates.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates a credential and returns it with its secret (shown once, stored only hashed).
pub async fn create_credential(
    state_store: &suyang_store::Store,
    org_id: Uuid,
    name: &str,
    scopes: &[String],
    now: OffsetDateTime,
) -> Result<(LrsCredential, String), StoreError> {
    let key = format!(
        "lrs-{}",
        &random_token()[..20].to_lowercase().replace(['-', '_'], "x")
    );
    let secret = random_token();
    let credential = LrsCredential {
        id: Uuid::now_v7(),
        org_id,
        name: name.to_string(),
        key,
        secret_hash: hash_secret(&secret),
        scopes: scopes.to_vec(),
        created_at: now,
        revoked_at: None,
    };
    state_store.create_lrs_credential(&credential).await?;
    Ok((credential, secret))
}

/// An authenticated LRS client.
pub struct Client {
    pub credential: LrsCredential,
    /// The `authority` stamped on the statements it stores.
    pub authority: Value,
}

impl Client {
    pub fn may(&self, scope: &str) -> bool {
        let s = &self.credential.scopes;
        s.iter()
            .any(|x| x == "all" || x == scope || (x == "all/read" && scope.ends_with("/read")))
    }
}

fn unauthorized() -> Response {
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "valid LRS credentials (HTTP Basic key:secret) are required",
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Basic realm=\"xAPI\""),
    );
    r
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let basic = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Basic ")
                    .or_else(|| v.strip_prefix("basic "))
            })
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(unauthorized)?;
        let (key, secret) = basic.split_once(':').ok_or_else(unauthorized)?;
        let credential = state
            .lrs_credential(key)
            .await
            .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable"))?
            .filter(|c| c.revoked_at.is_none())
            .ok_or_else(unauthorized)?;
        let given = hash_secret(secret);
        // Compare digests of both, so timing does not depend on a common prefix.
        if Sha256::digest(given.as_bytes()) != Sha256::digest(credential.secret_hash.as_bytes()) {
            return Err(unauthorized());
        }
        if !state.lrs_allow(&credential.key) {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                "this credential is sending too fast; slow down",
            );
            r.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
            return Err(r);
        }
        let authority = json!({
            "objectType": "Agent",
            "name": credential.name,
            "account": { "homePage": state.config.public_url, "name": credential.key },
        });
        Ok(Client {
            credential,
            authority,
        })
    }
}
