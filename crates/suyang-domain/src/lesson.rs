//! Lessons: short open learning resources aligned to a competence and level.

use serde::{Deserialize, Serialize};

use crate::framework::Level;
use crate::text::LocalizedText;

/// A lesson as authored. Its body is Markdown per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub slug: String,
    /// Code of the framework competence it teaches.
    pub competence: String,
    pub level: Level,
    /// Typical learning time in minutes.
    pub minutes: u16,
    /// SPDX licence identifier.
    pub licence: String,
    #[serde(default)]
    pub audiences: Vec<String>,
    pub title: LocalizedText,
    /// Plain-language summary, shown first in elder mode.
    pub summary: LocalizedText,
    pub body: LocalizedText,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonError {
    #[error("not a valid lesson file: {0}")]
    Parse(String),
    #[error("slug {0:?} must be 1-80 lowercase letters, digits and hyphens")]
    Slug(String),
    #[error("the lesson needs a title, a summary and a body")]
    Incomplete,
    #[error("typical learning time must be 1-600 minutes")]
    Minutes,
}

/// A URL-safe lesson identifier.
pub fn valid_slug(slug: &str) -> bool {
    (1..=80).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

impl Lesson {
    pub fn from_toml(text: &str) -> Result<Lesson, LessonError> {
        let lesson: Lesson = toml::from_str(text).map_err(|e| LessonError::Parse(e.to_string()))?;
        lesson.validate()?;
        Ok(lesson)
    }

    pub fn validate(&self) -> Result<(), LessonError> {
        if !valid_slug(&self.slug) {
            return Err(LessonError::Slug(self.slug.clone()));
        }
        if self.title.is_empty() || self.summary.is_empty() || self.body.is_empty() {
            return Err(LessonError::Incomplete);
        }
        if !(1..=600).contains(&self.minutes) {
            return Err(LessonError::Minutes);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(valid_slug("stop-telecom-fraud"));
        assert!(!valid_slug("Stop"));
        assert!(!valid_slug("-a"));
        assert!(!valid_slug(""));
        assert!(!valid_slug("a/b"));
    }
}
