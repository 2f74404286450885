//! Facilitated vote mode: the hub plays one call with the engine, so every
//! trainee sees the same shuffled options; trainees vote on each turn, the
//! facilitator plays the majority (or overrides it), and the debrief shows
//! how the class voted next to the best reply.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::sync::{Mutex, watch};

use callsim_core::call::{Call, OptionView};
use callsim_core::engine::Model;
use callsim_core::scenario::Action;
use callsim_core::wire::{
    MeterReading, PlayedTurn, VoteCount, VoteDebrief, VoteEnding, VoteOption, VoteView, VotedTurnReview,
};

use super::store::{VoteRow, VoteSessionRow, VoteTurnRow};

/// A turn already played, as the projector and the debrief show it.
#[derive(Debug, Clone)]
struct TurnLog {
    caller: String,
    options: Vec<OptionView>,
    row: VoteTurnRow,
    votes: Vec<VoteCount>,
}

/// One vote-mode call in progress.
pub struct Room {
    pub session: VoteSessionRow,
    call: Call,
    log: Vec<TurnLog>,
    /// This turn's votes, by trainee.
    current: BTreeMap<i64, String>,
    version: u64,
    changed: watch::Sender<u64>,
}

/// Who is looking at a vote.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    Facilitator,
    Trainee(i64),
}

/// Why a vote or a play is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteError {
    /// 409: the turn is not the one open now, or the call is over.
    Closed(String),
    /// 422: no such option this turn.
    NotOffered(String),
    /// 409: nobody voted and the facilitator did not choose.
    NoVotes,
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Say => "say",
        Action::CheckAccount => "check_account",
        Action::Hold { .. } => "hold",
        Action::Transfer => "transfer",
        Action::EndCall => "end_call",
    }
}

/// Votes per option, in the options' order, and the most voted (the first
/// shown among equals), if anyone voted.
fn tally(options: &[OptionView], votes: &BTreeMap<i64, String>) -> (Vec<VoteCount>, Option<String>) {
    let counts: Vec<VoteCount> = options
        .iter()
        .map(|o| VoteCount {
            reply: o.id.clone(),
            votes: votes.values().filter(|v| **v == o.id).count() as u32,
        })
        .collect();
    let majority = counts
        .iter()
        .filter(|c| c.votes > 0)
        .fold(None::<&VoteCount>, |best, c| match best {
            Some(b) if b.votes >= c.votes => Some(b),
            _ => Some(c),
        })
        .map(|c| c.reply.clone());
    (counts, majority)
}

impl Room {
    /// The room for `session`, with the turns already played and the votes
    /// already cast (after a restart, the call is replayed from them).
    pub fn restore(
        model: Arc<Model>,
        session: VoteSessionRow,
        played: Vec<VoteTurnRow>,
        votes: &[VoteRow],
    ) -> Result<Room, String> {
        let mut call = Call::start(model, session.seed, &session.language);
        let mut by_turn: BTreeMap<i64, BTreeMap<i64, String>> = BTreeMap::new();
        for v in votes {
            by_turn
                .entry(v.turn)
                .or_default()
                .insert(v.trainee_id, v.reply.clone());
        }
        let mut log = Vec::new();
        for row in played {
            let caller = call.caller_line().to_owned();
            let options = call.options().to_vec();
            let (votes, _) = tally(&options, by_turn.get(&row.number).unwrap_or(&BTreeMap::new()));
            call.choose_id(&row.played)
                .map_err(|e| format!("vote session {}: {e}", session.id))?;
            log.push(TurnLog {
                caller,
                options,
                row,
                votes,
            });
        }
        let current = by_turn.remove(&(log.len() as i64 + 1)).unwrap_or_default();
        let (changed, _) = watch::channel(1);
        Ok(Room {
            session,
            call,
            log,
            current,
            version: 1,
            changed,
        })
    }

    /// The turn open for votes now (1-based).
    pub fn turn(&self) -> usize {
        self.log.len() + 1
    }

    pub fn is_over(&self) -> bool {
        self.call.is_over()
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn bump(&mut self) {
        self.version += 1;
        self.changed.send_replace(self.version);
    }

    fn check_turn(&self, turn: usize) -> Result<(), VoteError> {
        if self.call.is_over() {
            return Err(VoteError::Closed(
                "the call has ended; there is nothing left to vote on".into(),
            ));
        }
        if turn != self.turn() {
            return Err(VoteError::Closed(format!(
                "turn {turn} is not open; the class is on turn {}",
                self.turn()
            )));
        }
        Ok(())
    }

    /// Checks a trainee's vote; `record_vote` applies it once stored.
    pub fn check_vote(&self, turn: usize, reply: &str) -> Result<(), VoteError> {
        self.check_turn(turn)?;
        if !self.call.options().iter().any(|o| o.id == reply) {
            return Err(VoteError::NotOffered(format!(
                "`{reply}` is not an option this turn; the options are {}",
                self.option_ids()
            )));
        }
        Ok(())
    }

    pub fn record_vote(&mut self, trainee: i64, reply: &str) {
        self.current.insert(trainee, reply.to_owned());
        self.bump();
    }

    fn option_ids(&self) -> String {
        self.call
            .options()
            .iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What the facilitator's play would store: the chosen reply (the
    /// majority when `reply` is `None`) and whether it overrides the class.
    pub fn plan_play(&self, turn: usize, reply: Option<&str>) -> Result<VoteTurnRow, VoteError> {
        self.check_turn(turn)?;
        let (_, majority) = tally(self.call.options(), &self.current);
        let played = match reply {
            Some(id) if self.call.options().iter().any(|o| o.id == id) => id.to_owned(),
            Some(id) => {
                return Err(VoteError::NotOffered(format!(
                    "`{id}` is not an option this turn; the options are {}",
                    self.option_ids()
                )));
            }
            None => majority.clone().ok_or(VoteError::NoVotes)?,
        };
        Ok(VoteTurnRow {
            number: turn as i64,
            overridden: majority.as_ref().is_some_and(|m| *m != played),
            played,
            majority,
        })
    }

    /// Plays a stored turn on the call and opens the next one.
    pub fn apply_play(&mut self, row: VoteTurnRow) -> Result<(), String> {
        let caller = self.call.caller_line().to_owned();
        let options = self.call.options().to_vec();
        let (votes, _) = tally(&options, &self.current);
        self.call.choose_id(&row.played).map_err(|e| e.to_string())?;
        self.log.push(TurnLog {
            caller,
            options,
            row,
            votes,
        });
        self.current.clear();
        self.bump();
        Ok(())
    }

    pub fn view(&self, viewer: Viewer, trainees: u32) -> VoteView {
        let s = &self.call.model().scenario;
        let (counts, _) = tally(self.call.options(), &self.current);
        let show_votes = matches!(viewer, Viewer::Facilitator);
        VoteView {
            session_id: self.session.id,
            scenario: s.id.clone(),
            title: s.text(&s.title, &self.session.language).to_owned(),
            seed: self.session.seed,
            language: self.session.language.clone(),
            version: self.version,
            turn: self.turn(),
            caller: self.call.caller_line().to_owned(),
            meters: self
                .call
                .meters()
                .into_iter()
                .map(|m| MeterReading {
                    id: m.id,
                    label: m.label,
                    value: m.value,
                    min: m.min,
                    max: m.max,
                })
                .collect(),
            options: self
                .call
                .options()
                .iter()
                .zip(&counts)
                .map(|(o, c)| VoteOption {
                    number: o.number,
                    id: o.id.clone(),
                    text: o.text.clone(),
                    action: action_name(o.action).to_owned(),
                    votes: show_votes.then_some(c.votes),
                })
                .collect(),
            voted: self.current.len() as u32,
            trainees,
            my_vote: match viewer {
                Viewer::Trainee(id) => self.current.get(&id).cloned(),
                Viewer::Facilitator => None,
            },
            played: self
                .log
                .iter()
                .map(|t| PlayedTurn {
                    turn: t.row.number as usize,
                    caller: t.caller.clone(),
                    text: t
                        .options
                        .iter()
                        .find(|o| o.id == t.row.played)
                        .map(|o| o.text.clone())
                        .unwrap_or_default(),
                    reply: t.row.played.clone(),
                    majority: t.row.majority.clone(),
                    overridden: t.row.overridden,
                    votes: t.votes.clone(),
                })
                .collect(),
            ending: self.call.ending().map(|e| VoteEnding {
                id: e.id,
                kind: format!("{:?}", e.kind),
                title: e.title,
            }),
        }
    }

    /// The debrief once the call is over: the core's, plus per turn how the
    /// class voted next to the best reply.
    pub fn debrief(&self) -> Option<VoteDebrief> {
        let debrief = self.call.debrief()?;
        let turns = debrief
            .turns
            .iter()
            .zip(&self.log)
            .map(|(review, log)| {
                let best = review
                    .best
                    .as_ref()
                    .map_or(review.turn.reply.clone(), |b| b.id.clone());
                let best_text = review
                    .best
                    .as_ref()
                    .map_or(review.turn.text.clone(), |b| b.text.clone());
                let total: u32 = log.votes.iter().map(|v| v.votes).sum();
                let for_best: u32 = log
                    .votes
                    .iter()
                    .filter(|v| v.reply == best)
                    .map(|v| v.votes)
                    .sum();
                VotedTurnReview {
                    turn: review.turn.number,
                    caller: log.caller.clone(),
                    played: review.turn.reply.clone(),
                    majority: log.row.majority.clone(),
                    overridden: log.row.overridden,
                    best,
                    best_text,
                    votes: log.votes.clone(),
                    // A share of the votes, 0 when nobody voted.
                    voted_best_percent: callsim_core::points::percent(
                        i32::try_from(for_best).unwrap_or(i32::MAX),
                        i32::try_from(total).unwrap_or(i32::MAX),
                    )
                    .unwrap_or(0),
                }
            })
            .collect();
        Some(VoteDebrief { debrief, turns })
    }

    /// The option texts of the turn being voted on, for the projector page.
    pub fn option_text(&self, id: &str) -> Option<String> {
        self.call
            .options()
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.text.clone())
    }
}

/// Rooms by session id, restored from the database on first use.
#[derive(Default)]
pub struct Rooms {
    pub rooms: Mutex<HashMap<i64, Arc<Mutex<Room>>>>,
}
