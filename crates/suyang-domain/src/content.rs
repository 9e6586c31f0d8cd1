//! Built-in content compiled into the binary: the national framework, the starter lessons and
//! the administrative divisions. Parsed from `content/` at the workspace root.

use std::collections::BTreeMap;

use rust_embed::RustEmbed;
use serde::Deserialize;
use uuid::Uuid;

use crate::framework::{Area, Competence, Framework, FrameworkError, Level, LevelDescriptor};
use crate::lesson::{Lesson, LessonError};
use crate::text::LocalizedText;

#[derive(RustEmbed)]
#[folder = "../../content/"]
#[include = "framework/*.toml"]
#[include = "framework/*.csv"]
#[include = "lessons/*.toml"]
#[include = "regions/*.csv"]
struct Embedded;

/// Namespace for identifiers Suyang derives (UUIDv5), so the built-in framework keeps the same
/// identifiers on every installation.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_4a2e_9b7d_5e08_a3c4_1d2f_8e6b_7a90);

/// The identifier of a node derived from its path, e.g. `framework/national/1.1`.
pub fn derived_id(path: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, path.as_bytes())
}

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("built-in file {0} is missing")]
    Missing(String),
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("built-in framework: {0}")]
    Framework(#[from] FrameworkError),
    #[error("{0}: {1}")]
    Lesson(String, LessonError),
}

fn text_of(file: &str) -> Result<String, ContentError> {
    let data = Embedded::get(file).ok_or_else(|| ContentError::Missing(file.into()))?;
    String::from_utf8(data.data.into_owned()).map_err(|e| ContentError::Parse {
        file: file.into(),
        message: e.to_string(),
    })
}

#[derive(Deserialize)]
struct FrameworkFile {
    version: String,
    title: LocalizedText,
    description: LocalizedText,
    area: Vec<AreaFile>,
}

#[derive(Deserialize)]
struct AreaFile {
    code: String,
    name: LocalizedText,
    #[serde(default)]
    description: LocalizedText,
    competence: Vec<CompetenceFile>,
}

#[derive(Deserialize)]
struct CompetenceFile {
    code: String,
    name: LocalizedText,
    statement: LocalizedText,
    abilities: Vec<String>,
    digcomp: Vec<String>,
    levels: BTreeMap<String, LocalizedText>,
}

/// The built-in framework "全民数字素养与技能框架".
pub fn builtin_framework() -> Result<Framework, ContentError> {
    let file = "framework/suyang.toml";
    let parsed: FrameworkFile =
        toml::from_str(&text_of(file)?).map_err(|e| ContentError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
    let root = "framework/national";
    let mut areas = Vec::with_capacity(parsed.area.len());
    for a in parsed.area {
        let mut competences = Vec::with_capacity(a.competence.len());
        for c in a.competence {
            let mut levels = Vec::new();
            for (key, text) in c.levels {
                let level = Level::from_key(&key).ok_or_else(|| ContentError::Parse {
                    file: file.into(),
                    message: format!("competence {}: unknown level {key}", c.code),
                })?;
                levels.push(LevelDescriptor {
                    id: derived_id(&format!("{root}/{}/{key}", c.code)),
                    level,
                    text,
                });
            }
            levels.sort_by_key(|l| l.level);
            competences.push(Competence {
                id: derived_id(&format!("{root}/{}", c.code)),
                code: c.code,
                name: c.name,
                statement: c.statement,
                abilities: c.abilities,
                digcomp: c.digcomp,
                levels,
            });
        }
        areas.push(Area {
            id: derived_id(&format!("{root}/area/{}", a.code)),
            code: a.code,
            name: a.name,
            description: a.description,
            competences,
        });
    }
    let framework = Framework {
        id: derived_id(root),
        version: parsed.version,
        language: "zh-CN".into(),
        title: parsed.title,
        description: parsed.description,
        publisher: "Suyang".into(),
        licence: Some("https://creativecommons.org/licenses/by/4.0/".into()),
        areas,
    };
    framework.validate()?;
    Ok(framework)
}

/// The starter lessons, sorted by competence code.
pub fn builtin_lessons() -> Result<Vec<Lesson>, ContentError> {
    let mut files: Vec<_> = Embedded::iter()
        .filter(|f| f.starts_with("lessons/") && f.ends_with(".toml"))
        .collect();
    files.sort();
    let mut lessons = Vec::with_capacity(files.len());
    for f in files {
        let lesson =
            Lesson::from_toml(&text_of(&f)?).map_err(|e| ContentError::Lesson(f.to_string(), e))?;
        lessons.push(lesson);
    }
    Ok(lessons)
}

/// English names of the DigComp 2.2 competences by number ("1.1" → "Browsing, searching …").
pub fn digcomp_names() -> Result<BTreeMap<String, String>, ContentError> {
    let csv = text_of("framework/digcomp-2.2.csv")?;
    Ok(csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.splitn(4, ',');
            let id = parts.next()?.to_string();
            let name = parts.nth(2)?.trim_matches('"').to_string();
            Some((id, name))
        })
        .collect())
}

/// Raw CSV of the administrative divisions: (provinces, cities, counties).
pub fn region_tables() -> Result<(String, String, String), ContentError> {
    Ok((
        text_of("regions/provinces.csv")?,
        text_of("regions/cities.csv")?,
        text_of("regions/areas.csv")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_framework_is_complete() {
        let f = builtin_framework().expect("built-in framework parses and validates");
        assert_eq!(f.areas.len(), 7);
        assert_eq!(f.competence_count(), 21);
        for (_, c) in f.competences() {
            assert_eq!(c.levels.len(), 3, "{} has three levels", c.code);
            assert!(!c.digcomp.is_empty(), "{} maps to DigComp", c.code);
            for tag in ["zh-CN", "en"] {
                assert!(c.name.exact(tag).is_some_and(|s| !s.is_empty()));
                for l in &c.levels {
                    assert!(l.text.exact(tag).is_some_and(|s| !s.is_empty()));
                }
            }
        }
        assert_eq!(builtin_framework().unwrap(), f, "identifiers are stable");
    }

    #[test]
    fn digcomp_names_cover_the_framework() {
        let names = digcomp_names().unwrap();
        assert_eq!(names.len(), 21);
        assert_eq!(names["3.3"], "Copyright and licences");
        assert!(names["1.1"].starts_with("Browsing, searching"));
    }

    #[test]
    fn every_competence_has_a_starter_lesson() {
        let f = builtin_framework().unwrap();
        let lessons = builtin_lessons().expect("lessons parse");
        for (_, c) in f.competences() {
            assert!(
                lessons
                    .iter()
                    .any(|l| l.competence == c.code && l.level == Level::Basic),
                "competence {} has a basic lesson",
                c.code
            );
        }
        let mut slugs: Vec<_> = lessons.iter().map(|l| &l.slug).collect();
        slugs.dedup();
        assert_eq!(slugs.len(), lessons.len());
    }
}
