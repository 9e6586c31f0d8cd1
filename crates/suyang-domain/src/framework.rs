//! The competence framework: areas, competences and their three proficiency levels.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::text::LocalizedText;

/// The 2024 national survey's grading: 初级 / 中级 / 高级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Basic,
    Intermediate,
    Advanced,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Basic, Level::Intermediate, Level::Advanced];

    pub fn key(self) -> &'static str {
        match self {
            Level::Basic => "basic",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    pub fn from_key(key: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.key() == key)
    }

    /// 1, 2 or 3: the position on the scale.
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_rank(rank: u8) -> Option<Level> {
        Level::ALL.get(usize::from(rank).checked_sub(1)?).copied()
    }

    pub fn next(self) -> Option<Level> {
        Level::from_rank(self.rank() + 1)
    }
}

/// A framework as published: stable identifiers for everything, so it can travel as CASE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    pub id: Uuid,
    /// The publisher's version label, e.g. "1.0".
    pub version: String,
    /// Primary language of the framework (BCP 47).
    pub language: String,
    pub title: LocalizedText,
    pub description: LocalizedText,
    pub publisher: String,
    /// Licence URL, e.g. CC BY 4.0.
    pub licence: Option<String>,
    pub areas: Vec<Area>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: Uuid,
    pub code: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub competences: Vec<Competence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competence {
    pub id: Uuid,
    pub code: String,
    pub name: LocalizedText,
    /// First-person statement a learner rates themselves against ("I can …").
    pub statement: LocalizedText,
    /// Abilities of the national outline this competence builds (获取、制作、使用 …).
    pub abilities: Vec<String>,
    /// DigComp 2.2 competence numbers it corresponds to ("1.1" …).
    pub digcomp: Vec<String>,
    /// Descriptors per level, in level order; a framework may define fewer than three.
    pub levels: Vec<LevelDescriptor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelDescriptor {
    pub id: Uuid,
    pub level: Level,
    pub text: LocalizedText,
}

/// Any node of the framework tree, for lookups by identifier.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Area(&'a Area),
    Competence(&'a Area, &'a Competence),
    Level(&'a Competence, &'a LevelDescriptor),
}

/// Why a framework is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameworkError {
    #[error("the framework has no title")]
    NoTitle,
    #[error("the framework has no competence areas")]
    NoAreas,
    #[error("area {0} has no competences")]
    EmptyArea(String),
    #[error("identifier {0} is used twice")]
    DuplicateId(Uuid),
    #[error("code {0} is used twice")]
    DuplicateCode(String),
    #[error("{0} has no name")]
    Unnamed(String),
    #[error("competence {0} describes level {1} twice")]
    DuplicateLevel(String, &'static str),
    #[error("DigComp 2.2 has no competence {1} (mapped from {0})")]
    UnknownDigComp(String, String),
    #[error("the framework is too large: {0} items (at most {max})", max = MAX_ITEMS)]
    TooLarge(usize),
}

/// The most items (areas + competences + level descriptors) a framework may hold.
pub const MAX_ITEMS: usize = 20_000;

/// The 21 competence numbers of DigComp 2.2.
pub const DIGCOMP_2_2: [&str; 21] = [
    "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3", "3.4",
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4",
];

impl Framework {
    pub fn competences(&self) -> impl Iterator<Item = (&Area, &Competence)> {
        self.areas
            .iter()
            .flat_map(|a| a.competences.iter().map(move |c| (a, c)))
    }

    pub fn competence_count(&self) -> usize {
        self.areas.iter().map(|a| a.competences.len()).sum()
    }

    pub fn competence_by_code(&self, code: &str) -> Option<(&Area, &Competence)> {
        self.competences().find(|(_, c)| c.code == code)
    }

    pub fn competence_by_id(&self, id: Uuid) -> Option<(&Area, &Competence)> {
        self.competences().find(|(_, c)| c.id == id)
    }

    pub fn node(&self, id: Uuid) -> Option<Node<'_>> {
        for area in &self.areas {
            if area.id == id {
                return Some(Node::Area(area));
            }
            for c in &area.competences {
                if c.id == id {
                    return Some(Node::Competence(area, c));
                }
                if let Some(l) = c.levels.iter().find(|l| l.id == id) {
                    return Some(Node::Level(c, l));
                }
            }
        }
        None
    }

    /// Checks the rules every stored framework keeps.
    pub fn validate(&self) -> Result<(), FrameworkError> {
        if self.title.is_empty() {
            return Err(FrameworkError::NoTitle);
        }
        if self.areas.is_empty() {
            return Err(FrameworkError::NoAreas);
        }
        let items: usize = self
            .areas
            .iter()
            .map(|a| {
                1 + a
                    .competences
                    .iter()
                    .map(|c| 1 + c.levels.len())
                    .sum::<usize>()
            })
            .sum();
        if items > MAX_ITEMS {
            return Err(FrameworkError::TooLarge(items));
        }
        let mut ids = std::collections::HashSet::new();
        let mut codes = std::collections::HashSet::new();
        let mut unique = |id: Uuid| {
            if ids.insert(id) {
                Ok(())
            } else {
                Err(FrameworkError::DuplicateId(id))
            }
        };
        unique(self.id)?;
        for area in &self.areas {
            unique(area.id)?;
            if !codes.insert(area.code.clone()) {
                return Err(FrameworkError::DuplicateCode(area.code.clone()));
            }
            if area.name.is_empty() {
                return Err(FrameworkError::Unnamed(area.code.clone()));
            }
            if area.competences.is_empty() {
                return Err(FrameworkError::EmptyArea(area.code.clone()));
            }
            for c in &area.competences {
                unique(c.id)?;
                if !codes.insert(c.code.clone()) {
                    return Err(FrameworkError::DuplicateCode(c.code.clone()));
                }
                if c.name.is_empty() {
                    return Err(FrameworkError::Unnamed(c.code.clone()));
                }
                for d in &c.digcomp {
                    if !DIGCOMP_2_2.contains(&d.as_str()) {
                        return Err(FrameworkError::UnknownDigComp(c.code.clone(), d.clone()));
                    }
                }
                let mut seen = [false; 3];
                for l in &c.levels {
                    unique(l.id)?;
                    let slot = &mut seen[usize::from(l.level.rank() - 1)];
                    if *slot {
                        return Err(FrameworkError::DuplicateLevel(
                            c.code.clone(),
                            l.level.key(),
                        ));
                    }
                    *slot = true;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_ranks_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::from_rank(l.rank()), Some(l));
            assert_eq!(Level::from_key(l.key()), Some(l));
        }
        assert_eq!(Level::from_rank(0), None);
        assert_eq!(Level::from_rank(4), None);
        assert_eq!(Level::Advanced.next(), None);
        assert_eq!(Level::Basic.next(), Some(Level::Intermediate));
    }
}
