//! Realistic synthetic statements for load generation and benchmarks: learners answering
//! assessment items, with result and context, deterministic in their number so that runs can be
//! repeated and compared.

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Learners the statements are spread over.
pub const LEARNERS: u64 = 5_000;
/// Assessment items (activities) the statements are about.
pub const ITEMS: u64 = 300;
/// Statements per registration (one learner's attempt at an assessment).
pub const PER_REGISTRATION: u64 = 50;

const VERBS: [(&str, &str, &str); 6] = [
    (
        "http://adlnet.gov/expapi/verbs/answered",
        "回答",
        "answered",
    ),
    (
        "http://adlnet.gov/expapi/verbs/attempted",
        "尝试",
        "attempted",
    ),
    (
        "http://adlnet.gov/expapi/verbs/experienced",
        "学习",
        "experienced",
    ),
    (
        "http://adlnet.gov/expapi/verbs/completed",
        "完成",
        "completed",
    ),
    ("http://adlnet.gov/expapi/verbs/passed", "通过", "passed"),
    ("http://adlnet.gov/expapi/verbs/failed", "未通过", "failed"),
];

/// The homePage of the synthetic learners' accounts.
pub const HOME_PAGE: &str = "http://bench.example.cn";

/// The verb IRI of statement `n`.
pub fn verb(n: u64) -> &'static str {
    VERBS[(n % VERBS.len() as u64) as usize].0
}

/// The learner (account name) of statement `n`.
pub fn learner(n: u64) -> String {
    format!("learner-{}", n % LEARNERS)
}

/// The activity id of statement `n`.
pub fn item(n: u64) -> String {
    format!("{HOME_PAGE}/items/{}", n % ITEMS)
}

/// The registration of statement `n`.
pub fn registration(n: u64) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("{HOME_PAGE}/registrations/{}", n / PER_REGISTRATION).as_bytes(),
    )
}

/// When statement `n` happened: one statement a second from `start`.
pub fn timestamp(start: OffsetDateTime, n: u64) -> OffsetDateTime {
    start + Duration::seconds(n as i64)
}

/// Statement number `n` (without id: the LRS assigns one).
pub fn statement(start: OffsetDateTime, n: u64) -> Value {
    let (verb, zh, en) = VERBS[(n % VERBS.len() as u64) as usize];
    let raw = n % 5;
    let response = ["a", "b", "c"][(n % 3) as usize];
    let when = timestamp(start, n)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    json!({
        "actor": {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": learner(n)}},
        "verb": {"id": verb, "display": {"zh-CN": zh, "en-US": en}},
        "object": {
            "objectType": "Activity",
            "id": item(n),
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "choices": [{"id": "a"}, {"id": "b"}, {"id": "c"}]
            }
        },
        "result": {
            "score": {"scaled": raw as f64 / 4.0, "raw": raw, "min": 0, "max": 4},
            "success": raw >= 3,
            "completion": true,
            "response": response,
            "duration": format!("PT{}S", 5 + n % 90)
        },
        "context": {
            "registration": registration(n).to_string(),
            "platform": "Suyang",
            "language": "zh-CN",
            "contextActivities": {
                "parent": [{"id": format!("{HOME_PAGE}/assessments/{}", n % 12)}],
                "grouping": [{"id": format!("{HOME_PAGE}/programmes/anti-fraud")}]
            }
        },
        "timestamp": when
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Version, validate_statement};

    #[test]
    fn samples_are_valid_statements() {
        let start = OffsetDateTime::UNIX_EPOCH;
        for n in [0, 1, 7, 299, 5_001, 1_000_000] {
            assert_eq!(
                validate_statement(&statement(start, n), Version::V2_0_0),
                Ok(())
            );
            assert_eq!(
                validate_statement(&statement(start, n), Version::V1_0_3),
                Ok(())
            );
        }
        assert_eq!(registration(0), registration(PER_REGISTRATION - 1));
        assert_ne!(registration(0), registration(PER_REGISTRATION));
    }
}
