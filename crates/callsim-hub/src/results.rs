//! A class's results, worked out from the stored attempts: who joined, who
//! finished what with which scores, the class's averages per sub-skill, and
//! for each scenario the turn the class found hardest. Only attempts the hub
//! checked by replay count; unchecked ones (practice mode, a scenario the
//! hub does not have) are listed apart and left out of every average.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use callsim_core::call::NOT_UNDERSTOOD_ID;
use callsim_core::points::Skill;
use callsim_core::wire::{ClassInfo, Mode};

use super::store::{AttemptRow, ClassRow, ReplyTally, TraineeRow, TypedTurnRow};
use super::verify::HubScenarios;

#[derive(Debug, Clone, Serialize)]
pub struct ClassResults {
    pub class: ClassInfo,
    /// The overall percentage that passes, in the xAPI export.
    pub mastery_score: u8,
    /// Scenarios as columns: the assigned ones first, then any other played.
    pub scenarios: Vec<ScenarioResults>,
    pub trainees: Vec<TraineeResults>,
    /// Over every counted attempt of every scenario.
    pub average: Option<Averages>,
    /// Every attempt the hub holds, checked or not.
    pub attempts: usize,
    /// Attempts the hub could not check by replay, oldest first: their
    /// figures are the game's claim, so they count in no cell or average.
    pub unchecked: Vec<UncheckedAttempt>,
}

/// An attempt kept without a check, as the game reported it.
#[derive(Debug, Clone, Serialize)]
pub struct UncheckedAttempt {
    pub attempt_id: String,
    pub trainee_id: i64,
    pub trainee: String,
    pub scenario: String,
    pub respect: u8,
    pub sincerity: u8,
    pub ending: String,
    pub ending_kind: String,
    pub finished_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraineeResults {
    pub trainee_id: i64,
    pub name: String,
    pub joined_at: String,
    /// One per column of `ClassResults::scenarios`, `None` where not yet played.
    pub scenarios: Vec<Option<Counted>>,
}

/// The attempt that counts for a trainee on a scenario: their best checked
/// attempt in practice, their first in an exam.
#[derive(Debug, Clone, Serialize)]
pub struct Counted {
    pub attempt_id: String,
    pub attempts: usize,
    pub respect: u8,
    pub sincerity: u8,
    /// Understanding, acknowledgement, emotion, assistance.
    pub skills: [u8; 4],
    pub ending: String,
    pub ending_kind: String,
    pub success: bool,
    pub over_accommodated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Averages {
    pub respect: f64,
    pub sincerity: f64,
    pub understanding: f64,
    pub acknowledgement: f64,
    pub emotion: f64,
    pub assistance: f64,
}

impl Averages {
    fn of<'a>(counted: impl Iterator<Item = &'a Counted>) -> Option<Averages> {
        let all: Vec<&Counted> = counted.collect();
        if all.is_empty() {
            return None;
        }
        let mean = |f: &dyn Fn(&Counted) -> u8| {
            let sum: f64 = all.iter().map(|c| f64::from(f(c))).sum();
            (sum / all.len() as f64 * 10.0).round() / 10.0
        };
        Some(Averages {
            respect: mean(&|c| c.respect),
            sincerity: mean(&|c| c.sincerity),
            understanding: mean(&|c| c.skills[0]),
            acknowledgement: mean(&|c| c.skills[1]),
            emotion: mean(&|c| c.skills[2]),
            assistance: mean(&|c| c.skills[3]),
        })
    }

    /// The sub-skills by name, in the scoring model's order.
    pub fn skills(&self) -> [(Skill, f64); 4] {
        [
            (Skill::Understanding, self.understanding),
            (Skill::Acknowledgement, self.acknowledgement),
            (Skill::Emotion, self.emotion),
            (Skill::Assistance, self.assistance),
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResults {
    pub id: String,
    pub title: String,
    pub assigned: bool,
    pub attempts: usize,
    /// Trainees with at least one finished attempt.
    pub finished_by: usize,
    pub average: Option<Averages>,
    pub hardest: Option<HardestTurn>,
    /// What trainees typed here that the game did not understand, oldest
    /// first: the examples a trainer may add to the replies.
    pub not_understood: Vec<TypedReply>,
    /// Typed replies the trainee flagged "that is not what I meant", with
    /// what the game took them for.
    pub flagged: Vec<TypedReply>,
}

/// A trainee's own words on a turn, as the game reported them.
#[derive(Debug, Clone, Serialize)]
pub struct TypedReply {
    pub trainee: String,
    pub text: String,
    /// What the caller had just said.
    pub caller: String,
    /// The reply the game took the words for; when it did not understand
    /// them, the closest one, if any.
    pub understood_as: Option<String>,
}

/// Where most of the class chose a reply with negative points.
#[derive(Debug, Clone, Serialize)]
pub struct HardestTurn {
    pub node: String,
    /// What the caller says there.
    pub caller: String,
    /// Choices made there with negative points, out of all choices made there.
    pub negative: i64,
    pub reached: i64,
    /// Every reply chosen there, most chosen first.
    pub replies: Vec<ReplyShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyShare {
    pub reply: String,
    pub text: String,
    /// The reply's points over the four sub-skills.
    pub points: i64,
    pub count: i64,
    /// The best reply available there (in most of the attempts that chose it).
    pub best: bool,
}

/// The class's results. `attempts` oldest first.
pub fn class_results(
    class: &ClassRow,
    info: ClassInfo,
    trainees: &[TraineeRow],
    attempts: &[AttemptRow],
    tallies: &[ReplyTally],
    typed: &[TypedTurnRow],
    library: &HubScenarios,
) -> ClassResults {
    let (attempts, unchecked): (Vec<&AttemptRow>, Vec<&AttemptRow>) =
        attempts.iter().partition(|a| a.verified);
    let names: BTreeMap<i64, &str> = trainees.iter().map(|t| (t.id, t.name.as_str())).collect();
    let unchecked: Vec<UncheckedAttempt> = unchecked
        .into_iter()
        .map(|a| UncheckedAttempt {
            attempt_id: a.id.clone(),
            trainee_id: a.trainee_id,
            trainee: names.get(&a.trainee_id).copied().unwrap_or_default().to_owned(),
            scenario: a.scenario.clone(),
            respect: a.respect.percent,
            sincerity: a.sincerity.percent,
            ending: a.ending.clone(),
            ending_kind: a.ending_kind.clone(),
            finished_at: a.finished_at.clone(),
        })
        .collect();
    let mut columns: Vec<String> = class.scenarios.clone();
    let extra: BTreeSet<&String> = attempts
        .iter()
        .map(|a| &a.scenario)
        .filter(|s| !class.scenarios.contains(s))
        .collect();
    columns.extend(extra.into_iter().cloned());

    let mut by_pair: BTreeMap<(i64, &str), Vec<&AttemptRow>> = BTreeMap::new();
    for &a in &attempts {
        by_pair
            .entry((a.trainee_id, a.scenario.as_str()))
            .or_default()
            .push(a);
    }
    let counted = |trainee: i64, scenario: &str| -> Option<Counted> {
        let list = by_pair.get(&(trainee, scenario))?;
        let pick = match class.mode {
            Mode::Exam => list.first().copied(),
            // The first of equally good attempts.
            Mode::Practice => list.iter().copied().reduce(|best, a| {
                let score = |x: &AttemptRow| u16::from(x.respect.percent) + u16::from(x.sincerity.percent);
                if score(a) > score(best) { a } else { best }
            }),
        }?;
        Some(Counted {
            attempt_id: pick.id.clone(),
            attempts: list.len(),
            respect: pick.respect.percent,
            sincerity: pick.sincerity.percent,
            skills: pick.skills,
            ending: pick.ending.clone(),
            ending_kind: pick.ending_kind.clone(),
            success: pick.success,
            over_accommodated: pick.over_accommodated,
        })
    };

    let trainees: Vec<TraineeResults> = trainees
        .iter()
        .map(|t| TraineeResults {
            trainee_id: t.id,
            name: t.name.clone(),
            joined_at: t.joined_at.clone(),
            scenarios: columns.iter().map(|s| counted(t.id, s)).collect(),
        })
        .collect();

    let scenarios = columns
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let cells = || trainees.iter().filter_map(|t| t.scenarios[i].as_ref());
            let played: Vec<&AttemptRow> = attempts.iter().copied().filter(|a| &a.scenario == id).collect();
            ScenarioResults {
                id: id.clone(),
                title: library.title(id).unwrap_or_else(|| id.clone()),
                assigned: class.scenarios.contains(id),
                attempts: played.len(),
                finished_by: cells().count(),
                average: Averages::of(cells()),
                hardest: hardest_turn(id, tallies, library, &played),
                not_understood: typed
                    .iter()
                    .filter(|t| &t.scenario == id && t.reply == NOT_UNDERSTOOD_ID)
                    .map(|t| typed_reply(t, library))
                    .collect(),
                flagged: typed
                    .iter()
                    .filter(|t| &t.scenario == id && t.reply != NOT_UNDERSTOOD_ID && t.typed.flagged)
                    .map(|t| typed_reply(t, library))
                    .collect(),
            }
        })
        .collect();

    ClassResults {
        class: info,
        mastery_score: class.mastery_score,
        average: Averages::of(trainees.iter().flat_map(|t| t.scenarios.iter().flatten())),
        scenarios,
        trainees,
        attempts: attempts.len() + unchecked.len(),
        unchecked,
    }
}

/// `t` for the page: for a turn not understood, the closest reply's text
/// from the hub's copy of the scenario, in the call's language (its id
/// where the hub has no such reply there).
fn typed_reply(t: &TypedTurnRow, library: &HubScenarios) -> TypedReply {
    let understood_as = if t.reply == NOT_UNDERSTOOD_ID {
        t.typed.understood_as.as_ref().map(|id| {
            library
                .scenario(&t.scenario)
                .and_then(|s| {
                    let node = s.nodes.iter().find(|n| n.id == t.node)?;
                    let reply = node.replies.iter().find(|r| &r.id == id)?;
                    Some(s.text(&reply.text, &t.language).to_owned())
                })
                .unwrap_or_else(|| id.clone())
        })
    } else {
        Some(t.reply_text.clone())
    };
    TypedReply {
        trainee: t.trainee.clone(),
        text: t.typed.text.clone(),
        caller: t.caller.clone(),
        understood_as,
    }
}

/// The node where the most choices had negative points; ties go to the
/// node where the larger share did.
fn hardest_turn(
    scenario: &str,
    tallies: &[ReplyTally],
    library: &HubScenarios,
    played: &[&AttemptRow],
) -> Option<HardestTurn> {
    let mut nodes: BTreeMap<&str, Vec<&ReplyTally>> = BTreeMap::new();
    for t in tallies.iter().filter(|t| t.scenario == scenario) {
        nodes.entry(t.node.as_str()).or_default().push(t);
    }
    let (node, rows) = nodes
        .into_iter()
        .map(|(node, rows)| {
            let negative: i64 = rows.iter().filter(|t| t.total < 0).map(|t| t.count).sum();
            let reached: i64 = rows.iter().map(|t| t.count).sum();
            (node, rows, negative, reached)
        })
        .filter(|(_, _, negative, _)| *negative > 0)
        .max_by(|a, b| {
            a.2.cmp(&b.2)
                .then((a.2 * b.3).cmp(&(b.2 * a.3)))
                // Stable choice between equals: the node earlier by name.
                .then(b.0.cmp(a.0))
        })
        .map(|(node, rows, _, _)| (node, rows))?;

    // Texts in the language most of the class played in, from the hub's
    // copy of the scenario where it has one.
    let mut languages: BTreeMap<&str, usize> = BTreeMap::new();
    for a in played {
        *languages.entry(a.language.as_str()).or_default() += 1;
    }
    let lang = languages
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(l, _)| (*l).to_owned())
        .unwrap_or_default();
    let scenario_node = library
        .scenario(scenario)
        .and_then(|s| s.nodes.iter().find(|n| n.id == node).map(|n| (s, n)));

    let mut replies: BTreeMap<&str, ReplyShare> = BTreeMap::new();
    for t in &rows {
        let share = replies.entry(t.reply.as_str()).or_insert_with(|| ReplyShare {
            reply: t.reply.clone(),
            text: scenario_node
                .and_then(|(s, n)| {
                    n.replies
                        .iter()
                        .find(|r| r.id == t.reply)
                        .map(|r| s.text(&r.text, &lang).to_owned())
                })
                .unwrap_or_else(|| t.reply_text.clone()),
            points: t.total,
            count: 0,
            best: false,
        });
        // A reply's points can differ between attempts (repeats land worse):
        // show the most common.
        if t.count > share.count {
            share.points = t.total;
        }
        share.count += t.count;
    }
    for t in &rows {
        if let Some(share) = replies.get_mut(t.reply.as_str())
            && t.best * 2 >= t.count
            && t.best > 0
        {
            share.best = true;
        }
    }
    let mut replies: Vec<ReplyShare> = replies.into_values().collect();
    replies.sort_by(|a, b| b.count.cmp(&a.count).then(a.reply.cmp(&b.reply)));
    Some(HardestTurn {
        node: node.to_owned(),
        caller: scenario_node
            .and_then(|(s, n)| n.says.first().map(|l| s.text(&l.text, &lang).to_owned()))
            .unwrap_or_else(|| rows.first().map(|t| t.caller.clone()).unwrap_or_default()),
        negative: rows.iter().filter(|t| t.total < 0).map(|t| t.count).sum(),
        reached: rows.iter().map(|t| t.count).sum(),
        replies,
    })
}
