//! The interface languages Suyang ships and how a request picks one.

use serde::{Deserialize, Serialize};

/// An interface locale with complete translations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "ug")]
    Ug,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::En, Locale::Ug];
    /// The source locale: content is written in it first.
    pub const DEFAULT: Locale = Locale::ZhCn;

    /// The BCP 47 tag used in `lang` attributes, cookies and content files.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
            Locale::Ug => "ug",
        }
    }

    /// Writing direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        match self {
            Locale::Ug => "rtl",
            _ => "ltr",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::ZhCn => "中文",
            Locale::En => "English",
            Locale::Ug => "ئۇيغۇرچە",
        }
    }

    /// Languages to try, in order, when a text lacks this one.
    pub fn fallbacks(self) -> &'static [&'static str] {
        match self {
            Locale::ZhCn => &["zh-CN", "zh", "en"],
            Locale::En => &["en", "zh-CN", "zh"],
            Locale::Ug => &["ug", "zh-CN", "zh", "en"],
        }
    }

    /// Parses a tag loosely: `zh`, `zh-Hans`, `zh-Hans-CN`, `EN-us`, `ug-Arab-CN` all match.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "cmn" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            "ug" => Some(Locale::Ug),
            _ => None,
        }
    }

    /// Picks the best locale for an `Accept-Language` header (RFC 9110 §12.5.4): the supported
    /// language with the highest q-value; ties keep the header's order. `None` when nothing fits.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (index, part) in accept_language.split(',').enumerate().take(32) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            if let Some(locale) = Locale::from_tag(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bi, _)) => q > bq || (q == bq && index < bi),
                };
                if better {
                    best = Some((q, index, locale));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(
            Locale::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::negotiate("fr, ug;q=0.5, zh;q=0.7"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::negotiate("ug-Arab-CN"), Some(Locale::Ug));
        assert_eq!(Locale::negotiate("fr-FR, de"), None);
        assert_eq!(Locale::negotiate("en;q=0, zh;q=0.1"), Some(Locale::ZhCn));
        assert_eq!(Locale::negotiate(""), None);
    }

    proptest::proptest! {
        #[test]
        fn negotiation_never_panics(header in ".{0,200}") {
            let _ = Locale::negotiate(&header);
        }
    }
}
