//! Learning events: every step a learner takes, shaped as an xAPI statement (actor, verb, object,
//! result, timestamp) so that the learning record store can hold them unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::assessment::{Rating, SelfAssessment};

/// Verbs the platform uses: ADL's registry where one fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Registered,
    Completed,
    Experienced,
}

impl Verb {
    pub const ALL: [Verb; 3] = [Verb::Registered, Verb::Completed, Verb::Experienced];

    pub fn iri(self) -> &'static str {
        match self {
            Verb::Registered => "http://adlnet.gov/expapi/verbs/registered",
            Verb::Completed => "http://adlnet.gov/expapi/verbs/completed",
            Verb::Experienced => "http://adlnet.gov/expapi/verbs/experienced",
        }
    }

    pub fn from_iri(iri: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|v| v.iri() == iri)
    }

    pub fn key(self) -> &'static str {
        match self {
            Verb::Registered => "registered",
            Verb::Completed => "completed",
            Verb::Experienced => "experienced",
        }
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    Platform,
    SelfAssessment,
    Lesson,
}

impl ActivityKind {
    pub fn type_iri(self) -> &'static str {
        match self {
            ActivityKind::Platform => "http://adlnet.gov/expapi/activities/course",
            ActivityKind::SelfAssessment => "http://adlnet.gov/expapi/activities/assessment",
            ActivityKind::Lesson => "http://adlnet.gov/expapi/activities/lesson",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ActivityKind::Platform => "platform",
            ActivityKind::SelfAssessment => "self-assessment",
            ActivityKind::Lesson => "lesson",
        }
    }

    pub fn from_key(key: &str) -> Option<ActivityKind> {
        [
            ActivityKind::Platform,
            ActivityKind::SelfAssessment,
            ActivityKind::Lesson,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningEvent {
    pub id: Uuid,
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub verb: Verb,
    /// Activity IRI.
    pub object_id: String,
    pub object_kind: ActivityKind,
    /// xAPI `result`, if any.
    pub result: Option<Value>,
    pub timestamp: OffsetDateTime,
}

/// Builds the platform's activity and extension IRIs from its public base URL.
#[derive(Debug, Clone)]
pub struct Iris {
    base: String,
}

/// Last path segment of the extension that carries self-ratings.
const RATINGS_EXTENSION: &str = "/xapi/extensions/self-ratings";

impl Iris {
    pub fn new(public_url: &str) -> Iris {
        Iris {
            base: public_url.trim_end_matches('/').to_string(),
        }
    }
    pub fn platform(&self) -> String {
        format!("{}/", self.base)
    }
    pub fn self_assessment(&self, framework: Uuid) -> String {
        format!("{}/activities/self-assessment/{framework}", self.base)
    }
    pub fn lesson(&self, slug: &str) -> String {
        format!("{}/activities/lessons/{slug}", self.base)
    }
    pub fn ratings_extension(&self) -> String {
        format!("{}{RATINGS_EXTENSION}", self.base)
    }
}

/// The self-ratings in an xAPI `result`, whatever base URL its extension was written under.
pub fn ratings_in(result: &Value) -> Option<BTreeMap<String, Rating>> {
    let extensions = result.get("extensions")?.as_object()?;
    let (_, value) = extensions
        .iter()
        .find(|(k, _)| k.ends_with(RATINGS_EXTENSION))?;
    serde_json::from_value(value.clone()).ok()
}

impl LearningEvent {
    fn new(
        user_id: Uuid,
        org_id: Uuid,
        verb: Verb,
        object_id: String,
        kind: ActivityKind,
        now: OffsetDateTime,
    ) -> Self {
        LearningEvent {
            id: Uuid::now_v7(),
            user_id,
            org_id,
            verb,
            object_id,
            object_kind: kind,
            result: None,
            timestamp: now,
        }
    }

    pub fn registered(iris: &Iris, user_id: Uuid, org_id: Uuid, now: OffsetDateTime) -> Self {
        Self::new(
            user_id,
            org_id,
            Verb::Registered,
            iris.platform(),
            ActivityKind::Platform,
            now,
        )
    }

    pub fn self_assessed(
        iris: &Iris,
        user_id: Uuid,
        org_id: Uuid,
        framework: Uuid,
        assessment: &SelfAssessment,
        now: OffsetDateTime,
    ) -> Self {
        let n = assessment.ratings.len().max(1) as f64;
        let raw = assessment
            .ratings
            .values()
            .map(|r| f64::from(r.value()))
            .sum::<f64>()
            / n;
        let mut event = Self::new(
            user_id,
            org_id,
            Verb::Completed,
            iris.self_assessment(framework),
            ActivityKind::SelfAssessment,
            now,
        );
        event.result = Some(json!({
            "completion": true,
            "score": { "raw": (raw * 100.0).round() / 100.0, "min": 1, "max": 4,
                       "scaled": ((raw - 1.0) / 3.0 * 1000.0).round() / 1000.0 },
            "extensions": { iris.ratings_extension(): assessment.ratings },
        }));
        event
    }

    pub fn lesson(
        iris: &Iris,
        verb: Verb,
        user_id: Uuid,
        org_id: Uuid,
        slug: &str,
        now: OffsetDateTime,
    ) -> Self {
        let mut event = Self::new(
            user_id,
            org_id,
            verb,
            iris.lesson(slug),
            ActivityKind::Lesson,
            now,
        );
        if verb == Verb::Completed {
            event.result = Some(json!({ "completion": true }));
        }
        event
    }

    /// The ratings a self-assessment event carries, whatever base URL it was written under.
    pub fn ratings(&self) -> Option<BTreeMap<String, Rating>> {
        ratings_in(self.result.as_ref()?)
    }

    /// The slug of the lesson this event is about.
    pub fn lesson_slug(&self) -> Option<&str> {
        if self.object_kind != ActivityKind::Lesson {
            return None;
        }
        self.object_id
            .rsplit_once("/activities/lessons/")
            .map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::builtin_framework;

    #[test]
    fn self_assessment_round_trips_through_result() {
        let f = builtin_framework().unwrap();
        let ratings: BTreeMap<_, _> = f
            .competences()
            .map(|(_, c)| (c.code.clone(), Rating::new(2).unwrap()))
            .collect();
        let a = SelfAssessment::new(&f, ratings.clone()).unwrap();
        let iris = Iris::new("http://127.0.0.1:8080/");
        let e = LearningEvent::self_assessed(
            &iris,
            Uuid::nil(),
            Uuid::nil(),
            f.id,
            &a,
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(e.ratings(), Some(ratings));
        assert_eq!(e.result.as_ref().unwrap()["score"]["raw"], 2.0);
        let l = LearningEvent::lesson(
            &iris,
            Verb::Completed,
            Uuid::nil(),
            Uuid::nil(),
            "stop-fraud",
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(l.lesson_slug(), Some("stop-fraud"));
        assert_eq!(
            l.object_id,
            "http://127.0.0.1:8080/activities/lessons/stop-fraud"
        );
    }
}
