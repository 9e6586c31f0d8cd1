//! Statement validation. Works on the JSON as received, so that every rule — unknown
//! properties, wrong types, nulls, identifier exclusivity — can be checked and reported with the
//! path of the field that breaks it (`context.contextActivities.parent[0].id`).

use serde_json::{Map, Value};

use crate::Version;
use crate::syntax::*;

/// A statement that breaks a rule: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct Invalid {
    pub path: String,
    pub rule: String,
}

type Check = Result<(), Invalid>;

fn fail(path: &str, rule: impl Into<String>) -> Check {
    Err(Invalid {
        path: if path.is_empty() {
            "statement".into()
        } else {
            path.into()
        },
        rule: rule.into(),
    })
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, Invalid> {
    v.as_object().ok_or_else(|| Invalid {
        path: path.into(),
        rule: "must be a JSON object".into(),
    })
}

/// Refuses properties outside `allowed` and null values (xAPI forbids null outside extensions).
fn only(map: &Map<String, Value>, path: &str, allowed: &[&str]) -> Check {
    for (k, v) in map {
        if !allowed.contains(&k.as_str()) {
            return fail(&child(path, k), "is not a property xAPI allows here");
        }
        if v.is_null() {
            return fail(&child(path, k), "must not be null");
        }
    }
    Ok(())
}

fn string<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<&'a str>, Invalid> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Invalid {
            path: child(path, key),
            rule: "must be a string".into(),
        }),
    }
}

fn required<'a>(map: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, Invalid> {
    map.get(key).ok_or_else(|| Invalid {
        path: child(path, key),
        rule: "is required".into(),
    })
}

fn iri_field(map: &Map<String, Value>, path: &str, key: &str, needed: bool) -> Check {
    match string(map, path, key)? {
        Some(s) if is_iri(s) => Ok(()),
        Some(_) => fail(&child(path, key), "must be an absolute IRI"),
        None if needed => fail(&child(path, key), "is required"),
        None => Ok(()),
    }
}

fn language_map(v: &Value, path: &str) -> Check {
    let map = object(v, path)?;
    for (tag, text) in map {
        if !is_language_tag(tag) {
            return fail(
                &child(path, tag),
                "the key must be an RFC 5646 language tag",
            );
        }
        if !text.is_string() {
            return fail(&child(path, tag), "must be a string");
        }
    }
    Ok(())
}

fn extensions(v: &Value, path: &str) -> Check {
    let map = object(v, path)?;
    for key in map.keys() {
        if !is_iri(key) {
            return fail(&child(path, key), "extension keys must be absolute IRIs");
        }
    }
    Ok(())
}

fn uuid_field(map: &Map<String, Value>, path: &str, key: &str, needed: bool) -> Check {
    match string(map, path, key)? {
        Some(s) if is_uuid(s) => Ok(()),
        Some(_) => fail(&child(path, key), "must be a UUID"),
        None if needed => fail(&child(path, key), "is required"),
        None => Ok(()),
    }
}

struct Validator {
    version: Version,
}

const IFIS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

impl Validator {
    fn ifis(&self, map: &Map<String, Value>, path: &str) -> Result<usize, Invalid> {
        if let Some(m) = string(map, path, "mbox")?
            && !is_mailto(m)
        {
            return Err(Invalid {
                path: child(path, "mbox"),
                rule: "must be a mailto: IRI".into(),
            });
        }
        if let Some(s) = string(map, path, "mbox_sha1sum")?
            && !is_sha1(s)
        {
            return Err(Invalid {
                path: child(path, "mbox_sha1sum"),
                rule: "must be a hex SHA-1 sum".into(),
            });
        }
        if let Some(o) = string(map, path, "openid")?
            && !is_iri(o)
        {
            return Err(Invalid {
                path: child(path, "openid"),
                rule: "must be an absolute IRI".into(),
            });
        }
        if let Some(account) = map.get("account") {
            let p = child(path, "account");
            let a = object(account, &p)?;
            only(a, &p, &["homePage", "name"])?;
            match string(a, &p, "homePage")? {
                Some(h) if is_irl(h) => {}
                Some(_) => {
                    return Err(Invalid {
                        path: child(&p, "homePage"),
                        rule: "must be an IRL".into(),
                    });
                }
                None => {
                    return Err(Invalid {
                        path: child(&p, "homePage"),
                        rule: "is required".into(),
                    });
                }
            }
            if string(a, &p, "name")?.is_none() {
                return Err(Invalid {
                    path: child(&p, "name"),
                    rule: "is required".into(),
                });
            }
        }
        string(map, path, "name")?;
        Ok(IFIS.iter().filter(|k| map.contains_key(**k)).count())
    }

    fn agent(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(
            map,
            path,
            &[
                "objectType",
                "name",
                "mbox",
                "mbox_sha1sum",
                "openid",
                "account",
            ],
        )?;
        match string(map, path, "objectType")? {
            None | Some("Agent") => {}
            Some(_) => return fail(&child(path, "objectType"), "must be \"Agent\""),
        }
        match self.ifis(map, path)? {
            1 => Ok(()),
            0 => fail(
                path,
                "an Agent needs exactly one of mbox, mbox_sha1sum, openid or account",
            ),
            _ => fail(
                path,
                "an Agent has exactly one of mbox, mbox_sha1sum, openid or account, not several",
            ),
        }
    }

    fn group(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(
            map,
            path,
            &[
                "objectType",
                "name",
                "member",
                "mbox",
                "mbox_sha1sum",
                "openid",
                "account",
            ],
        )?;
        if string(map, path, "objectType")? != Some("Group") {
            return fail(&child(path, "objectType"), "must be \"Group\"");
        }
        let ifis = self.ifis(map, path)?;
        if ifis > 1 {
            return fail(
                path,
                "a Group has at most one of mbox, mbox_sha1sum, openid or account",
            );
        }
        match map.get("member") {
            Some(Value::Array(members)) => {
                if ifis == 0 && members.is_empty() {
                    return fail(
                        &child(path, "member"),
                        "an anonymous Group needs at least one member",
                    );
                }
                for (i, m) in members.iter().enumerate() {
                    self.agent(m, &format!("{}[{i}]", child(path, "member")))?;
                }
                Ok(())
            }
            Some(_) => fail(&child(path, "member"), "must be an array of Agents"),
            None if ifis == 0 => fail(
                &child(path, "member"),
                "an anonymous Group must list its members",
            ),
            None => Ok(()),
        }
    }

    /// An Agent, or a Group when `objectType` says so.
    fn actor(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        if map.get("objectType").and_then(Value::as_str) == Some("Group") {
            self.group(v, path)
        } else {
            self.agent(v, path)
        }
    }

    fn verb(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(map, path, &["id", "display"])?;
        iri_field(map, path, "id", true)?;
        if let Some(d) = map.get("display") {
            language_map(d, &child(path, "display"))?;
        }
        Ok(())
    }

    fn interaction_components(&self, v: &Value, path: &str) -> Check {
        let list = v.as_array().ok_or_else(|| Invalid {
            path: path.into(),
            rule: "must be an array of interaction components".into(),
        })?;
        let mut ids = std::collections::HashSet::new();
        for (i, c) in list.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let map = object(c, &p)?;
            only(map, &p, &["id", "description"])?;
            match string(map, &p, "id")? {
                Some(id) if !id.trim().is_empty() => {
                    if !ids.insert(id.to_string()) {
                        return fail(
                            &child(&p, "id"),
                            "interaction component ids must be unique in their list",
                        );
                    }
                }
                Some(_) => return fail(&child(&p, "id"), "must not be empty"),
                None => return fail(&child(&p, "id"), "is required"),
            }
            if let Some(d) = map.get("description") {
                language_map(d, &child(&p, "description"))?;
            }
        }
        Ok(())
    }

    fn definition(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(
            map,
            path,
            &[
                "name",
                "description",
                "type",
                "moreInfo",
                "extensions",
                "interactionType",
                "correctResponsesPattern",
                "choices",
                "scale",
                "source",
                "target",
                "steps",
            ],
        )?;
        for key in ["name", "description"] {
            if let Some(m) = map.get(key) {
                language_map(m, &child(path, key))?;
            }
        }
        iri_field(map, path, "type", false)?;
        if let Some(m) = string(map, path, "moreInfo")?
            && !is_irl(m)
        {
            return fail(&child(path, "moreInfo"), "must be an IRL");
        }
        if let Some(e) = map.get("extensions") {
            extensions(e, &child(path, "extensions"))?;
        }
        let interaction = string(map, path, "interactionType")?;
        let allowed_lists: &[&str] = match interaction {
            None => &[],
            Some("choice" | "sequencing") => &["choices"],
            Some("likert") => &["scale"],
            Some("matching") => &["source", "target"],
            Some("performance") => &["steps"],
            Some("true-false" | "fill-in" | "long-fill-in" | "numeric" | "other") => &[],
            Some(_) => {
                return fail(
                    &child(path, "interactionType"),
                    "must be one of true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, numeric, other",
                );
            }
        };
        for key in ["choices", "scale", "source", "target", "steps"] {
            if let Some(list) = map.get(key) {
                if !allowed_lists.contains(&key) {
                    return fail(
                        &child(path, key),
                        "is not allowed for this interactionType (or without one)",
                    );
                }
                self.interaction_components(list, &child(path, key))?;
            }
        }
        if let Some(p) = map.get("correctResponsesPattern") {
            if interaction.is_none() {
                return fail(
                    &child(path, "correctResponsesPattern"),
                    "needs an interactionType",
                );
            }
            let ok = p.as_array().is_some_and(|a| a.iter().all(Value::is_string));
            if !ok {
                return fail(
                    &child(path, "correctResponsesPattern"),
                    "must be an array of strings",
                );
            }
        }
        Ok(())
    }

    fn activity(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(map, path, &["objectType", "id", "definition"])?;
        match string(map, path, "objectType")? {
            None | Some("Activity") => {}
            Some(_) => return fail(&child(path, "objectType"), "must be \"Activity\""),
        }
        iri_field(map, path, "id", true)?;
        if let Some(d) = map.get("definition") {
            self.definition(d, &child(path, "definition"))?;
        }
        Ok(())
    }

    fn statement_ref(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(map, path, &["objectType", "id"])?;
        if string(map, path, "objectType")? != Some("StatementRef") {
            return fail(&child(path, "objectType"), "must be \"StatementRef\"");
        }
        uuid_field(map, path, "id", true)
    }

    fn object(&self, v: &Value, path: &str, in_sub: bool) -> Check {
        let map = object(v, path)?;
        match string(map, path, "objectType")? {
            None | Some("Activity") => self.activity(v, path),
            Some("Agent") => self.agent(v, path),
            Some("Group") => self.group(v, path),
            Some("StatementRef") => self.statement_ref(v, path),
            Some("SubStatement") if in_sub => fail(
                &child(path, "objectType"),
                "a SubStatement cannot contain another SubStatement",
            ),
            Some("SubStatement") => self.statement(v, path, true),
            Some(_) => fail(
                &child(path, "objectType"),
                "must be Activity, Agent, Group, StatementRef or SubStatement",
            ),
        }
    }

    fn result(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(
            map,
            path,
            &[
                "score",
                "success",
                "completion",
                "response",
                "duration",
                "extensions",
            ],
        )?;
        if let Some(score) = map.get("score") {
            let p = child(path, "score");
            let s = object(score, &p)?;
            only(s, &p, &["scaled", "raw", "min", "max"])?;
            let mut n = std::collections::HashMap::new();
            for key in ["scaled", "raw", "min", "max"] {
                if let Some(x) = s.get(key) {
                    let f = x.as_f64().ok_or_else(|| Invalid {
                        path: child(&p, key),
                        rule: "must be a number".into(),
                    })?;
                    n.insert(key, f);
                }
            }
            if let Some(scaled) = n.get("scaled")
                && !(-1.0..=1.0).contains(scaled)
            {
                return fail(&child(&p, "scaled"), "must be between -1 and 1");
            }
            if let (Some(min), Some(max)) = (n.get("min"), n.get("max"))
                && min >= max
            {
                return fail(&child(&p, "min"), "must be less than max");
            }
            if let Some(raw) = n.get("raw") {
                if n.get("min").is_some_and(|min| raw < min) {
                    return fail(&child(&p, "raw"), "must not be below min");
                }
                if n.get("max").is_some_and(|max| raw > max) {
                    return fail(&child(&p, "raw"), "must not be above max");
                }
            }
        }
        for key in ["success", "completion"] {
            if map.get(key).is_some_and(|b| !b.is_boolean()) {
                return fail(&child(path, key), "must be true or false");
            }
        }
        string(map, path, "response")?;
        if let Some(d) = string(map, path, "duration")?
            && !is_duration(d)
        {
            return fail(&child(path, "duration"), "must be an ISO 8601 duration");
        }
        if let Some(e) = map.get("extensions") {
            extensions(e, &child(path, "extensions"))?;
        }
        Ok(())
    }

    fn context_activities(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(map, path, &["parent", "grouping", "category", "other"])?;
        for (key, value) in map {
            let p = child(path, key);
            match value {
                Value::Array(list) => {
                    for (i, a) in list.iter().enumerate() {
                        self.activity(a, &format!("{p}[{i}]"))?;
                    }
                }
                Value::Object(_) => self.activity(value, &p)?,
                _ => return fail(&p, "must be an Activity or an array of Activities"),
            }
        }
        Ok(())
    }

    fn relevant(&self, map: &Map<String, Value>, path: &str) -> Check {
        let p = child(path, "relevantTypes");
        match map.get("relevantTypes") {
            None => Ok(()),
            Some(Value::Array(types)) if !types.is_empty() => {
                for (i, t) in types.iter().enumerate() {
                    if !t.as_str().is_some_and(is_iri) {
                        return fail(&format!("{p}[{i}]"), "must be an absolute IRI");
                    }
                }
                Ok(())
            }
            Some(_) => fail(&p, "must be a non-empty array of IRIs"),
        }
    }

    fn context(&self, v: &Value, path: &str, object_is_activity: bool) -> Check {
        let map = object(v, path)?;
        let mut allowed = vec![
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        ];
        if self.version >= Version::V2_0_0 {
            allowed.extend(["contextAgents", "contextGroups"]);
        }
        only(map, path, &allowed)?;
        uuid_field(map, path, "registration", false)?;
        if let Some(i) = map.get("instructor") {
            self.actor(i, &child(path, "instructor"))?;
        }
        if let Some(t) = map.get("team") {
            self.group(t, &child(path, "team"))?;
        }
        if let Some(ca) = map.get("contextActivities") {
            self.context_activities(ca, &child(path, "contextActivities"))?;
        }
        for key in ["revision", "platform"] {
            if string(map, path, key)?.is_some() && !object_is_activity {
                return fail(
                    &child(path, key),
                    "is only allowed when the statement's object is an Activity",
                );
            }
        }
        if let Some(l) = string(map, path, "language")?
            && !is_language_tag(l)
        {
            return fail(&child(path, "language"), "must be an RFC 5646 language tag");
        }
        if let Some(s) = map.get("statement") {
            self.statement_ref(s, &child(path, "statement"))?;
        }
        if let Some(e) = map.get("extensions") {
            extensions(e, &child(path, "extensions"))?;
        }
        for (key, kind, inner) in [
            ("contextAgents", "contextAgent", "agent"),
            ("contextGroups", "contextGroup", "group"),
        ] {
            let Some(list) = map.get(key) else { continue };
            let p = child(path, key);
            let list = list.as_array().ok_or_else(|| Invalid {
                path: p.clone(),
                rule: "must be an array".into(),
            })?;
            for (i, item) in list.iter().enumerate() {
                let ip = format!("{p}[{i}]");
                let m = object(item, &ip)?;
                only(m, &ip, &["objectType", inner, "relevantTypes"])?;
                if string(m, &ip, "objectType")? != Some(kind) {
                    return fail(&child(&ip, "objectType"), format!("must be \"{kind}\""));
                }
                let who = required(m, &ip, inner)?;
                if inner == "agent" {
                    self.agent(who, &child(&ip, inner))?
                } else {
                    self.group(who, &child(&ip, inner))?
                }
                self.relevant(m, &ip)?;
            }
        }
        Ok(())
    }

    fn attachment(&self, v: &Value, path: &str) -> Check {
        let map = object(v, path)?;
        only(
            map,
            path,
            &[
                "usageType",
                "display",
                "description",
                "contentType",
                "length",
                "sha2",
                "fileUrl",
            ],
        )?;
        iri_field(map, path, "usageType", true)?;
        language_map(required(map, path, "display")?, &child(path, "display"))?;
        if let Some(d) = map.get("description") {
            language_map(d, &child(path, "description"))?;
        }
        match string(map, path, "contentType")? {
            Some(ct) if is_media_type(ct) => {}
            Some(_) => {
                return fail(
                    &child(path, "contentType"),
                    "must be an Internet media type",
                );
            }
            None => return fail(&child(path, "contentType"), "is required"),
        }
        match required(map, path, "length")? {
            Value::Number(n) if n.as_u64().is_some() => {}
            _ => return fail(&child(path, "length"), "must be a whole number of octets"),
        }
        match string(map, path, "sha2")? {
            Some(s) if is_sha2(s) => {}
            Some(_) => return fail(&child(path, "sha2"), "must be a hex SHA-2 sum"),
            None => return fail(&child(path, "sha2"), "is required"),
        }
        if let Some(u) = string(map, path, "fileUrl")?
            && !is_irl(u)
        {
            return fail(&child(path, "fileUrl"), "must be an IRL");
        }
        Ok(())
    }

    fn statement(&self, v: &Value, path: &str, sub: bool) -> Check {
        let map = object(v, if path.is_empty() { "statement" } else { path })?;
        let allowed: &[&str] = if sub {
            &[
                "objectType",
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "attachments",
            ]
        } else {
            &[
                "id",
                "actor",
                "verb",
                "object",
                "result",
                "context",
                "timestamp",
                "stored",
                "authority",
                "version",
                "attachments",
            ]
        };
        only(map, path, allowed)?;
        if !sub {
            uuid_field(map, path, "id", false)?;
        }
        self.actor(required(map, path, "actor")?, &child(path, "actor"))?;
        let verb = required(map, path, "verb")?;
        self.verb(verb, &child(path, "verb"))?;
        let object = required(map, path, "object")?;
        self.object(object, &child(path, "object"), sub)?;
        let object_type = object
            .get("objectType")
            .and_then(Value::as_str)
            .unwrap_or("Activity");
        if verb.get("id").and_then(Value::as_str) == Some(VOIDED) && object_type != "StatementRef" {
            return fail(
                &child(path, "object"),
                "a voiding statement's object must be a StatementRef",
            );
        }
        if let Some(r) = map.get("result") {
            self.result(r, &child(path, "result"))?;
        }
        if let Some(c) = map.get("context") {
            self.context(c, &child(path, "context"), object_type == "Activity")?;
        }
        for key in ["timestamp", "stored"] {
            if let Some(t) = string(map, path, key)?
                && parse_timestamp(t).is_none()
            {
                return fail(
                    &child(path, key),
                    "must be an ISO 8601 timestamp with a time zone",
                );
            }
        }
        if let Some(a) = map.get("authority") {
            self.actor(a, &child(path, "authority"))?;
            if a.get("objectType").and_then(Value::as_str) == Some("Group") {
                let identified = IFIS.iter().any(|k| a.get(*k).is_some());
                let pair = a
                    .get("member")
                    .and_then(Value::as_array)
                    .is_some_and(|m| m.len() == 2);
                if identified || !pair {
                    return fail(
                        &child(path, "authority"),
                        "a Group authority is anonymous with exactly two members (OAuth consumer and user)",
                    );
                }
            }
        }
        if let Some(version) = string(map, path, "version")? {
            let ok = match self.version {
                Version::V1_0_3 => is_version_in(version, "1.0"),
                Version::V2_0_0 => is_version_in(version, "1.0") || is_version_in(version, "2.0"),
            };
            if !ok {
                return fail(
                    &child(path, "version"),
                    "must be a supported xAPI version (1.0.x or 2.0.x)",
                );
            }
        }
        if let Some(att) = map.get("attachments") {
            let p = child(path, "attachments");
            let list = att.as_array().ok_or_else(|| Invalid {
                path: p.clone(),
                rule: "must be an array".into(),
            })?;
            for (i, a) in list.iter().enumerate() {
                self.attachment(a, &format!("{p}[{i}]"))?;
            }
        }
        Ok(())
    }
}

/// `type/subtype`, optionally followed by `; parameter=value` parts.
fn is_media_type(ct: &str) -> bool {
    let essence = ct.split(';').next().unwrap_or("").trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    essence
        .split_once('/')
        .is_some_and(|(a, b)| token(a) && token(b))
}

/// The verb that voids a statement.
pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";

fn is_version_in(v: &str, prefix: &str) -> bool {
    v == prefix
        || v.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks an Agent given on its own (the `agent` parameter of the document resources).
pub fn validate_agent(agent: &Value) -> Result<(), Invalid> {
    Validator {
        version: Version::V2_0_0,
    }
    .agent(agent, "agent")
}

/// Checks one statement as received against every rule of `version`.
pub fn validate_statement(statement: &Value, version: Version) -> Result<(), Invalid> {
    Validator { version }.statement(statement, "", false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
            "actor": {"objectType": "Agent", "name": "王阿姨", "mbox": "mailto:wang@example.cn"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-CN": "完成", "en-US": "completed"}},
            "object": {"id": "http://127.0.0.1:8080/activities/lessons/stop-telecom-fraud", "definition": {"name": {"zh-CN": "防诈"}, "type": "http://adlnet.gov/expapi/activities/lesson"}},
            "result": {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": true, "completion": true, "duration": "PT12M30S"},
            "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "language": "zh-CN", "platform": "Suyang",
                        "contextActivities": {"parent": {"id": "http://example.cn/course/1"}, "grouping": [{"id": "http://example.cn/programme"}]},
                        "extensions": {"http://example.cn/ext/device": "phone"}},
            "timestamp": "2026-11-29T06:00:00.123Z"
        })
    }

    fn breaks(mut s: Value, pointer: &str, value: Value) -> Invalid {
        *s.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        validate_statement(&s, Version::V2_0_0).expect_err("should be refused")
    }

    fn remove(mut s: Value, parent: &str, key: &str) -> Invalid {
        s.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap()
            .remove(key);
        validate_statement(&s, Version::V2_0_0).expect_err("should be refused")
    }

    #[test]
    fn a_full_statement_is_valid_in_both_versions() {
        assert_eq!(validate_statement(&base(), Version::V2_0_0), Ok(()));
        assert_eq!(validate_statement(&base(), Version::V1_0_3), Ok(()));
    }

    #[test]
    fn errors_name_field_and_rule() {
        let e = breaks(base(), "/verb/id", json!("completed"));
        assert_eq!(
            e,
            Invalid {
                path: "verb.id".into(),
                rule: "must be an absolute IRI".into()
            }
        );
        let e = breaks(
            base(),
            "/context/contextActivities/grouping/0/id",
            json!("not an iri"),
        );
        assert_eq!(e.path, "context.contextActivities.grouping[0].id");
        assert_eq!(remove(base(), "", "actor").path, "actor");
        assert_eq!(remove(base(), "/verb", "id").path, "verb.id");
    }

    #[test]
    fn agents_have_exactly_one_identifier() {
        let e = breaks(
            base(),
            "/actor",
            json!({"mbox": "mailto:a@b.c", "openid": "http://openid.example/a"}),
        );
        assert!(e.rule.contains("exactly one"));
        assert!(
            breaks(base(), "/actor", json!({"name": "nobody"}))
                .rule
                .contains("exactly one")
        );
        assert_eq!(
            breaks(base(), "/actor", json!({"mbox": "a@b.c"})).path,
            "actor.mbox"
        );
        assert_eq!(
            breaks(base(), "/actor", json!({"mbox_sha1sum": "xyz"})).path,
            "actor.mbox_sha1sum"
        );
        assert_eq!(
            breaks(
                base(),
                "/actor",
                json!({"account": {"homePage": "http://x.cn"}})
            )
            .path,
            "actor.account.name"
        );
        assert_eq!(
            breaks(base(), "/actor", json!({"account": {"name": "a"}})).path,
            "actor.account.homePage"
        );
        assert_eq!(
            breaks(base(), "/actor", json!({"objectType": "Group"})).path,
            "actor.member"
        );
        let anon = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}, {"objectType": "Group", "mbox": "mailto:g@b.c"}]});
        assert_eq!(
            breaks(base(), "/actor", anon).path,
            "actor.member[1].objectType"
        );
        let mut s = base();
        s["actor"] =
            json!({"objectType": "Group", "name": "班组", "member": [{"mbox": "mailto:a@b.c"}]});
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
    }

    #[test]
    fn structure_rules() {
        assert_eq!(breaks(base(), "/id", json!("123")).path, "id");
        assert_eq!(
            breaks(base(), "/timestamp", json!("2026-11-29")).path,
            "timestamp"
        );
        assert_eq!(
            breaks(base(), "/timestamp", json!("2026-11-29T06:00:00-00:00")).path,
            "timestamp"
        );
        assert_eq!(
            breaks(base(), "/result/score/scaled", json!(1.5)).path,
            "result.score.scaled"
        );
        assert_eq!(
            breaks(base(), "/result/score/raw", json!(11)).path,
            "result.score.raw"
        );
        assert_eq!(
            breaks(base(), "/result/score/min", json!(10)).path,
            "result.score.min"
        );
        assert_eq!(
            breaks(base(), "/result/duration", json!("12 minutes")).path,
            "result.duration"
        );
        assert_eq!(
            breaks(base(), "/result/success", json!("yes")).path,
            "result.success"
        );
        assert_eq!(
            breaks(base(), "/verb/display", json!({"en_US": "done"})).path,
            "verb.display.en_US"
        );
        assert_eq!(
            breaks(base(), "/context/extensions", json!({"device": 1})).path,
            "context.extensions.device"
        );
        assert_eq!(
            breaks(base(), "/context/registration", json!("r-1")).path,
            "context.registration"
        );
        assert_eq!(
            breaks(base(), "/context/language", json!("zh_CN")).path,
            "context.language"
        );
        assert!(
            breaks(
                base(),
                "/object",
                json!({"objectType": "Agent", "mbox": "mailto:a@b.c"})
            )
            .path
            .starts_with("context.")
        );
        let mut s = base();
        s["unexpected"] = json!(1);
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "unexpected"
        );
        let mut s = base();
        s["result"]["response"] = Value::Null;
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().rule,
            "must not be null"
        );
        let mut s = base();
        s["version"] = json!("0.95");
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "version"
        );
        s["version"] = json!("2.0.0");
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
        assert_eq!(
            validate_statement(&s, Version::V1_0_3).unwrap_err().path,
            "version"
        );
    }

    #[test]
    fn voiding_and_substatements() {
        let mut s = base();
        s["verb"]["id"] = json!(VOIDED);
        assert!(
            validate_statement(&s, Version::V2_0_0)
                .unwrap_err()
                .rule
                .contains("StatementRef")
        );
        s["object"] =
            json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"});
        s.as_object_mut().unwrap().remove("context");
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
        let mut s = base();
        s["object"] = json!({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x.cn/v"},
                              "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x.cn/v"}, "object": {"id": "http://x.cn/a"}}});
        s.as_object_mut().unwrap().remove("context");
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "object.object.objectType"
        );
        s["object"]["id"] = json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "object.id"
        );
    }

    #[test]
    fn interactions() {
        let mut s = base();
        s["object"]["definition"] = json!({"interactionType": "choice", "correctResponsesPattern": ["a"],
            "choices": [{"id": "a", "description": {"zh-CN": "拨打 96110"}}, {"id": "b"}]});
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
        s["object"]["definition"]["choices"][1]["id"] = json!("a");
        assert!(
            validate_statement(&s, Version::V2_0_0)
                .unwrap_err()
                .rule
                .contains("unique")
        );
        s["object"]["definition"] =
            json!({"interactionType": "true-false", "scale": [{"id": "x"}]});
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "object.definition.scale"
        );
        s["object"]["definition"] = json!({"interactionType": "essay"});
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "object.definition.interactionType"
        );
    }

    #[test]
    fn context_agents_are_2_0_only() {
        let mut s = base();
        s["context"]["contextAgents"] = json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:v@b.c"}, "relevantTypes": ["http://example.cn/volunteer"]}]);
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
        assert_eq!(
            validate_statement(&s, Version::V1_0_3).unwrap_err().path,
            "context.contextAgents"
        );
        s["context"]["contextAgents"][0]["relevantTypes"] = json!([]);
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "context.contextAgents[0].relevantTypes"
        );
    }

    #[test]
    fn attachments() {
        let mut s = base();
        s["attachments"] = json!([{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en": "sig"},
            "contentType": "application/octet-stream", "length": 12, "sha2": "a".repeat(64)}]);
        assert_eq!(validate_statement(&s, Version::V2_0_0), Ok(()));
        s["attachments"][0]["length"] = json!(-1);
        assert_eq!(
            validate_statement(&s, Version::V2_0_0).unwrap_err().path,
            "attachments[0].length"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_json_never_panics(s in "\\PC{0,200}") {
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = validate_statement(&v, Version::V2_0_0);
            }
        }
    }
}
