//! `multipart/mixed` bodies (RFC 2046 §5.1) as xAPI uses them to carry attachments: the
//! statements first, then one part per attachment.

use crate::validate::Invalid;

/// One body part: its headers (names lower-cased) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(rule: &str) -> Invalid {
    Invalid {
        path: "multipart".into(),
        rule: rule.into(),
    }
}

/// The `boundary` parameter of a `multipart/mixed` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let essence = parts.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    parts
        .find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a body into its parts. Everything before the first boundary (the preamble) and after
/// the closing one (the epilogue) is ignored, as RFC 2046 says.
pub fn parse(boundary: &str, body: &[u8]) -> Result<Vec<Part>, Invalid> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut pos =
        find(body, &delimiter, 0).ok_or_else(|| bad("the body has no boundary delimiter"))?;
    let mut parts = Vec::new();
    loop {
        pos += delimiter.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts); // closing delimiter
        }
        // The rest of the delimiter line (transport padding) up to CRLF.
        let line_end =
            find(body, b"\r\n", pos).ok_or_else(|| bad("a boundary line does not end"))?;
        let start = line_end + 2;
        let next = find(body, &[b"\r\n".as_slice(), &delimiter].concat(), line_end)
            .ok_or_else(|| bad("a part is not closed by the boundary"))?;
        let raw = if next >= start {
            &body[start..next]
        } else {
            &[][..]
        };
        let (head, content) = match find(raw, b"\r\n\r\n", 0) {
            Some(i) => (&raw[..i], &raw[i + 4..]),
            None if raw.starts_with(b"\r\n") => (&raw[..0], &raw[2..]),
            None => return Err(bad("a part has no blank line after its headers")),
        };
        let head = std::str::from_utf8(head).map_err(|_| bad("part headers must be text"))?;
        let mut headers = Vec::new();
        for line in head.split("\r\n").filter(|l| !l.is_empty()) {
            let (k, v) = line
                .split_once(':')
                .ok_or_else(|| bad("a part header has no colon"))?;
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        parts.push(Part {
            headers,
            body: content.to_vec(),
        });
        if parts.len() > 1000 {
            return Err(bad("too many parts"));
        }
        pos = next + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_boundaries() {
        assert_eq!(
            boundary("multipart/mixed; boundary=abc"),
            Some("abc".into())
        );
        assert_eq!(
            boundary("multipart/mixed; boundary=\"a b\""),
            Some("a b".into())
        );
        assert_eq!(boundary("multipart/form-data; boundary=abc"), None);
        assert_eq!(boundary("multipart/mixed"), None);
        let body = b"\r\n--abc\r\nContent-Type:application/json\r\n\r\n[{}]\r\n--abc\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: 00\r\n\r\nhello\r\n--abc--\r\n";
        let parts = parse("abc", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].header("content-type"), Some("application/json"));
        assert_eq!(parts[0].body, b"[{}]");
        assert_eq!(parts[1].header("x-experience-api-hash"), Some("00"));
        assert_eq!(parts[1].body, b"hello");
        assert!(parse("abc", b"no delimiter").is_err());
        assert!(parse("abc", b"--abc\r\nContent-Type: x\r\n\r\nunclosed").is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), b in "[a-z]{1,5}") {
            let _ = parse(&b, &body);
            let mut framed = format!("--{b}\r\n").into_bytes();
            framed.extend_from_slice(&body);
            let _ = parse(&b, &framed);
        }
    }
}
