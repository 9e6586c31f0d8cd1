//! What the API accepts and returns. Separate from domain types so the wire format is explicit
//! and documented in the OpenAPI schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use suyang_domain::framework::Framework;
use suyang_store::{StatisticsRecord, StoredFramework, User};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Text in several languages: BCP 47 tag → text.
pub type LanguageMap = BTreeMap<String, String>;

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub login: String,
    pub display_name: String,
    /// learner, facilitator, org-admin or platform-admin
    pub role: String,
    pub locale: Option<String>,
    /// off, on or large
    pub elder_mode: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id,
            organisation_id: u.org_id,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            role: u.role.key().into(),
            locale: u.locale.clone(),
            elder_mode: u.elder_mode.key().into(),
            created_at: u.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SignUpIn {
    /// A username (3-32 of a-z 0-9 _ .), a mainland mobile number or an e-mail address.
    pub login: String,
    pub display_name: String,
    /// At least 8 characters.
    pub password: String,
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SignInIn {
    pub login: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    /// Bearer token for the `Authorization` header.
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub user: UserOut,
}

#[derive(Deserialize, ToSchema)]
pub struct MePatch {
    pub display_name: Option<String>,
    pub locale: Option<String>,
    /// off, on or large
    pub elder_mode: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordIn {
    pub password: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StatisticsIo {
    /// True when the person has agreed to share these facts for statistics.
    #[serde(default)]
    pub consent: bool,
    /// 6-digit administrative division code (GB/T 2260).
    pub region: Option<String>,
    /// under-18, 18-34, 35-59, 60-69 or 70-plus
    pub age_band: Option<String>,
    /// elder, farmer, worker, woman, civil-servant, student, teacher, disability, new-occupation, other
    pub group: Option<String>,
}

impl From<Option<StatisticsRecord>> for StatisticsIo {
    fn from(r: Option<StatisticsRecord>) -> Self {
        match r {
            Some(r) => StatisticsIo {
                consent: true,
                region: r.region,
                age_band: r.age_band,
                group: r.group,
            },
            None => StatisticsIo {
                consent: false,
                region: None,
                age_band: None,
                group: None,
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkSummary {
    pub id: Uuid,
    pub title: LanguageMap,
    /// The publisher's version label.
    pub version: String,
    /// Stored revision number, increasing with each change.
    pub revision: i64,
    pub builtin: bool,
    pub competences: usize,
}

impl From<&StoredFramework> for FrameworkSummary {
    fn from(s: &StoredFramework) -> Self {
        FrameworkSummary {
            id: s.framework.id,
            title: s.framework.title.0.clone(),
            version: s.framework.version.clone(),
            revision: s.version,
            builtin: s.builtin,
            competences: s.framework.competence_count(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LevelOut {
    pub id: Uuid,
    /// basic (初级), intermediate (中级) or advanced (高级)
    pub level: String,
    pub descriptor: LanguageMap,
}

#[derive(Serialize, ToSchema)]
pub struct CompetenceOut {
    pub id: Uuid,
    pub code: String,
    pub name: LanguageMap,
    pub statement: LanguageMap,
    pub abilities: Vec<String>,
    /// DigComp 2.2 competence numbers.
    pub digcomp: Vec<String>,
    pub levels: Vec<LevelOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaOut {
    pub id: Uuid,
    pub code: String,
    pub name: LanguageMap,
    pub description: LanguageMap,
    pub competences: Vec<CompetenceOut>,
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkOut {
    #[serde(flatten)]
    pub summary: FrameworkSummary,
    pub description: LanguageMap,
    pub language: String,
    pub publisher: String,
    pub licence: Option<String>,
    pub areas: Vec<AreaOut>,
}

impl FrameworkOut {
    pub fn new(s: &StoredFramework) -> Self {
        let f: &Framework = &s.framework;
        FrameworkOut {
            summary: s.into(),
            description: f.description.0.clone(),
            language: f.language.clone(),
            publisher: f.publisher.clone(),
            licence: f.licence.clone(),
            areas: f
                .areas
                .iter()
                .map(|a| AreaOut {
                    id: a.id,
                    code: a.code.clone(),
                    name: a.name.0.clone(),
                    description: a.description.0.clone(),
                    competences: a
                        .competences
                        .iter()
                        .map(|c| CompetenceOut {
                            id: c.id,
                            code: c.code.clone(),
                            name: c.name.0.clone(),
                            statement: c.statement.0.clone(),
                            abilities: c.abilities.clone(),
                            digcomp: c.digcomp.clone(),
                            levels: c
                                .levels
                                .iter()
                                .map(|l| LevelOut {
                                    id: l.id,
                                    level: l.level.key().into(),
                                    descriptor: l.text.0.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: Uuid,
    /// created, new-version or unchanged
    pub outcome: String,
    pub revision: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ScaleStep {
    pub value: u8,
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionOut {
    /// Competence code; the key to use in `ratings`.
    pub code: String,
    pub area: String,
    pub competence: String,
    pub statement: String,
}

#[derive(Serialize, ToSchema)]
pub struct SelfAssessmentOut {
    pub framework_id: Uuid,
    pub scale: Vec<ScaleStep>,
    pub questions: Vec<QuestionOut>,
}

#[derive(Deserialize, ToSchema)]
pub struct SelfAssessmentIn {
    /// Competence code → rating 1-4, one for every competence.
    pub ratings: BTreeMap<String, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CompetenceResultOut {
    pub code: String,
    pub name: String,
    pub rating: u8,
    /// none, basic, intermediate or advanced
    pub level: String,
}

#[derive(Serialize, ToSchema)]
pub struct AreaResultOut {
    pub code: String,
    pub name: String,
    /// Mean rating, 1.0-4.0.
    pub score: f32,
    pub level: String,
    pub competences: Vec<CompetenceResultOut>,
}

#[derive(Serialize, ToSchema)]
pub struct LessonRef {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub minutes: u16,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecommendationOut {
    pub competence: String,
    /// The level to work towards next.
    pub target_level: String,
    /// Why this lesson was chosen, in words.
    pub reason: String,
    pub lesson: LessonRef,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileOut {
    pub framework_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub assessed_at: OffsetDateTime,
    pub score: f32,
    pub level: String,
    pub areas: Vec<AreaResultOut>,
    pub recommendation: Option<RecommendationOut>,
}

#[derive(Serialize, ToSchema)]
pub struct LessonOut {
    pub slug: String,
    pub competence: String,
    pub level: String,
    pub minutes: u16,
    /// SPDX identifier, e.g. CC-BY-4.0.
    pub licence: String,
    pub audiences: Vec<String>,
    pub title: LanguageMap,
    pub summary: LanguageMap,
    /// Markdown per language.
    pub body: LanguageMap,
}
