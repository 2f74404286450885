//! What the class hub and the game's client say to each other: the JSON of
//! the hub's API under `/api/v1`, shared by both sides so they cannot drift.

use serde::{Deserialize, Serialize};

use crate::debrief::Debrief;

/// The API's path prefix; a breaking change gets a new version beside it.
pub const API: &str = "/api/v1";

/// How a class is run: the same two ways a trainee can play alone.
pub use crate::call::Mode;

/// A facilitator's request for a new class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewClass {
    pub name: String,
    /// Scenario ids, in the order the picker shows them.
    pub scenarios: Vec<String>,
    pub mode: Mode,
    /// Trainees reply in their own words, typed: the game shows no list of
    /// replies to pick from (an exam of what they would really say).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typing_required: bool,
}

/// A scenario assigned to a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedScenario {
    pub id: String,
    /// The title in the scenario's default language, when the hub has the file.
    pub title: Option<String>,
}

/// What a trainee (and the facilitator) knows of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub name: String,
    pub join_code: String,
    pub mode: Mode,
    pub scenarios: Vec<AssignedScenario>,
    /// Trainees must type their replies ([`NewClass::typing_required`]);
    /// absent from an older hub's answer: not required.
    #[serde(default)]
    pub typing_required: bool,
}

/// The answer to creating a class. The secret is shown once: the hub keeps
/// only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCreated {
    pub class: ClassInfo,
    pub facilitator_secret: String,
    /// The results page, with the secret in it: open it once in a browser,
    /// which keeps the secret in a cookie and drops it from the address bar.
    pub results_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub join_code: String,
    pub name: String,
}

/// A trainee's place in a class. The token is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub trainee_id: i64,
    pub name: String,
    pub token: String,
    pub class: ClassInfo,
}

/// A finished call, as a trainee's game sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptUpload {
    /// Made by the game when the call ended (a UUID); sending the same
    /// attempt again is harmless, a different one under the same id is refused.
    pub attempt_id: String,
    pub scenario: String,
    pub seed: u64,
    pub language: String,
    /// Reply ids in order, as `callsim_core::CallRecord` has them.
    pub choices: Vec<String>,
    /// The game's debrief of the call.
    pub debrief: Debrief,
    /// When the call ended (RFC 3339, UTC); attempts can wait in the queue
    /// for a while before the hub hears of them.
    pub finished_at: String,
}

/// Whether the hub stored an attempt now or had it already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Receipt {
    Recorded,
    AlreadyRecorded,
}

/// The hub's acknowledgement of an attempt: once the game has this, the
/// attempt is safe on the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptReceipt {
    pub attempt_id: String,
    pub receipt: Receipt,
    /// The hub replayed the choices with its own copy of the scenario and
    /// got the same scores.
    pub verified: bool,
    pub respect: u8,
    pub sincerity: u8,
}

/// An attempt as the hub lists it back to its trainee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub attempt_id: String,
    pub scenario: String,
    pub seed: u64,
    pub language: String,
    pub ending: String,
    pub ending_kind: String,
    pub success: bool,
    pub respect: u8,
    pub sincerity: u8,
    pub verified: bool,
    pub finished_at: String,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, for programs: `wrong-join-code`, `forged-scores`, ...
    pub code: String,
    /// For people: what went wrong and what to do.
    pub message: String,
}

/// A facilitator's request to play a scenario with the class voting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVote {
    pub scenario: String,
    pub seed: u64,
    pub language: String,
}

/// One option of the turn being voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOption {
    /// 1-based, in the shuffled order everyone sees.
    pub number: usize,
    /// The reply id, or `hang_up`.
    pub id: String,
    pub text: String,
    /// `say`, `check_account`, `hold`, `transfer` or `end_call`.
    pub action: String,
    /// Votes so far; only the facilitator sees them before the turn closes.
    pub votes: Option<u32>,
}

/// A turn the facilitator has played.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayedTurn {
    pub turn: usize,
    pub caller: String,
    pub reply: String,
    pub text: String,
    /// The class's choice, if anyone voted.
    pub majority: Option<String>,
    /// The facilitator played something other than the majority.
    pub overridden: bool,
    pub votes: Vec<VoteCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCount {
    pub reply: String,
    pub votes: u32,
}

/// A meter as the projector shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterReading {
    pub id: String,
    pub label: String,
    pub value: i32,
    pub min: i32,
    pub max: i32,
}

/// Where a vote-mode call stands. `version` grows with every change, so a
/// client can wait for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteView {
    pub session_id: i64,
    pub scenario: String,
    pub title: String,
    pub seed: u64,
    pub language: String,
    pub version: u64,
    /// The turn being voted on (1-based); the last turn's number + 1 once over.
    pub turn: usize,
    pub caller: String,
    pub meters: Vec<MeterReading>,
    pub options: Vec<VoteOption>,
    /// How many trainees have voted this turn, and how many are in the class.
    pub voted: u32,
    pub trainees: u32,
    /// The asking trainee's own vote this turn.
    pub my_vote: Option<String>,
    pub played: Vec<PlayedTurn>,
    /// Set once the call has ended.
    pub ending: Option<VoteEnding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteEnding {
    pub id: String,
    pub kind: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastVote {
    pub reply: String,
}

/// The facilitator's move: the majority choice (`reply: None`) or another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlayTurn {
    pub reply: Option<String>,
}

/// One turn of a vote-mode call, reviewed: how the class voted next to the best reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotedTurnReview {
    pub turn: usize,
    pub caller: String,
    pub played: String,
    pub majority: Option<String>,
    pub overridden: bool,
    /// The reply leading to the best total from there (the one played when it was best).
    pub best: String,
    pub best_text: String,
    pub votes: Vec<VoteCount>,
    /// The share of the votes that went to the best reply, 0-100.
    pub voted_best_percent: u8,
}

/// The debrief of a vote-mode call: the core's debrief and the class's votes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoteDebrief {
    /// The debrief of the call as played.
    pub debrief: Debrief,
    pub turns: Vec<VotedTurnReview>,
}

/// A trainee's view of themself and their class (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraineeInfo {
    pub trainee_id: i64,
    pub name: String,
    pub class: ClassInfo,
}

/// One of a trainee's stored attempts, with what was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAttempt {
    pub summary: AttemptSummary,
    pub upload: AttemptUpload,
}

/// A trainee as the facilitator sees the class list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraineeEntry {
    pub trainee_id: i64,
    pub name: String,
    pub joined_at: String,
}

/// The facilitator's view of the class (`GET /api/v1/classes/{code}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassOverview {
    pub class: ClassInfo,
    pub trainees: Vec<TraineeEntry>,
}
