//! What the trainee learns after a call: the ending, respect and sincerity on
//! 0-100, the four sub-skills, and every turn with its points, its coaching
//! note, and the best reply that was available there.

use serde::{Deserialize, Serialize};

use crate::analysis::{Graph, Objective, Scale};
use crate::call::{Call, EndingView, Turn};
use crate::engine::RuleApplied;
use crate::locale::sentences::{Msg, tr};
use crate::points::{Pillar, Points, Skill, percent};
use crate::scenario::Action;

/// A pillar's or sub-skill's score.
///
/// The 0-100 scale: 100 is the best total the scenario allows from this
/// call's start, 0 is nothing earned (a total at or below zero). A call
/// closed by over-accommodation is held at or below its `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: i32,
    /// The best and worst totals any path from this call's start reaches
    /// (the best without giving in to an unjustified demand).
    pub best: i32,
    pub worst: i32,
    /// `total` on 0-100 ([`percent`]), at most `cap`; 0 when not assessed.
    pub percent: u8,
    /// The ceiling over-accommodation put on this figure, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u8>,
}

impl Score {
    pub fn new(total: i32, range: crate::analysis::Range, cap: Option<u8>) -> Score {
        let earned = percent(total, range.best).unwrap_or(0);
        Score {
            total,
            best: range.best,
            worst: range.worst,
            percent: cap.map_or(earned, |cap| earned.min(cap)),
            cap,
        }
    }

    /// Whether the scenario scores this at all: a skill no reply ever
    /// earns is "not assessed here", not 100/100.
    pub fn assessed(&self) -> bool {
        self.best > 0
    }

    /// The points between this total and the best play: what the trainee
    /// left on the table, whether by losing points or by not earning them.
    pub fn lost(&self) -> i32 {
        self.best.saturating_sub(self.total).max(0)
    }

    /// The percentage this score must show: [`Score::new`]'s rule, for a
    /// debrief read back from elsewhere.
    pub fn expected_percent(&self) -> u8 {
        Score::new(
            self.total,
            crate::analysis::Range {
                best: self.best,
                worst: self.worst,
            },
            self.cap,
        )
        .percent
    }
}

/// A reply as the debrief shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyReview {
    pub id: String,
    pub text: String,
    pub action: Action,
    pub points: Points,
    pub note: String,
}

/// One turn of the call, reviewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnReview {
    #[serde(flatten)]
    pub turn: Turn,
    /// Whether the reply chosen was (one of) the best available.
    pub was_best: bool,
    /// The reply that would have led to the best total from here, when the
    /// trainee's did not.
    pub best: Option<ReplyReview>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillScore {
    pub skill: Skill,
    #[serde(flatten)]
    pub score: Score,
}

/// The debrief of a finished call. It travels as JSON (to the class hub,
/// back to a vote screen) and reads back as the same type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Debrief {
    pub scenario: String,
    pub title: String,
    pub seed: u64,
    pub language: String,
    pub ending: EndingView,
    /// The trainee gave in to an unjustified demand somewhere: whatever the
    /// ending, not a win.
    pub over_accommodated: bool,
    /// The ending's title, or a name for what really happened.
    pub headline: String,
    pub respect: Score,
    pub sincerity: Score,
    pub skills: Vec<SkillScore>,
    pub turns: Vec<TurnReview>,
    /// Call time in seconds.
    pub seconds: u32,
    /// Reply ids in order, to replay the call.
    pub choices: Vec<String>,
}

impl Debrief {
    /// The debrief of `call`, if it is over.
    pub fn of(call: &Call) -> Option<Debrief> {
        let ending = call.ending()?;
        call.ending_ref()?;
        let model = call.model();
        let s = &model.scenario;
        let lang = call.language();
        let graph = Graph::explore(model, call.start_state().clone());
        let scale = Scale::of(&graph);
        let values = graph.values(Objective::TOTAL, true);

        let mut total = Points::default();
        let turns: Vec<TurnReview> = call
            .turns()
            .iter()
            .map(|turn| {
                total += turn.points;
                let mut review = TurnReview {
                    turn: turn.clone(),
                    was_best: true,
                    best: None,
                };
                let Some(state) = graph.state_of(&turn.state) else {
                    return review;
                };
                let edges = &graph.edges[state];
                let (Some(chosen), Some(best)) = (
                    edges.iter().find(|e| e.choice == turn.choice),
                    graph.best_edge(state, Objective::TOTAL, &values),
                ) else {
                    return review;
                };
                let value = |e| graph.edge_value(e, Objective::TOTAL, &values);
                // Giving in is never the best reply, whatever it earned.
                let gave_in = chosen.over_accommodation && !best.over_accommodation;
                if gave_in || value(best) > value(chosen) {
                    review.was_best = false;
                    review.best = model.reply(turn.state.node, best.choice).map(|r| ReplyReview {
                        id: r.id.clone(),
                        text: s.text(&r.text, lang).to_owned(),
                        action: r.action,
                        points: best.points,
                        note: s.text(&r.note, lang).to_owned(),
                    });
                }
                review
            })
            .collect();

        let over_accommodated = call
            .turns()
            .iter()
            .any(|t| t.rules.contains(&RuleApplied::OverAccommodation));
        // Both pillars are held down: closing a call by buying the caller
        // off is a failure, whatever the points along the way.
        let cap = over_accommodated.then_some(s.rules.over_accommodation.cap);
        let headline = if over_accommodated && ending.kind.is_good() {
            format!("{}: {}", tr(lang, Msg::OverAccommodatedHeadline), ending.title)
        } else {
            ending.title.clone()
        };
        Some(Debrief {
            scenario: s.id.clone(),
            title: s.text(&s.title, lang).to_owned(),
            seed: call.seed(),
            language: lang.to_owned(),
            over_accommodated,
            headline,
            respect: Score::new(total.respect(), scale.pillar(Pillar::Respect), cap),
            sincerity: Score::new(total.sincerity(), scale.pillar(Pillar::Sincerity), cap),
            skills: Skill::ALL
                .iter()
                .map(|&skill| SkillScore {
                    skill,
                    score: Score::new(total.get(skill), scale.skill(skill), None),
                })
                .collect(),
            ending,
            turns,
            seconds: call.clock(),
            choices: call.record().choices,
        })
    }

    /// Why respect and sincerity are held down, in the trainee's words,
    /// when the call gave in to an unjustified demand.
    pub fn cap_note(&self) -> Option<String> {
        let cap = self.respect.cap.or(self.sincerity.cap)?;
        Some(crate::locale::sentences::fill(
            tr(&self.language, Msg::OverAccommodationCap),
            &[("cap", &cap)],
        ))
    }

    pub fn pillar(&self, p: Pillar) -> Score {
        match p {
            Pillar::Respect => self.respect,
            Pillar::Sincerity => self.sincerity,
        }
    }

    pub fn skill(&self, s: Skill) -> Score {
        self.skills.iter().find(|x| x.skill == s).map_or(
            Score::new(0, crate::analysis::Range { best: 0, worst: 0 }, None),
            |x| x.score,
        )
    }
}
