//! Self-assessment (one rating per competence on DigCompSAT's 4-point scale), the competence
//! profile it yields, and the explainable recommendation of a first lesson.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::framework::{Framework, Level};
use crate::lesson::Lesson;

/// 1 "I can't do this yet" · 2 "with help" · 3 "on my own" · 4 "with ease, and I can help others".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 4;

    pub fn new(value: u8) -> Result<Rating, AssessmentError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Rating(value))
        } else {
            Err(AssessmentError::RatingOutOfRange(value.into()))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// The level a rating shows: 1 → none yet, 2 → 初级, 3 → 中级, 4 → 高级.
    pub fn level(self) -> Option<Level> {
        Level::from_rank(self.0 - 1)
    }
}

impl TryFrom<u8> for Rating {
    type Error = AssessmentError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Rating::new(value)
    }
}

impl From<Rating> for u8 {
    fn from(value: Rating) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("a rating is a whole number from 1 to 4, not {0}")]
    RatingOutOfRange(i64),
    #[error("competence {0} has no rating")]
    Missing(String),
    #[error("the framework has no competence {0}")]
    UnknownCompetence(String),
}

/// A complete set of self-ratings, keyed by competence code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfAssessment {
    pub ratings: BTreeMap<String, Rating>,
}

impl SelfAssessment {
    /// Accepts ratings only if they cover exactly the framework's competences.
    pub fn new(
        framework: &Framework,
        ratings: BTreeMap<String, Rating>,
    ) -> Result<Self, AssessmentError> {
        if let Some(code) = ratings
            .keys()
            .find(|c| framework.competence_by_code(c).is_none())
        {
            return Err(AssessmentError::UnknownCompetence(code.clone()));
        }
        if let Some((_, c)) = framework
            .competences()
            .find(|(_, c)| !ratings.contains_key(&c.code))
        {
            return Err(AssessmentError::Missing(c.code.clone()));
        }
        Ok(SelfAssessment { ratings })
    }
}

/// Where a person stands, competence by competence and area by area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub areas: Vec<AreaResult>,
    /// Mean rating over all competences, 1.0-4.0.
    pub score: f32,
    pub level: Option<Level>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaResult {
    pub code: String,
    /// Mean rating of its competences, 1.0-4.0.
    pub score: f32,
    pub level: Option<Level>,
    pub competences: Vec<CompetenceResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetenceResult {
    pub code: String,
    pub rating: Rating,
    pub level: Option<Level>,
}

/// The level a mean score reaches; rounding down so that a level is claimed only when earned.
pub fn level_of_score(score: f32) -> Option<Level> {
    let rating = (score + 1e-4).floor().clamp(1.0, 4.0) as u8;
    Level::from_rank(rating - 1)
}

fn mean(values: impl Iterator<Item = u8>) -> f32 {
    let (sum, n) = values.fold((0u32, 0u32), |(s, n), v| (s + u32::from(v), n + 1));
    if n == 0 { 0.0 } else { sum as f32 / n as f32 }
}

impl Profile {
    pub fn from_assessment(framework: &Framework, assessment: &SelfAssessment) -> Profile {
        let areas: Vec<AreaResult> = framework
            .areas
            .iter()
            .map(|area| {
                let competences: Vec<CompetenceResult> = area
                    .competences
                    .iter()
                    .filter_map(|c| {
                        let rating = *assessment.ratings.get(&c.code)?;
                        Some(CompetenceResult {
                            code: c.code.clone(),
                            rating,
                            level: rating.level(),
                        })
                    })
                    .collect();
                let score = mean(competences.iter().map(|c| c.rating.value()));
                AreaResult {
                    code: area.code.clone(),
                    score,
                    level: level_of_score(score),
                    competences,
                }
            })
            .collect();
        let score = mean(assessment.ratings.values().map(|r| r.value()));
        Profile {
            areas,
            score,
            level: level_of_score(score),
        }
    }

    pub fn competences(&self) -> impl Iterator<Item = &CompetenceResult> {
        self.areas.iter().flat_map(|a| a.competences.iter())
    }
}

/// A suggested lesson and why it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation<'a> {
    pub competence: String,
    pub rating: Rating,
    /// The level the learner should work towards next.
    pub target: Level,
    pub lesson: &'a Lesson,
}

/// Picks a lesson for the weakest competence (lowest rating; ties go to the earlier competence in
/// the framework, since foundations come first) that the learner has not completed, aimed at the
/// next level up, or the nearest level below it when no lesson exists at that level.
pub fn recommend<'a>(
    profile: &Profile,
    lessons: &'a [Lesson],
    completed: &HashSet<String>,
) -> Option<Recommendation<'a>> {
    let mut ordered: Vec<&CompetenceResult> = profile.competences().collect();
    ordered.sort_by_key(|c| c.rating); // stable: framework order within equal ratings
    for c in ordered {
        let target = c.level.map_or(Some(Level::Basic), Level::next);
        let Some(target) = target else { continue };
        let candidates = lessons.iter().filter(|l| {
            l.competence == c.code && !completed.contains(&l.slug) && l.level <= target
        });
        if let Some(lesson) = candidates.max_by_key(|l| l.level) {
            return Some(Recommendation {
                competence: c.code.clone(),
                rating: c.rating,
                target,
                lesson,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{builtin_framework, builtin_lessons};

    fn ratings(f: &Framework, value: u8) -> BTreeMap<String, Rating> {
        f.competences()
            .map(|(_, c)| (c.code.clone(), Rating::new(value).unwrap()))
            .collect()
    }

    #[test]
    fn complete_ratings_are_required() {
        let f = builtin_framework().unwrap();
        let mut r = ratings(&f, 3);
        assert!(SelfAssessment::new(&f, r.clone()).is_ok());
        r.remove("6.3");
        assert_eq!(
            SelfAssessment::new(&f, r.clone()),
            Err(AssessmentError::Missing("6.3".into()))
        );
        r.insert("6.3".into(), Rating::new(1).unwrap());
        r.insert("9.9".into(), Rating::new(1).unwrap());
        assert_eq!(
            SelfAssessment::new(&f, r),
            Err(AssessmentError::UnknownCompetence("9.9".into()))
        );
        assert!(Rating::new(0).is_err() && Rating::new(5).is_err());
    }

    #[test]
    fn profile_and_recommendation() {
        let f = builtin_framework().unwrap();
        let lessons = builtin_lessons().unwrap();
        let mut r = ratings(&f, 3);
        r.insert("6.3".into(), Rating::new(1).unwrap());
        r.insert("2.2".into(), Rating::new(2).unwrap());
        let a = SelfAssessment::new(&f, r).unwrap();
        let p = Profile::from_assessment(&f, &a);
        let safety = p.areas.iter().find(|x| x.code == "6").unwrap();
        assert!((safety.score - 7.0 / 3.0).abs() < 1e-4);
        assert_eq!(safety.level, Some(Level::Basic));
        assert_eq!(p.areas[0].level, Some(Level::Intermediate));

        let rec = recommend(&p, &lessons, &HashSet::new()).unwrap();
        assert_eq!(rec.competence, "6.3");
        assert_eq!(rec.target, Level::Basic);
        // The weakest competence's other lessons come next; once all of them at the target
        // level are done, the next weakest competence comes up.
        let mut done: HashSet<String> = [rec.lesson.slug.clone()].into();
        let next = recommend(&p, &lessons, &done).unwrap();
        assert_ne!(next.lesson.slug, rec.lesson.slug);
        for l in lessons.iter().filter(|l| l.competence == "6.3") {
            done.insert(l.slug.clone());
        }
        let next = recommend(&p, &lessons, &done).unwrap();
        assert_eq!(next.competence, "2.2");
    }

    #[test]
    fn nothing_left_to_recommend_at_the_top() {
        let f = builtin_framework().unwrap();
        let a = SelfAssessment::new(&f, ratings(&f, 4)).unwrap();
        let p = Profile::from_assessment(&f, &a);
        assert_eq!(p.level, Some(Level::Advanced));
        assert!(recommend(&p, &builtin_lessons().unwrap(), &HashSet::new()).is_none());
    }

    proptest::proptest! {
        #[test]
        fn score_levels_are_monotonic(a in 1.0f32..4.0, b in 1.0f32..4.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            proptest::prop_assert!(level_of_score(lo) <= level_of_score(hi));
        }
    }
}
