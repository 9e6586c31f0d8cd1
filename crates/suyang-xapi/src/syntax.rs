//! The value syntaxes xAPI statements use: IRIs, UUIDs, mailto IRIs, SHA-1 and SHA-2 sums,
//! RFC 5646 language tags, ISO 8601 timestamps and durations.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An absolute IRI (RFC 3987): a scheme, a colon, and a non-empty rest with no white space,
/// control characters or characters IRIs exclude.
pub fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
        && (!rest.starts_with("//") || rest.len() > 2)
}

/// An IRL: an IRI that is meant to be dereferenced (we check the IRI syntax).
pub fn is_irl(s: &str) -> bool {
    is_iri(s)
}

/// A UUID in its canonical hyphenated form (xAPI identifiers).
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// `mailto:` followed by an e-mail address.
pub fn is_mailto(s: &str) -> bool {
    s.strip_prefix("mailto:").is_some_and(|addr| {
        let Some((local, domain)) = addr.split_once('@') else {
            return false;
        };
        !local.is_empty()
            && !domain.is_empty()
            && !addr.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn is_hex(s: &str, lengths: &[usize]) -> bool {
    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A hex-encoded SHA-1 sum (`mbox_sha1sum`).
pub fn is_sha1(s: &str) -> bool {
    is_hex(s, &[40])
}

/// A hex-encoded SHA-2 sum (SHA-224, 256, 384 or 512) of an attachment.
pub fn is_sha2(s: &str) -> bool {
    is_hex(s, &[56, 64, 96, 128])
}

/// An RFC 5646 language tag (well-formedness: language, script, region, variants, extensions,
/// private use; and the private-use and grandfathered forms).
pub fn is_language_tag(tag: &str) -> bool {
    if tag.is_empty() || tag.len() > 64 {
        return false;
    }
    let parts: Vec<&str> = tag.split('-').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    let first = parts[0];
    if first.eq_ignore_ascii_case("x") || first.eq_ignore_ascii_case("i") {
        return parts.len() > 1;
    }
    if !(2..=8).contains(&first.len()) || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut i = 1;
    // up to three extended language subtags (3 letters)
    let mut ext = 0;
    while i < parts.len()
        && ext < 3
        && first.len() <= 3
        && parts[i].len() == 3
        && parts[i].bytes().all(|b| b.is_ascii_alphabetic())
    {
        i += 1;
        ext += 1;
    }
    if i < parts.len() && parts[i].len() == 4 && parts[i].bytes().all(|b| b.is_ascii_alphabetic()) {
        i += 1; // script
    }
    if i < parts.len()
        && ((parts[i].len() == 2 && parts[i].bytes().all(|b| b.is_ascii_alphabetic()))
            || (parts[i].len() == 3 && parts[i].bytes().all(|b| b.is_ascii_digit())))
    {
        i += 1; // region
    }
    while i < parts.len() {
        let p = parts[i];
        if p.len() == 1 {
            // extension or private use: singleton followed by at least one subtag
            if i + 1 >= parts.len() {
                return false;
            }
            return parts[i + 1..].iter().all(|s| (1..=8).contains(&s.len()));
        }
        let variant =
            (5..=8).contains(&p.len()) || (p.len() == 4 && p.as_bytes()[0].is_ascii_digit());
        if !variant {
            return false;
        }
        i += 1;
    }
    true
}

/// An ISO 8601 timestamp with a time zone, as xAPI requires (RFC 3339 profile; `-00:00` is
/// refused because it means "offset unknown").
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    // A negative zero offset means "offset unknown" (RFC 3339 §4.3), which xAPI does not accept.
    if s.ends_with("-00:00") || s.ends_with("-0000") || s.ends_with("-00") {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        // ISO 8601 also allows `+hhmm` and `+hh` offsets.
        let at = s.len().checked_sub(5).filter(|&i| s.is_char_boundary(i))?;
        let (head, tail) = s.split_at(at);
        if (tail.starts_with('+') || tail.starts_with('-'))
            && tail[1..].bytes().all(|b| b.is_ascii_digit())
        {
            return OffsetDateTime::parse(
                &format!("{head}{}:{}", &tail[..3], &tail[3..]),
                &Rfc3339,
            )
            .ok();
        }
        let at = s.len().checked_sub(3).filter(|&i| s.is_char_boundary(i))?;
        let (head, tail) = s.split_at(at);
        if (tail.starts_with('+') || tail.starts_with('-'))
            && tail[1..].bytes().all(|b| b.is_ascii_digit())
            && head.contains('T')
        {
            return OffsetDateTime::parse(&format!("{head}{tail}:00"), &Rfc3339).ok();
        }
        None
    })
}

/// An ISO 8601 duration: `PnYnMnDTnHnMnS` (seconds may have a fraction) or `PnW`.
pub fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit());
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    fn units(part: &str, allowed: &[char], fraction_on_last: bool) -> bool {
        let mut seen = 0usize;
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let Some(pos) = allowed.iter().position(|u| *u == c) else {
                return false;
            };
            if pos < seen || number.is_empty() || number == "." {
                return false;
            }
            if number.contains('.') && !(fraction_on_last && c == *allowed.last().unwrap_or(&' ')) {
                return false;
            }
            if number.matches('.').count() > 1 {
                return false;
            }
            seen = pos + 1;
            number.clear();
        }
        number.is_empty()
    }
    units(date, &['Y', 'M', 'D'], false) && time.is_none_or(|t| units(t, &['H', 'M', 'S'], true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris() {
        for ok in [
            "http://adlnet.gov/expapi/verbs/completed",
            "urn:uuid:0d5b1a1e",
            "https://例子.中国/活动",
            "mailto:a@b.c",
            "tag:x",
        ] {
            assert!(is_iri(ok), "{ok}");
        }
        for bad in [
            "",
            "completed",
            "http://",
            "://x",
            "1http://x",
            "http://a b",
            "ht tp://x",
            "http:",
        ] {
            assert!(!is_iri(bad), "{bad}");
        }
    }

    #[test]
    fn simple_syntaxes() {
        assert!(is_uuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
        assert!(!is_uuid("fd41c918b88b4b20a0a5a4c32391aaa0"));
        assert!(!is_uuid("not-a-uuid"));
        assert!(is_mailto("mailto:xapi@adlnet.gov"));
        assert!(!is_mailto("xapi@adlnet.gov"));
        assert!(!is_mailto("mailto:nobody"));
        assert!(is_sha1("ebd31e95054c018b10727ccffd2ef2ec3a016ee9"));
        assert!(!is_sha1("ebd31e95054c018b10727ccffd2ef2ec3a016ee"));
        assert!(is_sha2(&"a".repeat(64)));
        assert!(!is_sha2(&"g".repeat(64)));
    }

    #[test]
    fn language_tags() {
        for ok in [
            "en",
            "en-US",
            "zh-CN",
            "zh-Hans-CN",
            "ug-Arab-CN",
            "sl-rozaj-biske",
            "de-CH-1901",
            "x-whatever",
            "en-a-bbb-x-a-ccc",
            "es-419",
            "i-klingon",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "en_US",
            "abcdefghi",
            "en-",
            "-en",
            "12",
            "en-a",
            "en--US",
            "en US",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2013-05-18T05:32:34.804Z",
            "2013-05-18T05:32:34Z",
            "2013-05-18T05:32:34.804+08:00",
            "2013-05-18T05:32:34+0800",
            "2013-05-18T05:32:34.804123456Z",
        ] {
            assert!(parse_timestamp(ok).is_some(), "{ok}");
        }
        for bad in [
            "2013-05-18",
            "2013-05-18T05:32:34",
            "2013-05-18T05:32:34.804-00:00",
            "yesterday",
            "2013-13-18T05:32:34Z",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for ok in [
            "PT1H0M0S",
            "P1D",
            "P3Y6M4DT12H30M5S",
            "PT0.5S",
            "P4W",
            "PT1.25S",
            "P0D",
        ] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in [
            "", "P", "PT", "1H", "PT1.5H", "P1S", "PT1H1D", "P1M1Y", "P1W1D", "PT..5S", "PTS",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn syntax_checks_never_panic(s in "\\PC{0,60}") {
            let _ = (is_iri(&s), is_language_tag(&s), parse_timestamp(&s), is_duration(&s), is_mailto(&s), is_uuid(&s));
        }
    }
}
