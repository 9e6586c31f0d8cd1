//! The `format` parameter of statement queries: `exact` (as stored), `ids` (identifiers only) and
//! `canonical` (one language per language map, the reader's best).

use serde_json::{Map, Value};
use suyang_domain::lang::Locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Exact,
    Ids,
    Canonical,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "exact" => Some(Format::Exact),
            "ids" => Some(Format::Ids),
            "canonical" => Some(Format::Canonical),
            _ => None,
        }
    }
}

const IFIS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

/// An Agent or Group reduced to its identifier (groups keep their type; anonymous groups their members).
fn agent_ids(v: &Value) -> Value {
    let Some(m) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    if let Some(t) = m.get("objectType").filter(|t| *t == "Group") {
        out.insert("objectType".into(), t.clone());
    }
    for k in IFIS {
        if let Some(x) = m.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    if !IFIS.iter().any(|k| m.contains_key(*k))
        && let Some(members) = m.get("member").and_then(Value::as_array)
    {
        out.insert(
            "member".into(),
            Value::Array(members.iter().map(agent_ids).collect()),
        );
    }
    Value::Object(out)
}

fn object_ids(v: &Value) -> Value {
    match v
        .get("objectType")
        .and_then(Value::as_str)
        .unwrap_or("Activity")
    {
        "Agent" | "Group" => agent_ids(v),
        "SubStatement" => statement_ids(v),
        "Activity" => v
            .get("id")
            .map(|id| serde_json::json!({ "id": id }))
            .unwrap_or(Value::Null),
        _ => {
            let mut out = Map::new();
            for k in ["objectType", "id"] {
                if let Some(x) = v.get(k) {
                    out.insert(k.into(), x.clone());
                }
            }
            Value::Object(out)
        }
    }
}

fn statement_ids(s: &Value) -> Value {
    let mut s = s.clone();
    let Some(m) = s.as_object_mut() else { return s };
    for k in ["actor", "authority"] {
        if let Some(a) = m.get(k) {
            let reduced = agent_ids(a);
            m.insert(k.into(), reduced);
        }
    }
    if let Some(verb) = m.get("verb").and_then(|v| v.get("id")).cloned() {
        m.insert("verb".into(), serde_json::json!({ "id": verb }));
    }
    if let Some(o) = m.get("object") {
        let reduced = object_ids(o);
        m.insert("object".into(), reduced);
    }
    if let Some(c) = m.get_mut("context").and_then(Value::as_object_mut) {
        for k in ["instructor", "team"] {
            if let Some(a) = c.get(k) {
                let reduced = agent_ids(a);
                c.insert(k.into(), reduced);
            }
        }
        if let Some(ca) = c
            .get_mut("contextActivities")
            .and_then(Value::as_object_mut)
        {
            for list in ca.values_mut() {
                if let Some(items) = list.as_array_mut() {
                    for a in items.iter_mut() {
                        *a = object_ids(a);
                    }
                }
            }
        }
    }
    s
}

fn is_language_map(m: &Map<String, Value>) -> bool {
    !m.is_empty()
        && m.iter()
            .all(|(k, v)| v.is_string() && suyang_xapi::syntax::is_language_tag(k))
}

/// The languages a reader asked for (`Accept-Language`, best first) and the interface locale
/// to fall back on.
pub struct Reader {
    tags: Vec<String>,
    locale: Locale,
}

impl Reader {
    pub fn from_accept_language(header: Option<&str>) -> Reader {
        let mut ranked: Vec<(f32, usize, String)> = header
            .unwrap_or("")
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim().to_string();
                let q = it
                    .filter_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                    .next()
                    .unwrap_or(1.0);
                (!tag.is_empty() && tag != "*" && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Reader {
            tags: ranked.into_iter().map(|(_, _, t)| t).collect(),
            locale: header
                .and_then(Locale::negotiate)
                .unwrap_or(Locale::DEFAULT),
        }
    }

    /// The entry of a language map to show: an exact match of a requested language, then a
    /// variant of one, then the interface locale's chain, then any.
    fn choose<'a>(&self, map: &'a Map<String, Value>) -> Option<(&'a String, &'a Value)> {
        let exact = self
            .tags
            .iter()
            .find_map(|t| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)));
        let prefix = || {
            self.tags.iter().find_map(|t| {
                let primary = t.split('-').next().unwrap_or(t).to_lowercase();
                map.iter().find(|(k, _)| {
                    k.to_lowercase() == primary
                        || k.to_lowercase().starts_with(&format!("{primary}-"))
                })
            })
        };
        let fallback = || {
            self.locale.fallbacks().iter().find_map(|tag| {
                map.iter().find(|(k, _)| {
                    k.eq_ignore_ascii_case(tag)
                        || k.to_lowercase()
                            .starts_with(&format!("{}-", tag.to_lowercase()))
                })
            })
        };
        exact
            .or_else(prefix)
            .or_else(fallback)
            .or_else(|| map.iter().next())
    }
}

/// Keeps, in every language map, the reader's language (or the first fallback, or any).
fn canonical(v: &mut Value, reader: &Reader) {
    match v {
        Value::Object(m) => {
            // An identified Group is shown by its own identity, without its member list.
            if m.get("objectType").and_then(Value::as_str) == Some("Group")
                && IFIS.iter().any(|k| m.contains_key(*k))
            {
                m.remove("member");
            }
            for (key, child) in m.iter_mut() {
                if key == "extensions" {
                    continue;
                }
                if matches!(key.as_str(), "display" | "name" | "description")
                    && let Some(map) = child.as_object()
                    && is_language_map(map)
                {
                    let wanted = reader.choose(map).map(|(k, v)| (k.clone(), v.clone()));
                    if let Some((k, text)) = wanted {
                        let mut one = Map::new();
                        one.insert(k, text);
                        *child = Value::Object(one);
                    }
                    continue;
                }
                canonical(child, reader);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| canonical(i, reader)),
        _ => {}
    }
}

pub fn apply(statement: Value, format: Format, reader: &Reader) -> Value {
    match format {
        Format::Exact => statement,
        Format::Ids => statement_ids(&statement),
        Format::Canonical => {
            let mut s = statement;
            canonical(&mut s, reader);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        let s = json!({"actor": {"name": "王", "mbox": "mailto:w@e.cn"}, "verb": {"id": "http://v", "display": {"zh-CN": "完成", "en-US": "completed"}},
                       "object": {"id": "http://a", "definition": {"name": {"en-US": "Lesson", "zh-CN": "课"}}}});
        let ids = apply(
            s.clone(),
            Format::Ids,
            &Reader::from_accept_language(Some("en")),
        );
        assert_eq!(ids["actor"], json!({"mbox": "mailto:w@e.cn"}));
        assert_eq!(ids["verb"], json!({"id": "http://v"}));
        assert_eq!(ids["object"], json!({"id": "http://a"}));
        let c = apply(
            s.clone(),
            Format::Canonical,
            &Reader::from_accept_language(Some("en")),
        );
        assert_eq!(c["verb"]["display"], json!({"en-US": "completed"}));
        assert_eq!(
            c["object"]["definition"]["name"],
            json!({"en-US": "Lesson"})
        );
        assert_eq!(c["actor"]["name"], "王");
        // The exact language asked for wins over a plain primary tag.
        let mut t = s;
        t["object"]["definition"]["name"] =
            json!({"en": "Other", "en-GB": "attended", "en-US": "attended"});
        let c = apply(
            t,
            Format::Canonical,
            &Reader::from_accept_language(Some("en-GB")),
        );
        assert_eq!(
            c["object"]["definition"]["name"],
            json!({"en-GB": "attended"})
        );
    }
}
