//! Interface text through Fluent. zh-CN is the source locale; en and ug are complete
//! translations (checked by a test). Isolation marks are off: they must never end up inside
//! attributes or URLs, and templates isolate interpolated names with `<bdi>` where needed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use suyang_domain::lang::Locale;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "../../content/locales",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(locale: Locale) -> &'static LanguageIdentifier {
    static IDS: OnceLock<[LanguageIdentifier; 3]> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        Locale::ALL.map(|l| l.tag().parse().expect("built-in locale tags are valid"))
    });
    &ids[Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0)]
}

/// The message `id` in `locale`, or the id itself if it does not exist (never panics).
pub fn translate(locale: Locale, id: &str) -> String {
    LOCALES
        .try_lookup(langid(locale), id)
        .unwrap_or_else(|| id.to_string())
}

/// The message with named arguments.
pub fn translate_with(
    locale: Locale,
    id: &str,
    args: &[(&'static str, FluentValue<'static>)],
) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
        .collect();
    LOCALES
        .try_lookup_with_args(langid(locale), id, &map)
        .unwrap_or_else(|| id.to_string())
}

/// Message ids defined in a locale's .ftl source (for the completeness test and tooling).
pub fn message_ids(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// A translator bound to one locale, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn t(&self, id: &str) -> String {
        translate(self.0, id)
    }

    pub fn t1(&self, id: &str, name: &'static str, value: impl ToString) -> String {
        translate_with(self.0, id, &[(name, FluentValue::from(value.to_string()))])
    }

    pub fn n(&self, id: &str, count: i64) -> String {
        translate_with(self.0, id, &[("count", FluentValue::from(count))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: [(&str, &str); 3] = [
        (
            "zh-CN",
            include_str!("../../../content/locales/zh-CN/main.ftl"),
        ),
        ("en", include_str!("../../../content/locales/en/main.ftl")),
        ("ug", include_str!("../../../content/locales/ug/main.ftl")),
    ];

    #[test]
    fn every_locale_has_every_message() {
        let source: std::collections::BTreeSet<_> = message_ids(SOURCES[0].1).into_iter().collect();
        assert!(source.len() > 50);
        for (tag, ftl) in &SOURCES[1..] {
            let ids: std::collections::BTreeSet<_> = message_ids(ftl).into_iter().collect();
            let missing: Vec<_> = source.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&source).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{tag}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn lookups_resolve_in_each_locale() {
        for l in Locale::ALL {
            let title = translate(l, "site-name");
            assert!(!title.is_empty() && title != "site-name");
        }
        assert_eq!(translate(Locale::En, "no-such-message"), "no-such-message");
        assert!(Tr(Locale::En).n("minutes", 5).contains('5'));
    }
}
