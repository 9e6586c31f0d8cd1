//! What the LRS does to an accepted statement before storing it, and what it indexes.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::Version;
use crate::validate::{Invalid, VOIDED};

/// A validated statement ready to store, with the values queries filter on.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub id: Uuid,
    /// The statement as it will be returned (`exact` format): id, stored, authority, version set.
    pub body: Value,
    pub verb: String,
    /// Canonical identifier of the actor (see [`agent_key`]); for groups, the group's own.
    pub actor: Option<String>,
    /// Key of the object when it is an Agent or identified Group.
    pub object_agent: Option<String>,
    /// Activity id when the object is an Activity.
    pub activity: Option<String>,
    pub registration: Option<Uuid>,
    /// The statement this one voids, if it is a voiding statement.
    pub voids: Option<Uuid>,
    /// The statement this one's object refers to (StatementRef), whatever the verb.
    pub statement_ref: Option<Uuid>,
    pub timestamp: OffsetDateTime,
    pub stored: OffsetDateTime,
    /// Every agent the statement mentions anywhere (for `related_agents`), deduplicated.
    pub related_agents: Vec<String>,
    /// Every activity the statement mentions anywhere (for `related_activities`), deduplicated.
    pub related_activities: Vec<String>,
}

/// A canonical key for an Agent or identified Group: the inverse functional identifier as
/// `mbox:…`, `sha1:…`, `openid:…` or `account:homePage|name`. Anonymous groups have none.
pub fn agent_key(agent: &Value) -> Option<String> {
    if let Some(m) = agent.get("mbox").and_then(Value::as_str) {
        return Some(format!("mbox:{}", m.to_lowercase()));
    }
    if let Some(s) = agent.get("mbox_sha1sum").and_then(Value::as_str) {
        return Some(format!("sha1:{}", s.to_lowercase()));
    }
    if let Some(o) = agent.get("openid").and_then(Value::as_str) {
        return Some(format!("openid:{o}"));
    }
    let account = agent.get("account")?;
    Some(format!(
        "account:{}|{}",
        account.get("homePage").and_then(Value::as_str)?,
        account.get("name").and_then(Value::as_str)?
    ))
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Agents an actor-like value stands for: the agent, or a group and its members.
fn collect_agents(v: &Value, into: &mut Vec<String>) {
    if let Some(k) = agent_key(v) {
        push_unique(into, k);
    }
    if let Some(members) = v.get("member").and_then(Value::as_array) {
        for m in members {
            collect_agents(m, into);
        }
    }
}

fn collect_related(stmt: &Value, agents: &mut Vec<String>, activities: &mut Vec<String>) {
    for key in ["actor", "authority"] {
        if let Some(a) = stmt.get(key) {
            collect_agents(a, agents);
        }
    }
    if let Some(object) = stmt.get("object") {
        match object
            .get("objectType")
            .and_then(Value::as_str)
            .unwrap_or("Activity")
        {
            "Activity" => {
                if let Some(id) = object.get("id").and_then(Value::as_str) {
                    push_unique(activities, id.to_string());
                }
            }
            "Agent" | "Group" => collect_agents(object, agents),
            "SubStatement" => collect_related(object, agents, activities),
            _ => {}
        }
    }
    if let Some(context) = stmt.get("context") {
        for key in ["instructor", "team"] {
            if let Some(a) = context.get(key) {
                collect_agents(a, agents);
            }
        }
        for (list_key, inner) in [("contextAgents", "agent"), ("contextGroups", "group")] {
            for item in context
                .get(list_key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(a) = item.get(inner) {
                    collect_agents(a, agents);
                }
            }
        }
        if let Some(ca) = context.get("contextActivities").and_then(Value::as_object) {
            for value in ca.values() {
                let list: Vec<&Value> = match value {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for a in list {
                    if let Some(id) = a.get("id").and_then(Value::as_str) {
                        push_unique(activities, id.to_string());
                    }
                }
            }
        }
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Turns a validated statement into what is stored. `id` comes from the `statementId`
/// parameter of a PUT, which must agree with the body's id if both are given. The LRS sets
/// `stored`, `authority` (replacing whatever the client sent), `version` (when absent) and
/// `timestamp` (when absent: equal to `stored`), and normalises single contextActivities into
/// arrays as xAPI requires of the stored form.
pub fn prepare(
    mut statement: Value,
    id: Option<Uuid>,
    authority: &Value,
    stored: OffsetDateTime,
    version: Version,
) -> Result<Prepared, Invalid> {
    let bad = |path: &str, rule: &str| Invalid {
        path: path.into(),
        rule: rule.into(),
    };
    let map: &mut Map<String, Value> = statement
        .as_object_mut()
        .ok_or_else(|| bad("statement", "must be a JSON object"))?;
    let body_id = map
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let id = match (id, body_id) {
        (Some(a), Some(b)) if a != b => {
            return Err(bad("id", "differs from the statementId parameter"));
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => Uuid::new_v4(),
    };
    map.insert("id".into(), json!(id.to_string()));
    map.insert("stored".into(), json!(rfc3339(stored)));
    map.insert("authority".into(), authority.clone());
    map.entry("version").or_insert_with(|| {
        json!(if version == Version::V1_0_3 {
            "1.0.0"
        } else {
            "2.0.0"
        })
    });
    let timestamp = match map.get("timestamp").and_then(Value::as_str) {
        Some(t) => crate::syntax::parse_timestamp(t)
            .ok_or_else(|| bad("timestamp", "must be an ISO 8601 timestamp"))?,
        None => {
            map.insert("timestamp".into(), json!(rfc3339(stored)));
            stored
        }
    };
    wrap_context_activities(map);
    if let Some(sub) = map.get_mut("object").and_then(Value::as_object_mut)
        && sub.get("objectType").and_then(Value::as_str) == Some("SubStatement")
    {
        wrap_context_activities(sub);
    }
    let verb = map
        .get("verb")
        .and_then(|v| v.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let object = map.get("object").cloned().unwrap_or(Value::Null);
    let object_type = object
        .get("objectType")
        .and_then(Value::as_str)
        .unwrap_or("Activity");
    let statement_ref = (object_type == "StatementRef")
        .then(|| {
            object
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
        })
        .flatten();
    let voids = (verb == VOIDED)
        .then(|| {
            object
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
        })
        .flatten();
    let registration = map
        .get("context")
        .and_then(|c| c.get("registration"))
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let actor = map.get("actor").and_then(agent_key);
    let object_agent = matches!(object_type, "Agent" | "Group")
        .then(|| agent_key(&object))
        .flatten();
    let activity = (object_type == "Activity")
        .then(|| object.get("id").and_then(Value::as_str).map(str::to_owned))
        .flatten();
    let mut related_agents = Vec::new();
    let mut related_activities = Vec::new();
    collect_related(&statement, &mut related_agents, &mut related_activities);
    Ok(Prepared {
        id,
        body: statement,
        verb,
        actor,
        object_agent,
        activity,
        registration,
        voids,
        statement_ref,
        timestamp,
        stored,
        related_agents,
        related_activities,
    })
}

/// `PT1.23456S` → `PT1.23S`: the precision statements are compared at.
fn truncate_duration(d: &str) -> String {
    match (d.find('.'), d.strip_suffix('S')) {
        (Some(dot), Some(_)) => {
            let digits = &d[dot + 1..d.len() - 1];
            let kept: String = digits.chars().take(2).collect();
            let kept = kept.trim_end_matches('0');
            if kept.is_empty() {
                format!("{}S", &d[..dot])
            } else {
                format!("{}.{kept}S", &d[..dot])
            }
        }
        _ => d.to_string(),
    }
}

/// xAPI stores single context activities as one-element arrays.
fn wrap_context_activities(statement: &mut Map<String, Value>) {
    if let Some(ca) = statement
        .get_mut("context")
        .and_then(|c| c.get_mut("contextActivities"))
        .and_then(Value::as_object_mut)
    {
        for value in ca.values_mut() {
            if value.is_object() {
                *value = Value::Array(vec![value.take()]);
            }
        }
    }
}

/// Whether two statements with the same id say the same thing (xAPI statement comparison):
/// the LRS-set properties are ignored, and so is the wrapping of single contextActivities.
pub fn same_statement(a: &Value, b: &Value) -> bool {
    fn strip(v: &Value) -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            for key in ["stored", "authority", "version", "id", "timestamp"] {
                m.remove(key);
            }
            // Durations compare to hundredths of a second (xAPI Data 4.6).
            if let Some(d) = m.get_mut("result").and_then(|r| r.get_mut("duration"))
                && let Some(text) = d.as_str()
            {
                *d = Value::String(truncate_duration(text));
            }
            if let Some(ca) = m
                .get_mut("context")
                .and_then(|c| c.get_mut("contextActivities"))
                .and_then(Value::as_object_mut)
            {
                for value in ca.values_mut() {
                    if value.is_object() {
                        *value = Value::Array(vec![value.take()]);
                    }
                }
            }
        }
        v
    }
    let ts = |v: &Value| {
        v.get("timestamp")
            .and_then(Value::as_str)
            .and_then(crate::syntax::parse_timestamp)
    };
    strip(a) == strip(b) && (ts(a).is_none() || ts(b).is_none() || ts(a) == ts(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt() -> Value {
        json!({
            "actor": {"objectType": "Group", "mbox": "mailto:team@example.cn", "member": [{"mbox": "mailto:A@Example.cn"}]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": "http://example.cn/sessions/1"},
            "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "instructor": {"account": {"homePage": "http://example.cn", "name": "li"}},
                        "contextActivities": {"parent": {"id": "http://example.cn/course"}}},
        })
    }

    #[test]
    fn prepare_sets_what_the_lrs_owns() {
        let authority = json!({"objectType": "Agent", "account": {"homePage": "http://lrs.example.cn", "name": "key-1"}});
        let now = OffsetDateTime::UNIX_EPOCH;
        let p = prepare(stmt(), None, &authority, now, Version::V2_0_0).unwrap();
        assert_eq!(p.body["version"], "2.0.0");
        assert_eq!(p.body["stored"], "1970-01-01T00:00:00Z");
        assert_eq!(p.body["timestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(p.body["authority"], authority);
        assert!(p.body["context"]["contextActivities"]["parent"].is_array());
        assert_eq!(p.actor.as_deref(), Some("mbox:mailto:team@example.cn"));
        assert_eq!(p.activity.as_deref(), Some("http://example.cn/sessions/1"));
        assert_eq!(
            p.registration.unwrap().to_string(),
            "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
        );
        assert!(
            p.related_agents
                .contains(&"mbox:mailto:a@example.cn".to_string())
        );
        assert!(
            p.related_agents
                .contains(&"account:http://example.cn|li".to_string())
        );
        assert!(
            p.related_agents
                .contains(&"account:http://lrs.example.cn|key-1".to_string())
        );
        assert_eq!(
            p.related_activities,
            vec!["http://example.cn/sessions/1", "http://example.cn/course"]
        );
        let id = Uuid::new_v4();
        assert_eq!(
            prepare(stmt(), Some(id), &authority, now, Version::V1_0_3)
                .unwrap()
                .body["version"],
            "1.0.0"
        );
        let mut with_id = stmt();
        with_id["id"] = json!(Uuid::new_v4().to_string());
        assert_eq!(
            prepare(with_id, Some(id), &authority, now, Version::V2_0_0)
                .unwrap_err()
                .path,
            "id"
        );
    }

    #[test]
    fn voiding_statements_name_their_target() {
        let target = Uuid::new_v4();
        let v = json!({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": VOIDED}, "object": {"objectType": "StatementRef", "id": target.to_string()}});
        let p = prepare(
            v,
            None,
            &json!({}),
            OffsetDateTime::UNIX_EPOCH,
            Version::V2_0_0,
        )
        .unwrap();
        assert_eq!(p.voids, Some(target));
        assert_eq!(p.activity, None);
    }

    #[test]
    fn durations_compare_to_hundredths() {
        assert_eq!(truncate_duration("PT1.23456S"), "PT1.23S");
        assert_eq!(truncate_duration("PT1.2S"), "PT1.2S");
        assert_eq!(truncate_duration("PT1.001S"), "PT1S");
        assert_eq!(truncate_duration("P1D"), "P1D");
        let a = json!({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x/v"}, "object": {"id": "http://x/a"}, "result": {"duration": "PT1.234S"}});
        let mut b = a.clone();
        b["result"]["duration"] = json!("PT1.23S");
        assert!(same_statement(&a, &b));
    }

    #[test]
    fn comparison_ignores_lrs_properties_and_wrapping() {
        let authority = json!({"mbox": "mailto:lrs@example.cn"});
        let stored = prepare(
            stmt(),
            None,
            &authority,
            OffsetDateTime::now_utc(),
            Version::V2_0_0,
        )
        .unwrap()
        .body;
        assert!(same_statement(&stored, &stmt()));
        let mut other = stmt();
        other["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
        assert!(!same_statement(&stored, &other));
    }
}
