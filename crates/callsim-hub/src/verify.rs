//! Trust, but replay: the hub plays an uploaded attempt's choices again with
//! the engine and its own copy of the scenario, and refuses a debrief whose
//! scores the choices do not earn.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use callsim_core::call::{Call, CallRecord};
use callsim_core::debrief::{Debrief, Score};
use callsim_core::engine::Model;
use callsim_core::points::{Pillar, Skill};
use callsim_core::scenario::{EndingKind, Scenario, load_folder};
use callsim_core::wire::AttemptUpload;

use super::store::{AttemptRow, PillarScore, TurnRow, TypedTurn};

/// The scenarios the hub can replay, by id.
#[derive(Default, Clone)]
pub struct HubScenarios {
    models: BTreeMap<String, Arc<Model>>,
}

impl HubScenarios {
    /// Loads every scenario file in `dir`. A broken file is reported and
    /// skipped: its attempts are then stored unverified, not lost.
    pub fn load(dir: &Path) -> (HubScenarios, Vec<String>) {
        let mut library = HubScenarios::default();
        let mut problems = Vec::new();
        let loads = match load_folder(dir) {
            Ok(loads) => loads,
            Err(e) => {
                problems.push(format!("{}: {e}", dir.display()));
                return (library, problems);
            }
        };
        for load in loads {
            match load.map_err(|e| e.render()).and_then(|loaded| {
                let file = loaded.file.display().to_string();
                Model::new(loaded.scenario).map_err(|e| format!("{file}: {e}"))
            }) {
                Ok(model) => {
                    library.models.insert(model.scenario.id.clone(), Arc::new(model));
                }
                Err(message) => problems.push(message),
            }
        }
        (library, problems)
    }

    pub fn add(&mut self, model: Arc<Model>) {
        self.models.insert(model.scenario.id.clone(), model);
    }

    pub fn model(&self, id: &str) -> Option<&Arc<Model>> {
        self.models.get(id)
    }

    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.models.get(id).map(|m| &m.scenario)
    }

    /// The scenario's title in its own default language.
    pub fn title(&self, id: &str) -> Option<String> {
        self.scenario(id)
            .map(|s| s.text(&s.title, &s.default_language).to_owned())
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}

/// Why an attempt cannot be accepted: always the uploader's to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: &'static str,
    pub message: String,
}

fn reject(code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        message: message.into(),
    }
}

/// An upload, checked, as the rows the hub stores.
#[derive(Debug)]
pub struct CheckedAttempt {
    pub row: AttemptRow,
    pub turns: Vec<TurnRow>,
}

/// Checks `upload` and turns it into rows. With `require_replay` (exam
/// mode) an attempt the hub cannot replay is refused rather than stored
/// unverified.
pub fn verify_attempt(
    library: &HubScenarios,
    upload: &AttemptUpload,
    trainee_id: i64,
    class_id: i64,
    require_replay: bool,
) -> Result<CheckedAttempt, Rejection> {
    let facts = &upload.debrief;
    for (what, said, debrief) in [
        ("scenario", upload.scenario.clone(), facts.scenario.clone()),
        ("seed", upload.seed.to_string(), facts.seed.to_string()),
        ("language", upload.language.clone(), facts.language.clone()),
        ("choices", upload.choices.join(","), facts.choices.join(",")),
    ] {
        if said != debrief {
            return Err(reject(
                "debrief-mismatch",
                format!("the attempt's {what} ({said}) differs from its debrief's ({debrief})"),
            ));
        }
    }
    check_figures(facts)?;
    let finished_at = super::parse_time(&upload.finished_at).ok_or_else(|| {
        reject(
            "invalid-time",
            format!(
                "finished_at `{}` is not an RFC 3339 time such as 2025-01-31T09:30:00Z",
                upload.finished_at
            ),
        )
    })?;

    let (verified, summary, turns) = match library.model(&upload.scenario) {
        Some(model) => {
            let replayed = replay(model, upload)?;
            compare(facts, &replayed)?;
            (
                true,
                Summary::of_debrief(&replayed),
                turn_rows_of_debrief(&replayed, facts),
            )
        }
        None if require_replay => {
            return Err(reject(
                "unknown-scenario",
                format!(
                    "this hub has no scenario `{}` to check the attempt against, and an exam class only counts checked attempts",
                    upload.scenario
                ),
            ));
        }
        None => (
            false,
            Summary::of_debrief(facts),
            turn_rows_of_debrief(facts, facts),
        ),
    };

    let body = serde_json::to_string(upload).map_err(|e| reject("invalid-attempt", e.to_string()))?;
    Ok(CheckedAttempt {
        row: AttemptRow {
            id: upload.attempt_id.clone(),
            trainee_id,
            class_id,
            scenario: upload.scenario.clone(),
            seed: upload.seed,
            language: upload.language.clone(),
            body,
            verified,
            success: summary.ending_kind.is_good() && !summary.over_accommodated,
            ending: summary.ending,
            ending_kind: summary.ending_kind.name().to_owned(),
            over_accommodated: summary.over_accommodated,
            respect: summary.respect,
            sincerity: summary.sincerity,
            skills: summary.skills,
            finished_at,
            received_at: super::now(),
        },
        turns,
    })
}

/// Refuses a debrief whose figures no call can have: a percentage above
/// 100, a total outside its best and worst, a percentage its total does
/// not give, a sub-skill missing or twice, pillars that are not the sums
/// of their sub-skills, turns whose points do not add up to the totals.
/// Every upload is held to this, checked by replay or not: an unchecked
/// attempt's figures are the game's word, but not any word.
pub fn check_figures(d: &Debrief) -> Result<(), Rejection> {
    let invalid = |message: String| Err(reject("invalid-score", message));
    let score = |what: &str, s: &Score| -> Result<(), Rejection> {
        if s.percent > 100 {
            return invalid(format!("the {what} percentage is {}; it is 0-100", s.percent));
        }
        // Only a call that gave in can total more than the honest best:
        // the best play never over-accommodates, and the cap says so.
        if s.worst > s.best || s.total < s.worst || (s.total > s.best && s.cap.is_none()) {
            return invalid(format!(
                "the {what} total {} is not between its worst {} and best {}",
                s.total, s.worst, s.best
            ));
        }
        if s.cap.is_some_and(|cap| cap > 100) {
            return invalid(format!("the {what} cap is above 100"));
        }
        let expected = s.expected_percent();
        if s.percent != expected {
            return invalid(format!(
                "the {what} percentage is {}, but a total of {} of a best {} is {expected}",
                s.percent, s.total, s.best
            ));
        }
        Ok(())
    };
    score("respect", &d.respect)?;
    score("sincerity", &d.sincerity)?;
    for (what, s) in [("respect", &d.respect), ("sincerity", &d.sincerity)] {
        if s.cap.is_some() != d.over_accommodated {
            return invalid(format!(
                "the {what} cap is {:?} on a call that {} over-accommodate; only a call that gave in is capped",
                s.cap,
                if d.over_accommodated { "did" } else { "did not" }
            ));
        }
    }
    for skill in Skill::ALL {
        let found = d.skills.iter().filter(|s| s.skill == skill).count();
        if found != 1 {
            return invalid(format!(
                "the debrief has the sub-skill {} {found} times; it has each once",
                skill.name()
            ));
        }
    }
    if d.skills.len() != Skill::ALL.len() {
        return invalid(format!(
            "the debrief has {} sub-skills; there are 4",
            d.skills.len()
        ));
    }
    for s in &d.skills {
        score(s.skill.name(), &s.score)?;
        let from_turns: i64 = d
            .turns
            .iter()
            .map(|t| i64::from(t.turn.points.get(s.skill)))
            .sum();
        if from_turns != i64::from(s.score.total) {
            return invalid(format!(
                "the turns' {} points add up to {from_turns}, but the debrief says {}",
                s.skill.name(),
                s.score.total
            ));
        }
    }
    for (pillar, name, total) in [
        (Pillar::Respect, "respect", d.respect.total),
        (Pillar::Sincerity, "sincerity", d.sincerity.total),
    ] {
        let sum: i64 = d
            .skills
            .iter()
            .filter(|s| s.skill.pillar() == pillar)
            .map(|s| i64::from(s.score.total))
            .sum();
        if sum != i64::from(total) {
            return invalid(format!(
                "the {name} total is {total}, but its sub-skills add up to {sum}"
            ));
        }
    }
    Ok(())
}

fn replay(model: &Arc<Model>, upload: &AttemptUpload) -> Result<Debrief, Rejection> {
    let record = CallRecord {
        scenario: upload.scenario.clone(),
        seed: upload.seed,
        language: upload.language.clone(),
        choices: upload.choices.clone(),
    };
    let call = Call::replay(Arc::clone(model), &record).map_err(|e| {
        reject(
            "replay-failed",
            format!(
                "the choices cannot be played on this hub's copy of `{}`: {e}; the game's scenario file may differ from the hub's",
                upload.scenario
            ),
        )
    })?;
    call.debrief().ok_or_else(|| {
        reject(
            "unfinished-call",
            format!(
                "replaying the {} choices leaves the call unfinished; only finished calls are attempts",
                upload.choices.len()
            ),
        )
    })
}

fn score_text(s: &Score) -> String {
    format!("{}/100 (total {})", s.percent, s.total)
}

/// The first way the uploaded debrief differs from the replay, as a 422.
fn compare(facts: &Debrief, replayed: &Debrief) -> Result<(), Rejection> {
    let forged = |what: &str, claimed: String, actual: String| {
        Err(reject(
            "forged-scores",
            format!("the debrief's {what} is {claimed}, but replaying its choices gives {actual}"),
        ))
    };
    if facts.ending.id != replayed.ending.id || facts.ending.kind != replayed.ending.kind {
        return forged("ending", facts.ending.id.clone(), replayed.ending.id.clone());
    }
    if facts.over_accommodated != replayed.over_accommodated {
        return forged(
            "over-accommodation flag",
            facts.over_accommodated.to_string(),
            replayed.over_accommodated.to_string(),
        );
    }
    for (name, claimed, actual) in [
        ("respect", &facts.respect, &replayed.respect),
        ("sincerity", &facts.sincerity, &replayed.sincerity),
    ] {
        if claimed != actual {
            return forged(name, score_text(claimed), score_text(actual));
        }
    }
    if facts.skills.len() != replayed.skills.len() {
        return forged(
            "number of sub-skills",
            facts.skills.len().to_string(),
            replayed.skills.len().to_string(),
        );
    }
    for (claimed, actual) in facts.skills.iter().zip(&replayed.skills) {
        if claimed.skill != actual.skill || claimed.score != actual.score {
            return forged(
                actual.skill.name(),
                score_text(&claimed.score),
                score_text(&actual.score),
            );
        }
    }
    if facts.turns.len() != replayed.turns.len() {
        return forged(
            "number of turns",
            facts.turns.len().to_string(),
            replayed.turns.len().to_string(),
        );
    }
    for (claimed, actual) in facts.turns.iter().zip(&replayed.turns) {
        if claimed.turn.reply != actual.turn.reply || claimed.turn.points != actual.turn.points {
            return forged(
                &format!("turn {} ({})", actual.turn.number, actual.turn.reply),
                format!("{} {}", claimed.turn.reply, claimed.turn.points),
                format!("{} {}", actual.turn.reply, actual.turn.points),
            );
        }
    }
    Ok(())
}

struct Summary {
    ending: String,
    ending_kind: EndingKind,
    over_accommodated: bool,
    respect: PillarScore,
    sincerity: PillarScore,
    skills: [u8; 4],
}

fn pillar(s: &Score) -> PillarScore {
    PillarScore {
        percent: s.percent,
        raw: i64::from(s.total),
        worst: i64::from(s.worst),
        best: i64::from(s.best),
    }
}

impl Summary {
    fn of_debrief(d: &Debrief) -> Summary {
        Summary {
            ending: d.ending.id.clone(),
            ending_kind: d.ending.kind,
            over_accommodated: d.over_accommodated,
            respect: pillar(&d.respect),
            sincerity: pillar(&d.sincerity),
            skills: Skill::ALL.map(|s| d.skill(s).percent),
        }
    }
}

/// The turns as `scored` has them (the hub's replay, when it could play
/// the call), with what the trainee typed on each as the game reported it
/// in `said`: a typed text is kept to read, never scored.
fn turn_rows_of_debrief(scored: &Debrief, said: &Debrief) -> Vec<TurnRow> {
    scored
        .turns
        .iter()
        .zip(said.turns.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(t, said)| TurnRow {
            number: t.turn.number as i64,
            node: t.turn.node.clone(),
            caller: t.turn.caller.clone(),
            reply: t.turn.reply.clone(),
            reply_text: t.turn.text.clone(),
            total: i64::from(t.turn.points.total()),
            was_best: t.was_best,
            typed: said
                .and_then(|s| s.turn.typed.as_ref())
                .filter(|typed| !typed.text.trim().is_empty())
                .map(|typed| TypedTurn {
                    // The game cuts what it reads at this length; a longer
                    // text was not typed into it.
                    text: cut(&typed.text, callsim_core::understand::MAX_CHARS),
                    understood_as: typed.understood_as.as_deref().map(|u| cut(u, 200)),
                    flagged: typed.flagged,
                }),
        })
        .collect()
}

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Whether two bodies of one attempt (`kept` by the hub, `new` sent again)
/// are the same attempt but for the trainee's "not what I meant" flags on
/// typed turns, which a trainee may set after the call was sent.
pub fn differs_in_flags_only(kept: &str, new: &str) -> bool {
    fn without_flags(body: &str) -> Option<serde_json::Value> {
        let mut upload: AttemptUpload = serde_json::from_str(body).ok()?;
        for t in &mut upload.debrief.turns {
            if let Some(typed) = &mut t.turn.typed {
                typed.flagged = false;
            }
        }
        serde_json::to_value(&upload).ok()
    }
    match (without_flags(kept), without_flags(new)) {
        (Some(kept), Some(new)) => kept == new,
        _ => false,
    }
}
