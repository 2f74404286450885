//! A call in progress: the caller's line, the replies on offer in shuffled
//! order, the trainee's choice and what it did. Deterministic: the same
//! scenario, seed, language and choices make the same call, byte for byte.

use std::fmt;
use std::sync::Arc;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::debrief::Debrief;
use crate::engine::{Choice, EndingRef, Model, Outcome, RuleApplied, State};
use crate::locale::sentences::{Msg, tr};
use crate::points::Points;
use crate::scenario::{Action, EndingKind};
use crate::understand::Verdict;

/// How a call is played. Practice shows the mood meters and each reply's
/// points as the call goes; an exam shows nothing until the debrief. A
/// trainee picks one alone; a facilitator picks one for a class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Meters and per-reply points are shown; every attempt counts, the best one leads.
    #[default]
    Practice,
    /// Nothing is shown until the debrief; a trainee's first attempt at a scenario counts.
    Exam,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Practice, Mode::Exam];

    /// `practice` or `exam`, as stored and sent.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
        }
    }

    pub fn parse(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// How the built-in hang-up is recorded among a call's choices.
pub const HANG_UP_ID: &str = "hang_up";
/// How a typed reply that was not understood is recorded among a call's
/// choices. Like `hang_up`, no authored reply may use it.
pub const NOT_UNDERSTOOD_ID: &str = "not_understood";

/// What the trainee typed, and what the game made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Typed {
    /// The text as read (trimmed, cut at `understand::MAX_CHARS`).
    pub text: String,
    pub verdict: Verdict,
    /// The closest offered reply, what the game took the text for (also
    /// when it was not sure enough to play it).
    pub understood_as: Option<String>,
    /// Its similarity, -1 to 1.
    pub similarity: f32,
    /// The trainee said "that is not what I meant" in the debrief.
    #[serde(default)]
    pub flagged: bool,
}

impl Typed {
    /// What to record of `reading`.
    pub fn of(reading: &crate::understand::Reading) -> Typed {
        let best = reading.best();
        Typed {
            text: reading.text.clone(),
            verdict: reading.verdict,
            understood_as: best.map(|c| c.reply.clone()),
            similarity: best.map_or(0.0, |c| c.similarity),
            flagged: false,
        }
    }
}

/// Something the trainee can choose now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionView {
    /// 1-based, in display order.
    pub number: usize,
    #[serde(skip)]
    pub choice: Choice,
    /// The reply's id, or `hang_up`.
    pub id: String,
    pub text: String,
    pub action: Action,
    pub kind: String,
    /// For a transfer to a place other than a supervisor: its name, in the
    /// call's language (`policy.transfers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
}

impl OptionView {
    /// Whether the game shows this as a numbered reply (rather than an
    /// action button).
    pub fn is_spoken(&self) -> bool {
        self.action == Action::Say
    }
}

/// A meter's value now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeterView {
    pub id: String,
    pub label: String,
    pub value: i32,
    pub min: i32,
    pub max: i32,
}

/// A meter before and after a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterChange {
    pub id: String,
    pub before: i32,
    pub after: i32,
}

/// How the call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndingView {
    pub id: String,
    pub kind: EndingKind,
    pub title: String,
    pub text: String,
    /// The caller's last words, if any.
    pub says: Option<String>,
}

/// One reply of the trainee's and what it did. Read back from JSON (a
/// debrief from another PC) it carries no engine state: `state` and
/// `choice` are only the live call's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub number: usize,
    pub node: String,
    /// What the caller had just said.
    pub caller: String,
    pub reply: String,
    pub text: String,
    pub action: Action,
    /// Where a transfer went, when not to a supervisor: the target's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
    pub kind: String,
    pub points: Points,
    /// The reply's coaching note.
    pub note: String,
    pub rules: Vec<RuleApplied>,
    /// The rules' effects in words, in the call's language.
    pub rule_notes: Vec<String>,
    pub meters: Vec<MeterChange>,
    pub seconds: u32,
    /// The trainee's own words, when they typed the reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typed: Option<Typed>,
    #[serde(skip, default)]
    pub(crate) state: State,
    #[serde(skip, default)]
    pub(crate) choice: Choice,
}

/// What a choice did, for the game to present.
#[derive(Debug, Clone)]
pub struct Step {
    pub turn: Turn,
    /// The caller's next line, or their last words.
    pub caller: Option<String>,
    pub ended: Option<EndingView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The call has already ended.
    Over,
    /// No option has this number now.
    NoSuchNumber { number: usize, options: usize },
    /// No reply with this id is on offer now.
    NotOffered { id: String, offered: Vec<String> },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Over => f.write_str("the call has already ended"),
            CallError::NoSuchNumber { number, options } => {
                write!(f, "there is no reply {number}: choose 1 to {options}")
            }
            CallError::NotOffered { id, offered } => {
                write!(
                    f,
                    "the reply `{id}` is not on offer now; the options are {}",
                    offered.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for CallError {}

/// Enough to play a call again exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CallRecord {
    pub scenario: String,
    pub seed: u64,
    pub language: String,
    /// Reply ids in order (`hang_up` for hanging up).
    pub choices: Vec<String>,
}

/// A call in progress or finished.
#[derive(Debug, Clone)]
pub struct Call {
    model: Arc<Model>,
    seed: u64,
    lang: String,
    rng: ChaCha8Rng,
    start: State,
    state: State,
    caller: String,
    options: Vec<OptionView>,
    turns: Vec<Turn>,
    clock: u32,
    ended: Option<EndingRef>,
    last_words: Option<String>,
}

impl Call {
    /// Starts a call: the caller's mood is drawn from the persona's ranges,
    /// their first line picked and the replies shuffled, all by `seed`.
    pub fn start(model: Arc<Model>, seed: u64, lang: &str) -> Call {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let meters = model
            .scenario
            .persona
            .meters
            .iter()
            .map(|m| {
                let (low, high) = (m.start.low(), m.start.high());
                if low < high {
                    rng.random_range(low..=high)
                } else {
                    low
                }
            })
            .collect();
        let start = model.start_state(meters);
        let mut call = Call {
            model,
            seed,
            lang: lang.to_owned(),
            rng,
            state: start.clone(),
            start,
            caller: String::new(),
            options: Vec::new(),
            turns: Vec::new(),
            clock: 0,
            ended: None,
            last_words: None,
        };
        call.arrive();
        call
    }

    /// Plays `record`'s choices again on `model`.
    pub fn replay(model: Arc<Model>, record: &CallRecord) -> Result<Call, CallError> {
        let mut call = Call::start(model, record.seed, &record.language);
        for id in &record.choices {
            call.choose_id(id)?;
        }
        Ok(call)
    }

    /// Picks the caller's line at the current node and shuffles the replies.
    fn arrive(&mut self) {
        let s = &self.model.scenario;
        let node = &s.nodes[self.state.node];
        let candidates = self.model.line_candidates(&self.state);
        let total: u32 = candidates.iter().map(|(_, w)| w).sum();
        let line = if total == 0 {
            None
        } else {
            let mut pick = self.rng.random_range(0..total);
            candidates.iter().find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
        };
        self.caller = line
            .map(|(i, _)| s.text(&node.says[*i].text, &self.lang).to_owned())
            .unwrap_or_default();

        let choices = self.model.choices(&self.state);
        let (mut spoken, actions): (Vec<Choice>, Vec<Choice>) = choices
            .into_iter()
            .partition(|c| matches!(c, Choice::Reply(i) if node.replies[*i].action == Action::Say));
        spoken.shuffle(&mut self.rng);
        self.options = spoken
            .into_iter()
            .chain(actions)
            .enumerate()
            .map(|(n, choice)| self.option_view(n + 1, choice))
            .collect();
    }

    fn option_view(&self, number: usize, choice: Choice) -> OptionView {
        let s = &self.model.scenario;
        if choice == Choice::NotUnderstood {
            return OptionView {
                number,
                choice,
                id: NOT_UNDERSTOOD_ID.to_owned(),
                text: tr(&self.lang, Msg::NotUnderstoodReply).to_owned(),
                action: Action::Say,
                kind: NOT_UNDERSTOOD_ID.to_owned(),
                transfer_to: None,
            };
        }
        match self.model.reply(self.state.node, choice) {
            Some(r) => OptionView {
                number,
                choice,
                id: r.id.clone(),
                text: s.text(&r.text, &self.lang).to_owned(),
                action: r.action,
                kind: r.kind.clone(),
                transfer_to: r
                    .to
                    .as_deref()
                    .and_then(|id| s.transfer_target(id))
                    .map(|t| s.text(&t.name, &self.lang).to_owned()),
            },
            None => OptionView {
                number,
                choice,
                id: HANG_UP_ID.to_owned(),
                text: tr(&self.lang, Msg::HangUpReply).to_owned(),
                action: Action::EndCall,
                kind: HANG_UP_ID.to_owned(),
                transfer_to: None,
            },
        }
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn language(&self) -> &str {
        &self.lang
    }

    /// What the caller is saying now (their last words once the call is over).
    pub fn caller_line(&self) -> &str {
        match &self.last_words {
            Some(words) if self.ended.is_some() => words,
            _ => &self.caller,
        }
    }

    /// The current node's id.
    pub fn node_id(&self) -> &str {
        &self.model.scenario.nodes[self.state.node].id
    }

    /// The options on offer, in display order; empty once the call is over.
    pub fn options(&self) -> &[OptionView] {
        if self.ended.is_some() { &[] } else { &self.options }
    }

    pub fn meters(&self) -> Vec<MeterView> {
        let s = &self.model.scenario;
        s.persona
            .meters
            .iter()
            .zip(&self.state.meters)
            .map(|(m, &value)| MeterView {
                id: m.id.clone(),
                label: if m.label.is_blank() {
                    m.id.clone()
                } else {
                    s.text(&m.label, &self.lang).to_owned()
                },
                value,
                min: m.min,
                max: m.max,
            })
            .collect()
    }

    /// The value of meter `id` now.
    pub fn meter(&self, id: &str) -> Option<i32> {
        self.model.scenario.meter_index(id).map(|i| self.state.meters[i])
    }

    /// Seconds of call time so far, holds included.
    pub fn clock(&self) -> u32 {
        self.clock
    }

    pub fn turns(&self) -> &[Turn] {
        &self.turns
    }

    /// The account facts, once the trainee has checked the account.
    pub fn account(&self) -> Option<Vec<(String, String)>> {
        let s = &self.model.scenario;
        self.state.checked().then(|| {
            s.account
                .iter()
                .map(|f| {
                    (
                        s.text(&f.label, &self.lang).to_owned(),
                        s.text(&f.value, &self.lang).to_owned(),
                    )
                })
                .collect()
        })
    }

    pub fn is_over(&self) -> bool {
        self.ended.is_some()
    }

    pub fn ending(&self) -> Option<EndingView> {
        self.ended.map(|e| self.ending_view(e))
    }

    pub(crate) fn ending_ref(&self) -> Option<EndingRef> {
        self.ended
    }

    pub(crate) fn start_state(&self) -> &State {
        &self.start
    }

    fn ending_view(&self, e: EndingRef) -> EndingView {
        let texts = self.model.ending_texts(e);
        let default = &self.model.scenario.default_language;
        let says = texts.says.get(&self.lang, default);
        EndingView {
            id: texts.id.to_owned(),
            kind: texts.kind,
            title: texts.title.get(&self.lang, default),
            text: texts.debrief.get(&self.lang, default),
            says: (!says.is_empty()).then_some(says),
        }
    }

    /// Chooses the option numbered `number` (1-based, display order).
    pub fn choose(&mut self, number: usize) -> Result<Step, CallError> {
        if self.ended.is_some() {
            return Err(CallError::Over);
        }
        let option =
            number
                .checked_sub(1)
                .and_then(|i| self.options.get(i))
                .ok_or(CallError::NoSuchNumber {
                    number,
                    options: self.options.len(),
                })?;
        let choice = option.choice;
        Ok(self.apply(choice))
    }

    /// Chooses the reply with id `id` (`hang_up` to hang up,
    /// `not_understood` for a typed reply not understood).
    pub fn choose_id(&mut self, id: &str) -> Result<Step, CallError> {
        if self.ended.is_some() {
            return Err(CallError::Over);
        }
        if id == NOT_UNDERSTOOD_ID {
            return Ok(self.apply(Choice::NotUnderstood));
        }
        let option = self
            .options
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(|| CallError::NotOffered {
                id: id.to_owned(),
                offered: self.options.iter().map(|o| o.id.clone()).collect(),
            })?;
        let choice = option.choice;
        Ok(self.apply(choice))
    }

    /// Plays a typed reply as the reply `id` it was understood as (or the
    /// trainee picked when the game was unsure), keeping the words.
    pub fn choose_typed(&mut self, id: &str, typed: Typed) -> Result<Step, CallError> {
        let mut step = self.choose_id(id)?;
        self.keep_typed(&mut step, typed);
        Ok(step)
    }

    /// A typed reply the game did not understand: the caller says they did
    /// not follow, the call stays at this moment, and the turn costs call
    /// time and patience (`rules.not_understood`) and counts toward
    /// `max_turns`.
    pub fn not_understood(&mut self, typed: Typed) -> Result<Step, CallError> {
        let mut step = self.choose_id(NOT_UNDERSTOOD_ID)?;
        self.keep_typed(&mut step, typed);
        Ok(step)
    }

    fn keep_typed(&mut self, step: &mut Step, typed: Typed) {
        step.turn.typed = Some(typed.clone());
        if let Some(last) = self.turns.last_mut() {
            last.typed = Some(typed);
        }
    }

    /// The trainee's "that is not what I meant" on turn `number` (1-based):
    /// kept with the attempt so a trainer can improve the examples.
    pub fn flag_typed(&mut self, number: usize, flagged: bool) {
        if let Some(typed) = self
            .turns
            .get_mut(number.wrapping_sub(1))
            .and_then(|t| t.typed.as_mut())
        {
            typed.flagged = flagged;
        }
    }

    /// The caller's line after a reply not understood: the scenario's
    /// `not_understood` variant for the mood, else the engine's own.
    fn not_understood_line(&mut self) -> String {
        let s = &self.model.scenario;
        let candidates = self.model.not_understood_candidates(&self.state);
        let total: u32 = candidates.iter().map(|(_, w)| w).sum();
        if total > 0 {
            let mut pick = self.rng.random_range(0..total);
            for (i, w) in &candidates {
                if pick < *w {
                    return s.text(&s.not_understood[*i].text, &self.lang).to_owned();
                }
                pick -= w;
            }
        }
        tr(&self.lang, Msg::NotUnderstoodSays).to_owned()
    }

    fn apply(&mut self, choice: Choice) -> Step {
        let model = Arc::clone(&self.model);
        let s = &model.scenario;
        let before = self.state.clone();
        let t = model.step(&before, choice);
        let view = self.option_view(0, choice);
        let note = model
            .reply(before.node, choice)
            .map(|r| s.text(&r.note, &self.lang).to_owned())
            .unwrap_or_default();
        self.clock += t.seconds;
        let turn = Turn {
            number: self.turns.len() + 1,
            node: s.nodes[before.node].id.clone(),
            caller: self.caller.clone(),
            reply: view.id,
            text: view.text,
            action: view.action,
            transfer_to: view.transfer_to,
            kind: view.kind,
            points: t.points,
            note,
            rule_notes: t.rules.iter().map(|r| rule_note(&model, r, &self.lang)).collect(),
            rules: t.rules,
            meters: s
                .persona
                .meters
                .iter()
                .enumerate()
                .map(|(i, m)| MeterChange {
                    id: m.id.clone(),
                    before: before.meters[i],
                    after: t.meters_after[i],
                })
                .collect(),
            seconds: t.seconds,
            typed: None,
            state: before,
            choice,
        };
        self.turns.push(turn.clone());
        match t.outcome {
            Outcome::Ended(e) => {
                self.state.meters = t.meters_after;
                self.end(e);
            }
            Outcome::Continue(next) => {
                self.state = next;
                if self.turns.len() >= s.max_turns as usize {
                    self.end(EndingRef::GaveUp);
                } else if choice == Choice::NotUnderstood {
                    // The same moment: the options stay as they were shown.
                    self.caller = self.not_understood_line();
                } else {
                    self.arrive();
                }
            }
        }
        match self.ended {
            Some(_) => Step {
                turn,
                caller: self.last_words.clone(),
                ended: self.ending(),
            },
            None => Step {
                turn,
                caller: Some(self.caller.clone()),
                ended: None,
            },
        }
    }

    fn end(&mut self, e: EndingRef) {
        self.ended = Some(e);
        self.last_words = self.ending_view(e).says;
        self.options.clear();
    }

    /// Enough to replay this call.
    pub fn record(&self) -> CallRecord {
        CallRecord {
            scenario: self.model.scenario.id.clone(),
            seed: self.seed,
            language: self.lang.clone(),
            choices: self.turns.iter().map(|t| t.reply.clone()).collect(),
        }
    }

    /// The debrief, once the call is over.
    pub fn debrief(&self) -> Option<Debrief> {
        Debrief::of(self)
    }

    /// The best total (all four sub-skills) the trainee could still reach,
    /// and the option that leads there, from the current state.
    pub fn hint(&self) -> Option<&OptionView> {
        if self.ended.is_some() {
            return None;
        }
        let graph = crate::analysis::Graph::explore(&self.model, self.state.clone());
        let objective = crate::analysis::Objective::TOTAL;
        let values = graph.values(objective, true);
        let best = graph.best_edge(0, objective, &values)?;
        self.options.iter().find(|o| o.choice == best.choice)
    }
}

/// A rule's effect in words.
pub fn rule_note(model: &Model, rule: &RuleApplied, lang: &str) -> String {
    use crate::locale::sentences::fill;
    let s = &model.scenario;
    match rule {
        // Named in the trainee's language where the scenario gives a name;
        // a raw kind id means nothing to a trainee.
        RuleApplied::Repetition { kind, times } => match s.kind_names.get(kind).filter(|n| !n.is_blank()) {
            Some(name) => fill(
                tr(lang, Msg::RuleRepetitionNamed),
                &[("kind", &s.text(name, lang)), ("times", times)],
            ),
            None => fill(tr(lang, Msg::RuleRepetition), &[("times", times)]),
        },
        RuleApplied::Hold {
            seconds,
            anger,
            trust,
            points,
            ..
        } => {
            let mood = fill(
                tr(lang, Msg::RuleHold),
                &[
                    ("seconds", seconds),
                    ("anger", &format!("{anger:+}")),
                    ("trust", &format!("{trust:+}")),
                ],
            );
            if points.is_zero() {
                mood
            } else {
                let cost = crate::locale::labels::points_text(lang, *points);
                format!(
                    "{mood} {}",
                    fill(tr(lang, Msg::RuleHoldPoints), &[("points", &cost)])
                )
            }
        }
        RuleApplied::PaidOnce => tr(lang, Msg::RulePaidOnce).to_owned(),
        RuleApplied::TransferWithinPolicy { .. } => tr(lang, Msg::RuleTransferWithin).to_owned(),
        RuleApplied::TransferAgainstPolicy { to } => {
            let note = match to.as_deref().and_then(|id| s.transfer_target(id)) {
                Some(target) => s.text(&target.misuse_note, lang),
                None => s.text(&s.policy.transfer.misuse_note, lang),
            };
            if note.is_empty() {
                tr(lang, Msg::RuleTransferAgainst).to_owned()
            } else {
                format!("{} {note}", tr(lang, Msg::RuleTransferAgainst))
            }
        }
        RuleApplied::HungUpOnCaller => tr(lang, Msg::RuleHungUp).to_owned(),
        RuleApplied::OverAccommodation => tr(lang, Msg::RuleOverAccommodation).to_owned(),
        RuleApplied::NotUnderstood { anger, trust } => fill(
            tr(lang, Msg::RuleNotUnderstood),
            &[("anger", &format!("{anger:+}")), ("trust", &format!("{trust:+}"))],
        ),
        RuleApplied::Trait { index } => {
            let Some(t) = s.persona.traits.get(*index) else {
                return String::new();
            };
            let name = s.text(&t.name, lang);
            let description = s.text(&t.description, lang);
            // A trait may calm as well as anger; only the trainer's own words
            // say which, so they come before the generic line.
            if description.trim().is_empty() {
                fill(tr(lang, Msg::RuleTrait), &[("name", &name)])
            } else {
                format!("{name}{}{description}", sentence_break(name))
            }
        }
    }
}

/// What ends `sentence` before another one: nothing more after its own
/// full stop, a CJK full stop after CJK text, a Latin one otherwise.
fn sentence_break(sentence: &str) -> &'static str {
    match sentence.trim_end().chars().last() {
        Some('.' | '!' | '?' | '。' | '！' | '？') => " ",
        Some(c) if c >= '\u{2E80}' => "。",
        _ => ". ",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::{Call, sentence_break};
    use crate::engine::Model;
    use crate::scenario::parse_str;

    const TWO_TRAITS: &str = r#"Scenario(
        id: "traits", title: "Traits", summary: "Two traits.", difficulty: Easy,
        source: "002_c83f82b94783e687.txt",
        persona: (
            name: "Caller", description: "Someone.",
            meters: [(id: "anger", start: 50), (id: "trust", start: 50)],
            traits: [
                (name: "Soft spot", description: "A sincere apology calms him more.", kinds: ["apology"], effects: 1.5),
                (name: "Touchy", kinds: ["script"], effects: 2.0),
            ],
        ),
        start: "a",
        nodes: [(id: "a", says: [(text: "Hi.")], done: true, replies: [
            (id: "sorry", text: "Sorry.", kind: "apology", points: (emotion: 1), effects: {"anger": -10}, next: "b", note: "n"),
            (id: "read", text: "Per policy.", kind: "script", points: (emotion: -1), effects: {"anger": 10}, next: "b", note: "n"),
            (id: "bye", text: "Bye.", kind: "close", action: EndCall, points: (emotion: 1), next: "end", note: "n"),
        ])],
        endings: [(id: "b", kind: Resolved, title: "B", debrief: "B."), (id: "end", kind: Resolved, title: "E", debrief: "E.")],
    )"#;

    fn call() -> Call {
        let loaded =
            parse_str(TWO_TRAITS, Path::new("traits.ron"), None).unwrap_or_else(|e| panic!("{}", e.render()));
        let model = Model::new(loaded.scenario).expect("the test scenario compiles");
        Call::start(Arc::new(model), 1, "en")
    }

    #[test]
    fn a_calming_trait_is_explained_in_the_trainers_words() {
        let step = call().choose_id("sorry").expect("sorry is offered");
        assert_eq!(
            step.turn.rule_notes,
            ["Soft spot. A sincere apology calms him more."]
        );
    }

    #[test]
    fn trait_names_end_like_sentences_in_their_own_script() {
        assert_eq!(sentence_break("Already waited 38 minutes"), ". ");
        assert_eq!(sentence_break("Доброе слово и кошке приятно"), ". ");
        assert_eq!(sentence_break("Hates scripts!"), " ");
        assert_eq!(sentence_break("讨厌套话"), "。");
    }

    #[test]
    fn a_trait_without_a_description_gets_the_generic_line() {
        let step = call().choose_id("read").expect("read is offered");
        assert_eq!(
            step.turn.rule_notes,
            ["Touchy: this caller takes this kind of reply harder."]
        );
    }
}

/// Rules name reply kinds in the trainee's language (`kind_names`).
#[cfg(test)]
mod kind_name_tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::parse_str;

    /// A call where the trainee can say "that's the policy" again and again.
    fn policy_call(kind_names: &str, lang: &str) -> Call {
        let src = format!(
            r#"Scenario(
    id: "t", title: "T", summary: "S.", difficulty: Easy, source: "test",
    languages: ["en", "zh"],
    kind_names: {kind_names},
    persona: (name: "C", description: "D.", meters: [(id: "anger", start: 50), (id: "trust", start: 50)]),
    start: "a",
    nodes: [(id: "a", says: [(text: "Well?")], replies: [
        (id: "rule", text: "That's the policy.", kind: "policy", points: (assistance: 1), repeatable: true, next: "a", note: "n"),
        (id: "bye", text: "Bye.", kind: "close", action: EndCall, next: "out", note: "n"),
    ])],
    endings: [(id: "out", kind: AgentHungUp, title: "Out", debrief: "Out.")],
)"#
        );
        let loaded = parse_str(&src, Path::new("t.ron"), None).unwrap_or_else(|e| panic!("{}", e.render()));
        let model = Arc::new(Model::new(loaded.scenario).expect("compiles"));
        Call::start(model, 1, lang)
    }

    #[test]
    fn a_repeated_kind_is_named_in_the_trainees_language() {
        let names = r#"{"policy": {"en": "quoting the policy", "zh": "搬规定"}}"#;
        let mut call = policy_call(names, "zh");
        call.choose_id("rule").expect("offered");
        let again = call.choose_id("rule").expect("offered");
        assert_eq!(
            again.turn.rule_notes,
            ["重复：这是你第2次用「搬规定」回应，每重复一次效果更差。"]
        );

        let mut call = policy_call(names, "en");
        call.choose_id("rule").expect("offered");
        let again = call.choose_id("rule").expect("offered");
        assert_eq!(
            again.turn.rule_notes,
            ["Repeated: quoting the policy, 2 times now. Each repeat lands worse than the last."]
        );
    }

    #[test]
    fn a_kind_without_a_name_is_not_shown_by_its_id() {
        let mut call = policy_call("{}", "zh");
        call.choose_id("rule").expect("offered");
        let again = call.choose_id("rule").expect("offered");
        assert_eq!(
            again.turn.rule_notes,
            ["重复：同样的话你已经说了2次，每重复一次效果都更差。"]
        );
    }

    #[test]
    fn naming_a_kind_no_reply_has_is_an_error_at_its_key() {
        let src = r#"Scenario(
    id: "t", title: "T", summary: "S.", difficulty: Easy, source: "test",
    kind_names: {"polcy": "quoting the policy"},
    persona: (name: "C", description: "D.", meters: [(id: "anger", start: 50), (id: "trust", start: 50)]),
    start: "a",
    nodes: [(id: "a", says: [(text: "Well?")], replies: [
        (id: "rule", text: "That's the policy.", kind: "policy", points: (assistance: 1), action: EndCall, next: "out", note: "n"),
    ])],
    endings: [(id: "out", kind: AgentHungUp, title: "Out", debrief: "Out.")],
)"#;
        let err = parse_str(src, Path::new("t.ron"), None).expect_err("an unknown kind is an error");
        let d = &err.diagnostics[0];
        assert_eq!(d.code, "unknown-kind");
        assert_eq!((d.line, d.column), (3, 18));
        assert_eq!(d.help.as_deref(), Some("did you mean `policy`?"));
    }
}
