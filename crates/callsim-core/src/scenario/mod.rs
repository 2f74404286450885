//! The scenario format: what a trainer writes in `scenarios/*.ron`, as Rust
//! types, and loading a file into them with every mistake reported.
//!
//! `docs/scenario-format.md` is the trainer-facing description of the same
//! types; keep the two in step.

pub mod lex;
mod load;
pub mod spans;
pub mod validate;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::locale::text::Text;
use crate::points::Points;

pub use load::{
    LoadError, Loaded, is_scenario_file, load_file, load_folder, parse_str, resolve as resolve_findings,
    ron_options, scenario_files,
};

/// The most meters a persona may have, and the most reply kinds a scenario
/// may use: limits of the format, which `validate` reports. The engine keeps
/// both inline in a call's state, so exploring a call allocates nothing per
/// step.
pub const MAX_METERS: usize = 8;
pub const MAX_KINDS: usize = 64;

/// One training call: the caller, what they say, what the trainee may reply,
/// and how it can end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable identifier, used in progress records and class assignments.
    pub id: String,
    pub title: Text,
    /// One paragraph for the scenario picker.
    pub summary: Text,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The source text the scenario is drawn from (a file in `shared/seeds/`).
    pub source: String,
    /// Languages this file provides; every text should exist in each.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub rules: Rules,
    /// What the trainee is told a reply kind is called when a rule names it
    /// (e.g. "policy" → "quoting the policy" / "搬规定"); a kind with no name
    /// here is shown by its id, which reads badly outside English.
    #[serde(default)]
    pub kind_names: BTreeMap<String, Text>,
    pub persona: Persona,
    /// What "check the account" shows the trainee.
    #[serde(default)]
    pub account: Vec<AccountFact>,
    /// What happened before this call, so it plays as a continuation.
    #[serde(default)]
    pub history: History,
    /// The node the call starts at.
    pub start: String,
    /// A safety net: the caller gives up after this many replies.
    #[serde(default = "default_max_turns")]
    pub max_turns: u32,
    /// What the caller says when a typed reply was not understood (mood
    /// variants allowed, like a node's `says`); without it, the engine's own
    /// line in the game's language.
    #[serde(default)]
    pub not_understood: Vec<Line>,
    pub nodes: Vec<Node>,
    pub endings: Vec<Ending>,
    /// Mood levels that end the call whatever the reply was, checked in order
    /// after every reply (e.g. anger at 100: the caller hangs up).
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
    #[serde(default)]
    pub assets: Assets,
}

fn default_languages() -> Vec<String> {
    vec![default_language()]
}

fn default_language() -> String {
    "en".to_owned()
}

fn default_max_turns() -> u32 {
    40
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        })
    }
}

/// The centre's rules that the engine judges actions against.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Shown to the trainee before the call and in the debrief.
    #[serde(default)]
    pub notes: Text,
    /// Transfers to a supervisor: a reply with `action: Transfer` and no `to`.
    #[serde(default)]
    pub transfer: TransferPolicy,
    /// Other places a call can be transferred to (another department, the
    /// manufacturer), each with its own policy: a reply names one with
    /// `action: Transfer, to: "id"`.
    #[serde(default)]
    pub transfers: Vec<TransferTarget>,
}

/// A place other than a supervisor that a call can be transferred to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferTarget {
    pub id: String,
    /// What the trainee sees on the action, e.g. "the manufacturer".
    pub name: Text,
    /// All must hold for a transfer here to be within policy; empty means
    /// it always is.
    #[serde(default)]
    pub allowed_when: Vec<Condition>,
    /// Added to the reply's own points when a transfer here breaks the policy.
    #[serde(default = "TransferPolicy::default_misuse")]
    pub misuse: Points,
    /// Coaching shown when a transfer here breaks the policy.
    #[serde(default)]
    pub misuse_note: Text,
}

/// When handing the caller to a supervisor is right (seed 002): when the
/// caller insists or the issue is beyond the agent, never to get rid of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferPolicy {
    /// All must hold for a transfer to be within policy; empty means a
    /// transfer is always allowed.
    #[serde(default)]
    pub allowed_when: Vec<Condition>,
    /// Added to the reply's own points when a transfer breaks the policy.
    #[serde(default = "TransferPolicy::default_misuse")]
    pub misuse: Points,
    /// Coaching shown when a transfer breaks the policy.
    #[serde(default)]
    pub misuse_note: Text,
}

impl TransferPolicy {
    fn default_misuse() -> Points {
        Points::new(-2, -2, 0, -3)
    }
}

impl Default for TransferPolicy {
    fn default() -> Self {
        TransferPolicy {
            allowed_when: Vec::new(),
            misuse: Self::default_misuse(),
            misuse_note: Text::Missing,
        }
    }
}

/// The engine's rules from the seeds, with defaults a scenario may tune.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub repetition: RepetitionRule,
    #[serde(default)]
    pub hold: HoldRule,
    #[serde(default)]
    pub hang_up: HangUpRule,
    #[serde(default)]
    pub over_accommodation: OverAccommodationRule,
    #[serde(default)]
    pub not_understood: NotUnderstoodRule,
    #[serde(default)]
    pub understanding: UnderstandingRule,
}

/// A typed reply the game did not understand still takes a turn: the
/// caller says they did not follow, the call goes on at the same moment,
/// and the caller's patience pays for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotUnderstoodRule {
    /// Call time the exchange takes.
    #[serde(default = "NotUnderstoodRule::default_seconds")]
    pub seconds: u32,
    /// Added to the caller's anger.
    #[serde(default = "NotUnderstoodRule::default_anger")]
    pub anger: i32,
    /// Added to the caller's trust.
    #[serde(default)]
    pub trust: i32,
}

impl NotUnderstoodRule {
    fn default_seconds() -> u32 {
        8
    }

    fn default_anger() -> i32 {
        3
    }
}

impl Default for NotUnderstoodRule {
    fn default() -> Self {
        NotUnderstoodRule {
            seconds: NotUnderstoodRule::default_seconds(),
            anger: NotUnderstoodRule::default_anger(),
            trust: 0,
        }
    }
}

/// How sure the game must be to play a typed reply (cosine similarities
/// between the typed text and a reply's closest phrase, -1 to 1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnderstandingRule {
    /// Played when the closest reply is at least this close...
    #[serde(default = "UnderstandingRule::default_accept")]
    pub accept: f32,
    /// ...and at least this much closer than the next one.
    #[serde(default = "UnderstandingRule::default_margin")]
    pub margin: f32,
    /// Below this, not understood; between it and a clear match, unsure.
    #[serde(default = "UnderstandingRule::default_floor")]
    pub floor: f32,
    /// Not played, but unsure, when a reply written for another moment of
    /// the call is at least this much closer than the closest one offered:
    /// the trainee made a move the scenario has for later (or earlier),
    /// not one of those on offer.
    #[serde(default = "UnderstandingRule::default_elsewhere")]
    pub elsewhere: f32,
}

impl UnderstandingRule {
    fn default_accept() -> f32 {
        0.52
    }

    fn default_margin() -> f32 {
        0.02
    }

    fn default_floor() -> f32 {
        0.31
    }

    fn default_elsewhere() -> f32 {
        0.05
    }
}

impl Default for UnderstandingRule {
    fn default() -> Self {
        UnderstandingRule {
            accept: UnderstandingRule::default_accept(),
            margin: UnderstandingRule::default_margin(),
            floor: UnderstandingRule::default_floor(),
            elsewhere: UnderstandingRule::default_elsewhere(),
        }
    }
}

/// Saying the same kind of thing again lands worse each time (seed 001: the
/// SMS instruction given three times). Holds are priced by [`HoldRule`]
/// instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepetitionRule {
    /// Share of a reply's positive points kept on each repeat of its kind:
    /// with 0.5 the second use keeps half, the third a quarter.
    #[serde(default = "RepetitionRule::default_keep")]
    pub keep: f32,
    /// Added to understanding per earlier use of the same kind.
    #[serde(default = "RepetitionRule::default_understanding")]
    pub understanding: i32,
    /// Added to the caller's anger per earlier use of the same kind.
    #[serde(default = "RepetitionRule::default_anger")]
    pub anger: i32,
    /// Kinds that may be repeated freely (e.g. `listen`).
    #[serde(default)]
    pub exempt: Vec<String>,
}

impl RepetitionRule {
    fn default_keep() -> f32 {
        0.5
    }
    fn default_understanding() -> i32 {
        -1
    }
    fn default_anger() -> i32 {
        10
    }
}

impl Default for RepetitionRule {
    fn default() -> Self {
        RepetitionRule {
            keep: Self::default_keep(),
            understanding: Self::default_understanding(),
            anger: Self::default_anger(),
            exempt: Vec::new(),
        }
    }
}

/// Hold costs patience, more when long or repeated (seed 002).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldRule {
    /// A hold up to this long costs nothing.
    #[serde(default = "HoldRule::default_free_seconds")]
    pub free_seconds: u32,
    /// Anger added per minute on hold beyond the free seconds.
    #[serde(default = "HoldRule::default_anger_per_minute")]
    pub anger_per_minute: i32,
    /// Trust added (usually lost) per minute beyond the free seconds.
    #[serde(default = "HoldRule::default_trust_per_minute")]
    pub trust_per_minute: i32,
    /// Each earlier hold multiplies the cost of the next by this.
    #[serde(default = "HoldRule::default_repeat")]
    pub repeat: f32,
    /// Emotion points per minute on hold beyond the free seconds: a
    /// needless hold is a lapse of warmth, not only of the caller's mood.
    #[serde(default = "HoldRule::default_points_per_minute")]
    pub emotion_per_minute: i32,
    /// Assistance points per minute on hold beyond the free seconds.
    #[serde(default = "HoldRule::default_points_per_minute")]
    pub assistance_per_minute: i32,
}

impl HoldRule {
    fn default_free_seconds() -> u32 {
        30
    }
    fn default_anger_per_minute() -> i32 {
        10
    }
    fn default_trust_per_minute() -> i32 {
        -5
    }
    fn default_repeat() -> f32 {
        1.5
    }
    fn default_points_per_minute() -> i32 {
        -2
    }
}

impl Default for HoldRule {
    fn default() -> Self {
        HoldRule {
            free_seconds: Self::default_free_seconds(),
            anger_per_minute: Self::default_anger_per_minute(),
            trust_per_minute: Self::default_trust_per_minute(),
            repeat: Self::default_repeat(),
            emotion_per_minute: Self::default_points_per_minute(),
            assistance_per_minute: Self::default_points_per_minute(),
        }
    }
}

/// Ending the call on a caller who is not done is an upheld complaint
/// (seed 001). The trainee can always hang up; this says what it costs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HangUpRule {
    /// The ending (of kind `AgentHungUp`) a premature hang-up leads to; when
    /// left out the engine uses its own.
    #[serde(default)]
    pub ending: Option<String>,
    /// Points for hanging up on a caller who is not done.
    #[serde(default = "HangUpRule::default_points")]
    pub points: Points,
}

impl HangUpRule {
    fn default_points() -> Points {
        Points::new(-3, -5, -5, -5)
    }
}

impl Default for HangUpRule {
    fn default() -> Self {
        HangUpRule {
            ending: None,
            points: Self::default_points(),
        }
    }
}

/// Giving in to an unjustified demand to make the caller go away (seed 004,
/// 息事宁人): the debrief names it, and it is never a win.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverAccommodationRule {
    /// Added to the reply's own points.
    #[serde(default)]
    pub points: Points,
    /// The most respect and sincerity (0-100) a call that gave in can
    /// show, whatever it earned: low enough to read as a failure.
    #[serde(default = "OverAccommodationRule::default_cap")]
    pub cap: u8,
}

impl OverAccommodationRule {
    fn default_cap() -> u8 {
        30
    }
}

impl Default for OverAccommodationRule {
    fn default() -> Self {
        OverAccommodationRule {
            points: Points::default(),
            cap: Self::default_cap(),
        }
    }
}

/// What happened before the call (e.g. "already sent away three times"):
/// the call starts as a continuation of it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Reply kinds the caller has already heard, and how many times: the
    /// repetition rule and `Used` conditions count them from the start,
    /// e.g. `{"redirect_to_sms": 3}`.
    #[serde(default)]
    pub used: BTreeMap<String, u8>,
    /// Nodes the caller has already been through: `Visited` holds for them
    /// from the start.
    #[serde(default)]
    pub visited: Vec<String>,
}

/// The caller.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub name: Text,
    pub description: Text,
    /// At least `anger` and `trust`; a scenario may add its own.
    pub meters: Vec<Meter>,
    #[serde(default)]
    pub traits: Vec<Trait>,
    /// How the game draws the caller's face.
    #[serde(default)]
    pub face: Face,
}

/// A mood meter, such as anger or trust.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meter {
    pub id: String,
    /// The name shown beside the bar; the id when left out.
    #[serde(default)]
    pub label: Text,
    #[serde(default)]
    pub min: i32,
    #[serde(default = "Meter::default_max")]
    pub max: i32,
    /// A value, or `(low, high)` for a random start in that range.
    pub start: Start,
}

impl Meter {
    fn default_max() -> i32 {
        100
    }
}

/// Where a meter starts: one value, or a random value in a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Fixed(i32),
    Between(i32, i32),
}

impl Start {
    pub fn low(self) -> i32 {
        match self {
            Start::Fixed(v) => v,
            Start::Between(low, _) => low,
        }
    }

    pub fn high(self) -> i32 {
        match self {
            Start::Fixed(v) => v,
            Start::Between(_, high) => high,
        }
    }
}

impl<'de> Deserialize<'de> for Start {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StartVisitor;

        impl<'de> Visitor<'de> for StartVisitor {
            type Value = Start;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number such as 40, or a range such as (30, 60)")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Start, E> {
                i32::try_from(v)
                    .map(Start::Fixed)
                    .map_err(|_| E::custom("this number is too large for a meter"))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Start, E> {
                i32::try_from(v)
                    .map(Start::Fixed)
                    .map_err(|_| E::custom("this number is too large for a meter"))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Start, A::Error> {
                let low: i32 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let high: i32 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<i32>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(Start::Between(low, high))
            }
        }

        deserializer.deserialize_any(StartVisitor)
    }
}

/// A trait scales how replies of certain kinds land (e.g. a caller who hates
/// scripted phrases: routine apologies raise anger twice as much).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trait {
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    /// The reply kinds this trait applies to.
    pub kinds: Vec<String>,
    /// Multiplies the meter effects of those replies.
    #[serde(default = "one")]
    pub effects: f32,
    /// Multiplies the points of those replies.
    #[serde(default = "one")]
    pub points: f32,
}

fn one() -> f32 {
    1.0
}

/// The drawn face's look; its expression follows the mood.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Face {
    #[serde(default)]
    pub skin: Skin,
    #[serde(default)]
    pub hair: Hair,
    #[serde(default)]
    pub hair_colour: HairColour,
    #[serde(default)]
    pub glasses: bool,
    #[serde(default)]
    pub beard: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Skin {
    Light,
    #[default]
    Medium,
    Tan,
    Dark,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Hair {
    #[default]
    Short,
    Long,
    Bun,
    Bald,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum HairColour {
    #[default]
    Black,
    Brown,
    Blonde,
    Red,
    Grey,
    White,
}

/// One line of what "check the account" shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFact {
    pub label: Text,
    pub value: Text,
}

/// A point in the call: what the caller says, and what the trainee may reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    /// Line variants; the engine picks the most specific one whose
    /// conditions hold, by weight among equals.
    pub says: Vec<Line>,
    pub replies: Vec<Reply>,
    /// The caller has finished: ending the call here is not hanging up on them.
    #[serde(default)]
    pub done: bool,
    /// A moment that only moves the call on: no reply here is right or
    /// wrong, so none needs points or a coaching note.
    #[serde(default)]
    pub neutral: bool,
}

/// One way the caller may say their line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub text: Text,
    #[serde(default)]
    pub when: Vec<Condition>,
    #[serde(default = "one_u32")]
    pub weight: u32,
}

fn one_u32() -> u32 {
    1
}

/// Something the trainee can say or do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// Unique within its node; scripts and records name replies by id.
    pub id: String,
    pub text: Text,
    /// What sort of reply this is (e.g. `redirect_to_sms`), so the engine
    /// can see repetition and traits can apply.
    pub kind: String,
    #[serde(default)]
    pub action: Action,
    /// All must hold for the reply to be offered.
    #[serde(default)]
    pub when: Vec<Condition>,
    /// Offered only until chosen once.
    #[serde(default)]
    pub once: bool,
    #[serde(default)]
    pub points: Points,
    /// Changes to the caller's meters, e.g. `{"anger": -10, "trust": 15}`.
    #[serde(default)]
    pub effects: Effects,
    /// Where the call goes: a node or an ending.
    pub next: String,
    /// Checked in order before `next`; the first whose conditions hold wins.
    #[serde(default)]
    pub branches: Vec<Branch>,
    /// One line of coaching: why these points.
    #[serde(default)]
    pub note: Text,
    /// Call time the reply takes.
    #[serde(default = "Reply::default_seconds")]
    pub seconds: u32,
    /// Giving in to an unjustified demand (seed 004).
    #[serde(default)]
    pub over_accommodation: bool,
    /// With `action: Transfer`: the id of one of `policy.transfers`; left
    /// out, the transfer is to a supervisor under `policy.transfer`.
    #[serde(default)]
    pub to: Option<String>,
    /// Its positive points count every time it is chosen. Otherwise they
    /// count once per call: going round a loop again earns nothing.
    #[serde(default)]
    pub repeatable: bool,
    /// Neither right nor wrong: it needs no points and no coaching note.
    #[serde(default)]
    pub neutral: bool,
    /// Other ways a trainee might say this reply, for understanding typed
    /// replies: each a plain string (the default language) or a language map.
    #[serde(default)]
    pub examples: Vec<Text>,
}

impl Reply {
    fn default_seconds() -> u32 {
        15
    }
}

/// What a reply does besides talking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Action {
    #[default]
    Say,
    /// Look the caller's account up: reveals the scenario's account facts.
    CheckAccount,
    /// Put the caller on hold.
    Hold { seconds: u32 },
    /// Hand the caller to a supervisor, judged against the transfer policy.
    Transfer,
    /// End the call. On a caller who is not done, an upheld complaint.
    EndCall,
}

/// A conditional `next`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub when: Vec<Condition>,
    pub next: String,
}

/// Meter changes, kept in the order written so duplicates can be reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects(pub Vec<(String, i32)>);

impl<'de> Deserialize<'de> for Effects {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EffectsVisitor;

        impl<'de> Visitor<'de> for EffectsVisitor {
            type Value = Effects;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a map of meter to change, such as {"anger": -10, "trust": 5}"#)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Effects, A::Error> {
                let mut changes = Vec::new();
                while let Some(entry) = access.next_entry::<String, i32>()? {
                    changes.push(entry);
                }
                Ok(Effects(changes))
            }
        }

        deserializer.deserialize_map(EffectsVisitor)
    }
}

/// A test on the call's state, used by line variants, replies, branches,
/// thresholds and the transfer policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum Condition {
    /// The meter is at least this value.
    AtLeast(String, i32),
    /// The meter is at most this value.
    AtMost(String, i32),
    /// The call has passed through this node.
    Visited(String),
    /// The call has not passed through this node.
    NotVisited(String),
    /// A reply of this kind has been chosen.
    Used(String),
    /// The reply just chosen was of this kind, so a line can answer what the
    /// trainee has only now said rather than anything said before.
    JustUsed(String),
    /// The trainee has checked the account.
    Checked,
    /// At least one of these holds.
    AnyOf(Vec<Condition>),
    /// This does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// Whether this and `other` can never hold at once, as far as their
    /// form shows: a condition and its `Not`, visited and not visited, a
    /// meter at least one value and at most a smaller one. `false` means
    /// they may.
    pub fn excludes(&self, other: &Condition) -> bool {
        use Condition::*;
        match (self, other) {
            (Not(a), b) | (b, Not(a)) if **a == *b => true,
            (Visited(a), NotVisited(b)) | (NotVisited(a), Visited(b)) => a == b,
            (AtLeast(m, low), AtMost(n, high)) | (AtMost(n, high), AtLeast(m, low)) => m == n && high < low,
            _ => false,
        }
    }

    /// Whether two `when` lists (each all to hold) can never hold at once.
    pub fn never_together(a: &[Condition], b: &[Condition]) -> bool {
        a.iter().any(|x| b.iter().any(|y| x.excludes(y)))
    }
}

/// How a call can end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    pub id: String,
    pub kind: EndingKind,
    pub title: Text,
    /// What the debrief says about this ending.
    pub debrief: Text,
    /// The caller's last words, if any.
    #[serde(default)]
    pub says: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum EndingKind {
    Delighted,
    Resolved,
    Escalated,
    Complaint,
    CallerHungUp,
    AgentHungUp,
}

impl EndingKind {
    pub const ALL: [EndingKind; 6] = [
        EndingKind::Delighted,
        EndingKind::Resolved,
        EndingKind::Escalated,
        EndingKind::Complaint,
        EndingKind::CallerHungUp,
        EndingKind::AgentHungUp,
    ];

    /// Whether the trainee can count this ending as handling the call well.
    pub fn is_good(self) -> bool {
        matches!(self, EndingKind::Delighted | EndingKind::Resolved)
    }

    /// The name trainers write in RON.
    pub fn name(self) -> &'static str {
        match self {
            EndingKind::Delighted => "Delighted",
            EndingKind::Resolved => "Resolved",
            EndingKind::Escalated => "Escalated",
            EndingKind::Complaint => "Complaint",
            EndingKind::CallerHungUp => "CallerHungUp",
            EndingKind::AgentHungUp => "AgentHungUp",
        }
    }
}

/// Ends the call when a mood level is reached.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub when: Vec<Condition>,
    pub ending: String,
}

/// Sound files, relative to the scenario's folder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// Played while the caller is on hold.
    #[serde(default)]
    pub hold_music: Option<String>,
    /// Played while the phone rings.
    #[serde(default)]
    pub ringtone: Option<String>,
}

impl Scenario {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn ending(&self, id: &str) -> Option<&Ending> {
        self.endings.iter().find(|e| e.id == id)
    }

    /// The `policy.transfers` target called `id`.
    pub fn transfer_target(&self, id: &str) -> Option<&TransferTarget> {
        self.policy.transfers.iter().find(|t| t.id == id)
    }

    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    pub fn meter_index(&self, id: &str) -> Option<usize> {
        self.persona.meters.iter().position(|m| m.id == id)
    }

    /// A text in `lang`, falling back to the scenario's default language.
    pub fn text<'a>(&'a self, text: &'a Text, lang: &str) -> &'a str {
        text.get(lang, &self.default_language)
    }

    /// Every text in the file with a description of where it is, for
    /// validation and translation reports.
    pub fn texts(&self) -> Vec<(spans::Path, &Text)> {
        use spans::Path;
        let mut out = vec![
            (Path::root().field("title"), &self.title),
            (Path::root().field("summary"), &self.summary),
            (Path::root().field("persona").field("name"), &self.persona.name),
            (
                Path::root().field("persona").field("description"),
                &self.persona.description,
            ),
        ];
        if !matches!(self.policy.notes, Text::Missing) {
            out.push((Path::root().field("policy").field("notes"), &self.policy.notes));
        }
        // Optional texts the trainee still sees (the meter bars, the trait
        // list, the transfer coaching) need every language once given.
        let misuse_note = &self.policy.transfer.misuse_note;
        if !matches!(misuse_note, Text::Missing) {
            let p = Path::root()
                .field("policy")
                .field("transfer")
                .field("misuse_note");
            out.push((p, misuse_note));
        }
        for (i, target) in self.policy.transfers.iter().enumerate() {
            let p = Path::root().field("policy").field("transfers").index(i);
            out.push((p.clone().field("name"), &target.name));
            if !matches!(target.misuse_note, Text::Missing) {
                out.push((p.field("misuse_note"), &target.misuse_note));
            }
        }
        for (i, m) in self.persona.meters.iter().enumerate() {
            if !matches!(m.label, Text::Missing) {
                let p = Path::root().field("persona").field("meters").index(i);
                out.push((p.field("label"), &m.label));
            }
        }
        for (kind, name) in &self.kind_names {
            out.push((Path::root().field("kind_names").key(kind), name));
        }
        for (i, t) in self.persona.traits.iter().enumerate() {
            let p = Path::root().field("persona").field("traits").index(i);
            out.push((p.clone().field("name"), &t.name));
            if !matches!(t.description, Text::Missing) {
                out.push((p.field("description"), &t.description));
            }
        }
        for (i, f) in self.account.iter().enumerate() {
            let p = Path::root().field("account").index(i);
            out.push((p.clone().field("label"), &f.label));
            out.push((p.field("value"), &f.value));
        }
        for (n, node) in self.nodes.iter().enumerate() {
            let np = Path::root().field("nodes").index(n);
            for (l, line) in node.says.iter().enumerate() {
                out.push((np.clone().field("says").index(l).field("text"), &line.text));
            }
            for (r, reply) in node.replies.iter().enumerate() {
                let rp = np.clone().field("replies").index(r);
                out.push((rp.clone().field("text"), &reply.text));
                if !matches!(reply.note, Text::Missing) {
                    out.push((rp.field("note"), &reply.note));
                }
            }
        }
        for (e, ending) in self.endings.iter().enumerate() {
            let ep = Path::root().field("endings").index(e);
            out.push((ep.clone().field("title"), &ending.title));
            out.push((ep.clone().field("debrief"), &ending.debrief));
            if !matches!(ending.says, Text::Missing) {
                out.push((ep.field("says"), &ending.says));
            }
        }
        out
    }
}

impl Scenario {
    /// A reply kind as the trainee should read it in `lang`.
    pub fn kind_name<'a>(&'a self, kind: &'a str, lang: &str) -> &'a str {
        match self.kind_names.get(kind) {
            Some(name) if !name.is_blank() => self.text(name, lang),
            _ => kind,
        }
    }
}

/// Every reply kind used in the scenario, sorted.
pub fn reply_kinds(scenario: &Scenario) -> Vec<&str> {
    let mut kinds: Vec<&str> = scenario
        .nodes
        .iter()
        .flat_map(|n| n.replies.iter().map(|r| r.kind.as_str()))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// Meter values by id, for reports.
pub type MeterValues = BTreeMap<String, i32>;
