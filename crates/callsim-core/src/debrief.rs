//! What the trainee learns after a call: the ending, respect and sincerity on
//! 0-100, the four sub-skills, and every turn with its points, its coaching
//! note, and the best reply that was available there.

use serde::{Deserialize, Serialize};

use crate::analysis::{Graph, Objective, Scale};
use crate::call::{Call, EndingView, Turn};
use crate::engine::{Choice, RuleApplied};
use crate::locale::sentences::{Msg, tr};
use crate::points::{Pillar, Points, Skill, percent};
use crate::scenario::Action;

/// A pillar's or sub-skill's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: i32,
    /// The best and worst totals any path from this call's start reaches.
    pub best: i32,
    pub worst: i32,
    /// Where `total` sits between them, 0-100.
    pub percent: u8,
}

impl Score {
    fn new(total: i32, range: crate::analysis::Range) -> Score {
        Score {
            total,
            best: range.best,
            worst: range.worst,
            percent: percent(total, range.worst, range.best),
        }
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
                let value = |choice: Choice| {
                    edges
                        .iter()
                        .find(|e| e.choice == choice)
                        .map(|e| graph.edge_value(e, Objective::TOTAL, &values))
                };
                let (Some(chosen), Some(best)) = (
                    value(turn.choice),
                    graph.best_edge(state, Objective::TOTAL, &values),
                ) else {
                    return review;
                };
                if graph.edge_value(best, Objective::TOTAL, &values) > chosen {
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
            respect: Score::new(total.respect(), scale.pillar(Pillar::Respect)),
            sincerity: Score::new(total.sincerity(), scale.pillar(Pillar::Sincerity)),
            skills: Skill::ALL
                .iter()
                .map(|&skill| SkillScore {
                    skill,
                    score: Score::new(total.get(skill), scale.skill(skill)),
                })
                .collect(),
            ending,
            turns,
            seconds: call.clock(),
            choices: call.record().choices,
        })
    }

    pub fn pillar(&self, p: Pillar) -> Score {
        match p {
            Pillar::Respect => self.respect,
            Pillar::Sincerity => self.sincerity,
        }
    }

    pub fn skill(&self, s: Skill) -> Score {
        self.skills
            .iter()
            .find(|x| x.skill == s)
            .map_or(Score::new(0, crate::analysis::Range { best: 0, worst: 0 }), |x| {
                x.score
            })
    }
}
