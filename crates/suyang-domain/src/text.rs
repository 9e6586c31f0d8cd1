//! Text in several languages, as frameworks and lessons carry it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lang::Locale;

/// A language map: BCP 47 tag → text. Shown in the reader's language when present, otherwise
/// in the first fallback that exists (see [`Locale::fallbacks`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(pub BTreeMap<String, String>);

impl LocalizedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, tag: &str, text: impl Into<String>) -> Self {
        self.0.insert(tag.to_string(), text.into());
        self
    }

    /// The text for `locale` and the tag it is actually in.
    pub fn resolve(&self, locale: Locale) -> (&str, &str) {
        for tag in locale.fallbacks() {
            if let Some((k, v)) = self.0.get_key_value(*tag)
                && !v.is_empty()
            {
                return (k.as_str(), v.as_str());
            }
        }
        self.0
            .iter()
            .find(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .unwrap_or(("", ""))
    }

    /// The text for `locale`, falling back as [`Self::resolve`] does.
    pub fn get(&self, locale: Locale) -> &str {
        self.resolve(locale).1
    }

    pub fn exact(&self, tag: &str) -> Option<&str> {
        self.0.get(tag).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|v| v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_along_the_chain() {
        let t = LocalizedText::new()
            .with("zh-CN", "你好")
            .with("en", "Hello");
        assert_eq!(t.get(Locale::Ug), "你好");
        assert_eq!(t.resolve(Locale::Ug).0, "zh-CN");
        assert_eq!(t.get(Locale::En), "Hello");
        let only_fr = LocalizedText::new().with("fr", "Bonjour");
        assert_eq!(only_fr.get(Locale::ZhCn), "Bonjour");
        assert_eq!(LocalizedText::new().get(Locale::En), "");
    }
}
