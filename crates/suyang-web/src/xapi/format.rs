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

/// Keeps, in every language map, the reader's language (or the first fallback, or any).
fn canonical(v: &mut Value, locale: Locale) {
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
                    let wanted = locale
                        .fallbacks()
                        .iter()
                        .find_map(|tag| {
                            map.iter().find(|(k, _)| {
                                k.eq_ignore_ascii_case(tag)
                                    || k.to_lowercase()
                                        .starts_with(&format!("{}-", tag.to_lowercase()))
                            })
                        })
                        .or_else(|| map.iter().next())
                        .map(|(k, v)| (k.clone(), v.clone()));
                    if let Some((k, text)) = wanted {
                        let mut one = Map::new();
                        one.insert(k, text);
                        *child = Value::Object(one);
                    }
                    continue;
                }
                canonical(child, locale);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| canonical(i, locale)),
        _ => {}
    }
}

pub fn apply(statement: Value, format: Format, locale: Locale) -> Value {
    match format {
        Format::Exact => statement,
        Format::Ids => statement_ids(&statement),
        Format::Canonical => {
            let mut s = statement;
            canonical(&mut s, locale);
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
        let ids = apply(s.clone(), Format::Ids, Locale::En);
        assert_eq!(ids["actor"], json!({"mbox": "mailto:w@e.cn"}));
        assert_eq!(ids["verb"], json!({"id": "http://v"}));
        assert_eq!(ids["object"], json!({"id": "http://a"}));
        let c = apply(s, Format::Canonical, Locale::En);
        assert_eq!(c["verb"]["display"], json!({"en-US": "completed"}));
        assert_eq!(
            c["object"]["definition"]["name"],
            json!({"en-US": "Lesson"})
        );
        assert_eq!(c["actor"]["name"], "王");
    }
}
