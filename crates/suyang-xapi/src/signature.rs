//! Signed statements (xAPI Data 2.6): a JWS in compact serialization, attached with the
//! signature usage type, whose payload is the statement as it was before signing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::statement::same_statement;
use crate::validate::Invalid;

pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";

fn bad(rule: &str) -> Invalid {
    Invalid {
        path: "attachments.signature".into(),
        rule: rule.into(),
    }
}

/// Checks the JWS against the statement it signs: well formed, RS256/RS384/RS512, and a payload
/// that is the statement without its attachments.
pub fn check(statement: &Value, jws: &[u8]) -> Result<(), Invalid> {
    let text = std::str::from_utf8(jws)
        .map_err(|_| bad("the JWS is not text"))?
        .trim();
    let segments: Vec<&str> = text.split('.').collect();
    if segments.len() != 3 || segments.iter().any(|s| s.is_empty()) {
        return Err(bad(
            "the JWS is not in compact serialization (header.payload.signature)",
        ));
    }
    let decode = |s: &str| {
        URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .map_err(|_| bad("a JWS segment is not base64url"))
    };
    let header: Value = serde_json::from_slice(&decode(segments[0])?)
        .map_err(|_| bad("the JWS header is not JSON"))?;
    match header.get("alg").and_then(Value::as_str) {
        Some("RS256" | "RS384" | "RS512") => {}
        _ => return Err(bad("the JWS algorithm must be RS256, RS384 or RS512")),
    }
    let payload: Value = serde_json::from_slice(&decode(segments[1])?)
        .map_err(|_| bad("the JWS payload is not a JSON statement"))?;
    decode(segments[2])?;
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("attachments");
        }
        v
    };
    let (signed, given) = (strip(&payload), strip(statement));
    let same_id = match (signed.get("id"), given.get("id")) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    if !same_id || !same_statement(&given, &signed) {
        return Err(bad("the JWS payload is not the statement that carries it"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jws(header: &Value, payload: &Value) -> Vec<u8> {
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
        .into_bytes()
    }

    #[test]
    fn checks_structure_algorithm_and_payload() {
        let s = json!({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x/v"}, "object": {"id": "http://x/a"}});
        let mut attached = s.clone();
        attached["attachments"] = json!([{"usageType": SIGNATURE_USAGE}]);
        assert_eq!(check(&attached, &jws(&json!({"alg": "RS256"}), &s)), Ok(()));
        assert!(check(&attached, &jws(&json!({"alg": "HS256"}), &s)).is_err());
        assert!(
            check(
                &attached,
                &jws(&json!({"alg": "RS512"}), &json!({"other": 1}))
            )
            .is_err()
        );
        assert!(check(&attached, b"not a jws").is_err());
        assert!(check(&attached, b"a.b.c").is_err());
    }
}
