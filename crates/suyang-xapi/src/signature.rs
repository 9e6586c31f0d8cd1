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

/// Checks the JWS against the statement it signs: well formed, RS256/RS384/RS512, a payload
/// that is the statement without its attachments, and, when the header carries an X.509
/// certificate chain (`x5c`), a signature that verifies with the first certificate's key.
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
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some(alg @ ("RS256" | "RS384" | "RS512")) => alg,
        _ => return Err(bad("the JWS algorithm must be RS256, RS384 or RS512")),
    };
    let payload: Value = serde_json::from_slice(&decode(segments[1])?)
        .map_err(|_| bad("the JWS payload is not a JSON statement"))?;
    let signature = decode(segments[2])?;
    if let Some(chain) = header.get("x5c") {
        let signing_input = &text[..segments[0].len() + 1 + segments[1].len()];
        verify_with_certificate(chain, alg, signing_input.as_bytes(), &signature)?;
    }
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

/// RFC 7515 4.1.6: `x5c` is a non-empty array of base64 (not base64url) DER certificates, the
/// first of which holds the key the JWS was signed with.
fn verify_with_certificate(
    chain: &Value,
    alg: &str,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<(), Invalid> {
    use base64::engine::general_purpose::STANDARD;
    use rsa::RsaPublicKey;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    use x509_cert::Certificate;
    use x509_cert::der::{Decode, Encode};

    let first = chain
        .as_array()
        .and_then(|c| c.first())
        .and_then(Value::as_str)
        .ok_or_else(|| bad("x5c must be a non-empty array of base64 certificates"))?;
    let der = STANDARD
        .decode(first)
        .map_err(|_| bad("the first x5c certificate is not base64"))?;
    let certificate = Certificate::from_der(&der)
        .map_err(|_| bad("the first x5c certificate is not an X.509 certificate"))?;
    let key = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .ok()
        .and_then(|spki| RsaPublicKey::from_public_key_der(&spki).ok())
        .ok_or_else(|| bad("the x5c certificate does not hold an RSA public key"))?;
    let signature =
        Signature::try_from(signature).map_err(|_| bad("the JWS signature is malformed"))?;
    let verified = match alg {
        "RS256" => VerifyingKey::<sha2::Sha256>::new(key).verify(signing_input, &signature),
        "RS384" => VerifyingKey::<sha2::Sha384>::new(key).verify(signing_input, &signature),
        _ => VerifyingKey::<sha2::Sha512>::new(key).verify(signing_input, &signature),
    };
    verified.map_err(|_| bad("the JWS signature does not verify with the x5c certificate"))
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

    const SIGNER_KEY: &str = include_str!("../tests/data/signer-key.pem");
    const SIGNER_CERT: &str = include_str!("../tests/data/signer-cert.pem");
    const OTHER_CERT: &str = include_str!("../tests/data/other-cert.pem");

    /// The base64 DER of a PEM certificate, as x5c carries it.
    fn x5c(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    fn signed(alg: &str, chain: Value, payload: &Value) -> Vec<u8> {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::signature::{SignatureEncoding, Signer};
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(SIGNER_KEY).unwrap();
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(json!({"alg": alg, "x5c": chain}).to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature = match alg {
            "RS256" => rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
                .sign(input.as_bytes())
                .to_vec(),
            _ => rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key)
                .sign(input.as_bytes())
                .to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)).into_bytes()
    }

    #[test]
    fn signatures_verify_with_the_certificate_in_the_header() {
        let s = json!({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x/v"}, "object": {"id": "http://x/a"}});
        let mut attached = s.clone();
        attached["attachments"] = json!([{"usageType": SIGNATURE_USAGE}]);
        for alg in ["RS256", "RS512"] {
            let jws = signed(alg, json!([x5c(SIGNER_CERT)]), &s);
            assert_eq!(check(&attached, &jws), Ok(()), "{alg}");
        }
        // Signed with one key, certificate of another.
        let wrong = signed("RS256", json!([x5c(OTHER_CERT)]), &s);
        assert_eq!(
            check(&attached, &wrong).unwrap_err().rule,
            "the JWS signature does not verify with the x5c certificate"
        );
        // A signature over one payload does not vouch for another.
        let mut jws = String::from_utf8(signed("RS256", json!([x5c(SIGNER_CERT)]), &s)).unwrap();
        let parts: Vec<&str> = jws.split('.').collect();
        let other = json!({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x/v"}, "object": {"id": "http://x/b"}});
        let mut tampered_attached = other.clone();
        tampered_attached["attachments"] = json!([{"usageType": SIGNATURE_USAGE}]);
        jws = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(other.to_string()),
            parts[2]
        );
        assert!(check(&tampered_attached, jws.as_bytes()).is_err());
        for chain in [
            json!([]),
            json!("abc"),
            json!(["not base64!"]),
            json!(["aGVsbG8="]),
        ] {
            assert!(
                check(&attached, &signed("RS256", chain.clone(), &s)).is_err(),
                "{chain}"
            );
        }
    }
}
