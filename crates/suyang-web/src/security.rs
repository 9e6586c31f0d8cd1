//! Secrets and safeguards: random tokens, password hashing, CSRF tokens, security headers.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sessions are stored by hash, so a copy of the database does not let anyone sign in.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn argon2(memory_kib: u32) -> Argon2<'static> {
    let params = Params::new(memory_kib, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id off the async runtime.
pub async fn hash_password(password: String, memory_kib: u32) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        argon2(memory_kib)
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string; false for any mismatch or bad hash.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2(19 * 1024)
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A real hash of a random password, verified against when the login does not exist, so that
/// the time a failed sign-in takes does not reveal which logins are registered.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        argon2(19 * 1024)
            .hash_password(random_token().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// How long a form stays valid.
pub const CSRF_TTL_SECS: i64 = 4 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfError {
    Missing,
    Expired,
    Invalid,
}

fn csrf_mac(secret: &[u8], binding: &str, issued: i64) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(binding.as_bytes());
    mac.update(b"|");
    mac.update(issued.to_string().as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A token bound to the visitor (their session, or their anonymous cookie) and a time.
pub fn csrf_token(secret: &[u8], binding: &str, now: i64) -> String {
    format!("{now}.{}", csrf_mac(secret, binding, now))
}

pub fn check_csrf(
    secret: &[u8],
    binding: &str,
    token: Option<&str>,
    now: i64,
) -> Result<(), CsrfError> {
    let token = token.filter(|t| !t.is_empty()).ok_or(CsrfError::Missing)?;
    let (issued, mac) = token.split_once('.').ok_or(CsrfError::Invalid)?;
    let issued: i64 = issued.parse().map_err(|_| CsrfError::Invalid)?;
    let expected = csrf_mac(secret, binding, issued);
    // Constant-time comparison through the MAC's own verify would need the raw bytes; compare
    // digests of both instead so the timing does not depend on the common prefix.
    if Sha256::digest(expected.as_bytes()) != Sha256::digest(mac.as_bytes()) {
        return Err(CsrfError::Invalid);
    }
    if now - issued > CSRF_TTL_SECS || issued > now + 60 {
        return Err(CsrfError::Expired);
    }
    Ok(())
}

/// Headers every response carries: a strict content security policy (no inline script or
/// style, nothing from other origins), no sniffing, no framing, no referrer leaks.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_bind_and_expire() {
        let secret = b"secret";
        let t = csrf_token(secret, "visitor", 1000);
        assert_eq!(check_csrf(secret, "visitor", Some(&t), 1000), Ok(()));
        assert_eq!(
            check_csrf(secret, "someone-else", Some(&t), 1000),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            check_csrf(secret, "visitor", Some(&t), 1000 + CSRF_TTL_SECS + 1),
            Err(CsrfError::Expired)
        );
        assert_eq!(
            check_csrf(secret, "visitor", None, 1000),
            Err(CsrfError::Missing)
        );
        assert_eq!(
            check_csrf(secret, "visitor", Some("garbage"), 1000),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            check_csrf(secret, "visitor", Some("12.x"), 1000),
            Err(CsrfError::Invalid)
        );
    }

    #[tokio::test]
    async fn passwords_verify() {
        let h = hash_password("correct horse".into(), 1024).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), h.clone()).await);
        assert!(!verify_password("wrong horse".into(), h).await);
        assert!(decoy_hash().starts_with("$argon2id$"));
        assert!(!verify_password("x".into(), decoy_hash().into()).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }
}
