//! The scoring model from seed 001: respect = understanding + acknowledgement,
//! sincerity = emotion + assistance.

use std::fmt;
use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

/// Signed points for the four sub-skills, as a reply earns them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Points {
    /// Listening, restating the real need, asking the right question.
    #[serde(default)]
    pub understanding: i32,
    /// Validating feelings; not blaming, not hiding behind company rules.
    #[serde(default)]
    pub acknowledgement: i32,
    /// Warmth that sounds meant; an apology that is not routine.
    #[serde(default)]
    pub emotion: i32,
    /// Acting: checking, analysing, a concrete next step, following up.
    #[serde(default)]
    pub assistance: i32,
}

/// One of the four sub-skills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    Understanding,
    Acknowledgement,
    Emotion,
    Assistance,
}

impl Skill {
    pub const ALL: [Skill; 4] = [
        Skill::Understanding,
        Skill::Acknowledgement,
        Skill::Emotion,
        Skill::Assistance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Skill::Understanding => "understanding",
            Skill::Acknowledgement => "acknowledgement",
            Skill::Emotion => "emotion",
            Skill::Assistance => "assistance",
        }
    }

    pub fn pillar(self) -> Pillar {
        match self {
            Skill::Understanding | Skill::Acknowledgement => Pillar::Respect,
            Skill::Emotion | Skill::Assistance => Pillar::Sincerity,
        }
    }
}

/// One of the two pillars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    Respect,
    Sincerity,
}

impl Pillar {
    pub const ALL: [Pillar; 2] = [Pillar::Respect, Pillar::Sincerity];

    pub fn name(self) -> &'static str {
        match self {
            Pillar::Respect => "respect",
            Pillar::Sincerity => "sincerity",
        }
    }
}

impl Points {
    pub const fn new(understanding: i32, acknowledgement: i32, emotion: i32, assistance: i32) -> Self {
        Points {
            understanding,
            acknowledgement,
            emotion,
            assistance,
        }
    }

    pub fn get(self, skill: Skill) -> i32 {
        match skill {
            Skill::Understanding => self.understanding,
            Skill::Acknowledgement => self.acknowledgement,
            Skill::Emotion => self.emotion,
            Skill::Assistance => self.assistance,
        }
    }

    pub fn pillar(self, pillar: Pillar) -> i32 {
        match pillar {
            Pillar::Respect => self.respect(),
            Pillar::Sincerity => self.sincerity(),
        }
    }

    // Sums saturate: a file's points are bounded (validate::MAX_CHANGE),
    // but traits multiply them and a path adds many up.
    pub fn respect(self) -> i32 {
        self.understanding.saturating_add(self.acknowledgement)
    }

    pub fn sincerity(self) -> i32 {
        self.emotion.saturating_add(self.assistance)
    }

    pub fn total(self) -> i32 {
        self.respect().saturating_add(self.sincerity())
    }

    pub fn is_zero(self) -> bool {
        self == Points::default()
    }

    /// Applies `f` to each sub-skill.
    pub fn map(self, mut f: impl FnMut(i32) -> i32) -> Points {
        Points::new(
            f(self.understanding),
            f(self.acknowledgement),
            f(self.emotion),
            f(self.assistance),
        )
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points::new(
            self.understanding.saturating_add(o.understanding),
            self.acknowledgement.saturating_add(o.acknowledgement),
            self.emotion.saturating_add(o.emotion),
            self.assistance.saturating_add(o.assistance),
        )
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        *self = *self + o;
    }
}

impl fmt::Display for Points {
    /// `U+2 A+1 E0 S+3`: understanding, acknowledgement, emotion, assistance.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "U{:+} A{:+} E{:+} S{:+}",
            self.understanding, self.acknowledgement, self.emotion, self.assistance
        )
    }
}

/// A total on the 0-100 scale: 100 is `best`, the best total the scenario
/// allows from the call's start, and 0 is nothing earned (a total at or
/// below zero). A call that lost points on its way to a good total keeps
/// only what it earned; a call that earned nothing, however short, shows 0.
/// `None` when the scenario never scores this (`best` at or below zero):
/// "not assessed here", not 100.
pub fn percent(total: i32, best: i32) -> Option<u8> {
    if best <= 0 {
        return None;
    }
    // In f64: the ratio of two i32 values.
    let share = f64::from(total.max(0)) / f64::from(best);
    // Clamped, so the cast cannot truncate.
    Some((share * 100.0).round().clamp(0.0, 100.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pillars_are_sums_of_their_sub_skills() {
        let p = Points::new(2, 1, -1, 3);
        assert_eq!(p.respect(), 3);
        assert_eq!(p.sincerity(), 2);
        assert_eq!(p.to_string(), "U+2 A+1 E-1 S+3");
    }

    #[test]
    fn percent_runs_from_nothing_earned_to_the_best_play() {
        assert_eq!(percent(10, 10), Some(100));
        assert_eq!(percent(5, 10), Some(50));
        // Nothing earned is 0, however much was lost.
        assert_eq!(percent(0, 10), Some(0));
        assert_eq!(percent(-7, 10), Some(0));
        assert_eq!(percent(1, 3), Some(33));
        // Never scored: not assessed, not a perfect score.
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(-2, -1), None);
    }
}
