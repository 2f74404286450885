//! The rules of a call as one pure function: from a state and a choice, the
//! points earned, the meter changes, and where the call goes. The live call
//! (`call`) and the path analysis (`analysis`) both step through this, so
//! what the analysis proves is what the trainee plays.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::locale::text::Text;
use crate::points::{Points, Skill};
use crate::scenario::{Action, Condition, Ending, EndingKind, Scenario};

/// Repeats of one reply kind are counted up to this; past it every further
/// repeat lands like the last counted one. Keeps the state space finite.
pub const MAX_COUNTED_REPEATS: u8 = 6;

pub use crate::scenario::{MAX_KINDS, MAX_METERS};

/// Meter values by meter index; entries past the persona's meters are 0.
pub type Meters = [i32; MAX_METERS];

/// What the trainee chose at a node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Choice {
    /// A reply of the node, by its index in the file.
    Reply(usize),
    /// Hanging up, which the trainee can always do.
    #[default]
    HangUp,
    /// A typed reply the game did not understand: the caller says they did
    /// not follow and the call stays where it is. Never offered as an
    /// option, so the analysis never walks it.
    NotUnderstood,
}

/// Where a call ended: an ending from the file, or one of the engine's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndingRef {
    Authored(usize),
    /// The trainee hung up on a caller who was not done, and the scenario
    /// names no ending for that.
    HungUp,
    /// The call hit `max_turns`.
    GaveUp,
}

/// A rule from the seeds that changed how a reply landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleApplied {
    /// The same kind of reply again: `times` is this use's count.
    Repetition {
        kind: String,
        times: u8,
    },
    /// On hold: the patience it cost.
    Hold {
        seconds: u32,
        anger: i32,
        trust: i32,
        nth: u8,
        /// The emotion and assistance points it cost (zero within the
        /// free seconds).
        #[serde(default)]
        points: Points,
    },
    /// The reply was chosen before in this call: its positive points
    /// counted then, not again.
    PaidOnce,
    /// A transfer the policy allows; `to` names the target when it is not
    /// a supervisor.
    TransferWithinPolicy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    TransferAgainstPolicy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Ended the call on a caller who was not done.
    HungUpOnCaller,
    OverAccommodation,
    /// A trait of the caller's (by its index in the persona) scaled the reply.
    Trait {
        index: usize,
    },
    /// A typed reply was not understood: what the caller's patience paid.
    NotUnderstood {
        anger: i32,
        trust: i32,
    },
}

/// A compiled test on the state.
#[derive(Debug, Clone)]
enum Cond {
    AtLeast(usize, i32),
    AtMost(usize, i32),
    Visited(usize),
    NotVisited(usize),
    Used(usize),
    JustUsed(usize),
    Checked,
    AnyOf(Vec<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Node(usize),
    Ending(EndingRef),
}

#[derive(Debug, Clone)]
struct ReplyRule {
    kind: usize,
    action: Action,
    when: Vec<Cond>,
    /// Bit in `State::once_used`, for replies offered only once.
    once_bit: Option<usize>,
    /// Bit in `State::paid`, for replies whose positive points count once
    /// per call and that a loop can offer again.
    paid_bit: Option<u32>,
    points: Points,
    effects: Vec<(usize, i32)>,
    next: Target,
    branches: Vec<(Vec<Cond>, Target)>,
    seconds: u32,
    over_accommodation: bool,
    /// For a transfer: 0 a supervisor, `i + 1` the `policy.transfers[i]`.
    transfer_to: usize,
    effect_scale: f32,
    point_scale: f32,
    traits: Vec<usize>,
}

#[derive(Debug, Clone)]
struct NodeRule {
    replies: Vec<ReplyRule>,
    lines: Vec<(Vec<Cond>, u32)>,
    done: bool,
    /// Bit in `State::visited`, if any condition asks about this node.
    visit_bit: Option<usize>,
}

/// The state of a call that decides what can happen next. Lines already
/// said and the clock do not, so they are kept by the call, not here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub node: usize,
    pub meters: Meters,
    kind_uses: [u8; MAX_KINDS],
    visited: u64,
    once_used: u64,
    /// Replies whose positive points have been paid (see `paid_bit`).
    paid: u128,
    checked: bool,
    holds: u8,
    /// The kind of the reply just chosen, kept only when a condition asks
    /// (`JustUsed`), so other scenarios' states are not split by it.
    last_kind: Option<u8>,
}

/// An empty state (node 0, meters at 0): only what a turn read back from
/// JSON carries, never a state a call is in.
impl Default for State {
    fn default() -> State {
        State {
            node: 0,
            meters: [0; MAX_METERS],
            kind_uses: [0; MAX_KINDS],
            visited: 0,
            once_used: 0,
            paid: 0,
            checked: false,
            holds: 0,
            last_kind: None,
        }
    }
}

impl State {
    pub fn checked(&self) -> bool {
        self.checked
    }
}

/// What one choice does.
#[derive(Debug, Clone)]
pub struct Transition {
    pub points: Points,
    pub meters_after: Meters,
    pub rules: Vec<RuleApplied>,
    pub seconds: u32,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Continue(State),
    Ended(EndingRef),
}

/// Why a scenario could not be compiled. Only scenarios that failed
/// validation reach this; `load` reports them properly first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError(pub String);

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scenario cannot be played: {}", self.0)
    }
}

impl std::error::Error for CompileError {}

/// A validated scenario with every name resolved to an index.
#[derive(Debug, Clone)]
pub struct Model {
    pub scenario: Scenario,
    nodes: Vec<NodeRule>,
    pub kinds: Vec<String>,
    anger: usize,
    trust: usize,
    thresholds: Vec<(Vec<Cond>, EndingRef)>,
    /// The scenario's `not_understood` lines: conditions and weights.
    not_understood: Vec<(Vec<Cond>, u32)>,
    hang_up: EndingRef,
    /// Per transfer target (0 a supervisor, then `policy.transfers`).
    transfer_allowed: Vec<Vec<Cond>>,
    exempt: Vec<bool>,
    start: usize,
    /// Whether any condition is `JustUsed`, so states must remember the last kind.
    tracks_last_kind: bool,
    /// The caller's history (`Scenario::history`): the kind counts and
    /// visited nodes every call starts with.
    history: State,
}

struct Names<'a> {
    nodes: HashMap<&'a str, usize>,
    endings: HashMap<&'a str, usize>,
    meters: HashMap<&'a str, usize>,
    kinds: HashMap<&'a str, usize>,
    visit_bits: HashMap<usize, usize>,
}

impl Names<'_> {
    fn node(&self, id: &str) -> Result<usize, CompileError> {
        self.nodes
            .get(id)
            .copied()
            .ok_or_else(|| CompileError(format!("unknown node `{id}`")))
    }

    fn meter(&self, id: &str) -> Result<usize, CompileError> {
        self.meters
            .get(id)
            .copied()
            .ok_or_else(|| CompileError(format!("unknown meter `{id}`")))
    }

    fn kind(&self, id: &str) -> Result<usize, CompileError> {
        self.kinds
            .get(id)
            .copied()
            .ok_or_else(|| CompileError(format!("unknown reply kind `{id}`")))
    }

    fn ending(&self, id: &str) -> Result<EndingRef, CompileError> {
        self.endings
            .get(id)
            .map(|&i| EndingRef::Authored(i))
            .ok_or_else(|| CompileError(format!("unknown ending `{id}`")))
    }

    fn target(&self, id: &str) -> Result<Target, CompileError> {
        match self.nodes.get(id) {
            Some(&n) => Ok(Target::Node(n)),
            None => self.ending(id).map(Target::Ending),
        }
    }

    fn cond(&self, c: &Condition) -> Result<Cond, CompileError> {
        Ok(match c {
            Condition::AtLeast(m, v) => Cond::AtLeast(self.meter(m)?, *v),
            Condition::AtMost(m, v) => Cond::AtMost(self.meter(m)?, *v),
            Condition::Visited(n) => Cond::Visited(self.visit_bits[&self.node(n)?]),
            Condition::NotVisited(n) => Cond::NotVisited(self.visit_bits[&self.node(n)?]),
            Condition::Used(k) => Cond::Used(self.kind(k)?),
            Condition::JustUsed(k) => Cond::JustUsed(self.kind(k)?),
            Condition::Checked => Cond::Checked,
            Condition::AnyOf(list) => Cond::AnyOf(self.conds(list)?),
            Condition::Not(inner) => Cond::Not(Box::new(self.cond(inner)?)),
        })
    }

    fn conds(&self, list: &[Condition]) -> Result<Vec<Cond>, CompileError> {
        list.iter().map(|c| self.cond(c)).collect()
    }
}

fn visited_nodes(conditions: &[Condition], out: &mut Vec<String>) {
    for c in conditions {
        match c {
            Condition::Visited(n) | Condition::NotVisited(n) => out.push(n.clone()),
            Condition::AnyOf(list) => visited_nodes(list, out),
            Condition::Not(inner) => visited_nodes(std::slice::from_ref(inner.as_ref()), out),
            _ => {}
        }
    }
}

fn asks_just_used(conditions: &[Condition]) -> bool {
    conditions.iter().any(|c| match c {
        Condition::JustUsed(_) => true,
        Condition::AnyOf(list) => asks_just_used(list),
        Condition::Not(inner) => asks_just_used(std::slice::from_ref(inner.as_ref())),
        _ => false,
    })
}

fn all_conditions(s: &Scenario) -> Vec<&[Condition]> {
    let mut all: Vec<&[Condition]> = vec![&s.policy.transfer.allowed_when];
    all.extend(s.policy.transfers.iter().map(|t| t.allowed_when.as_slice()));
    all.extend(s.thresholds.iter().map(|t| t.when.as_slice()));
    for n in &s.nodes {
        all.extend(n.says.iter().map(|l| l.when.as_slice()));
        for r in &n.replies {
            all.push(&r.when);
            all.extend(r.branches.iter().map(|b| b.when.as_slice()));
        }
    }
    all
}

impl Model {
    /// Resolves every name in a validated scenario.
    pub fn new(scenario: Scenario) -> Result<Model, CompileError> {
        let s = &scenario;
        let kinds: Vec<String> = crate::scenario::reply_kinds(s)
            .into_iter()
            .map(str::to_owned)
            .collect();
        if kinds.len() > MAX_KINDS || s.persona.meters.len() > MAX_METERS {
            return Err(CompileError(format!(
                "at most {MAX_METERS} meters and {MAX_KINDS} reply kinds are supported"
            )));
        }
        let mut visited = Vec::new();
        for list in all_conditions(s) {
            visited_nodes(list, &mut visited);
        }
        let tracks_last_kind = all_conditions(s).into_iter().any(asks_just_used);
        let mut names = Names {
            nodes: s
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.as_str(), i))
                .collect(),
            endings: s
                .endings
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), i))
                .collect(),
            meters: s
                .persona
                .meters
                .iter()
                .enumerate()
                .map(|(i, m)| (m.id.as_str(), i))
                .collect(),
            kinds: kinds.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect(),
            visit_bits: HashMap::new(),
        };
        for id in &visited {
            let node = names.node(id)?;
            let next = names.visit_bits.len();
            names.visit_bits.entry(node).or_insert(next);
        }
        let once_count = s.nodes.iter().flat_map(|n| &n.replies).filter(|r| r.once).count();
        if names.visit_bits.len() > 64 || once_count > 64 {
            return Err(CompileError(
                "more than 64 nodes are tested with Visited, or more than 64 replies are `once`".into(),
            ));
        }
        let mut once_bits = 0..;
        let mut nodes = Vec::with_capacity(s.nodes.len());
        for (n, node) in s.nodes.iter().enumerate() {
            let mut replies = Vec::with_capacity(node.replies.len());
            for r in &node.replies {
                let applying: Vec<(usize, &crate::scenario::Trait)> = s
                    .persona
                    .traits
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.kinds.contains(&r.kind))
                    .collect();
                replies.push(ReplyRule {
                    kind: names.kind(&r.kind)?,
                    action: r.action,
                    when: names.conds(&r.when)?,
                    once_bit: if r.once { once_bits.next() } else { None },
                    paid_bit: None,
                    points: r.points,
                    effects: r
                        .effects
                        .0
                        .iter()
                        .map(|(m, v)| Ok((names.meter(m)?, *v)))
                        .collect::<Result<_, CompileError>>()?,
                    next: names.target(&r.next)?,
                    branches: r
                        .branches
                        .iter()
                        .map(|b| Ok((names.conds(&b.when)?, names.target(&b.next)?)))
                        .collect::<Result<_, CompileError>>()?,
                    seconds: r.seconds,
                    over_accommodation: r.over_accommodation,
                    transfer_to: match &r.to {
                        None => 0,
                        Some(to) => {
                            1 + s
                                .policy
                                .transfers
                                .iter()
                                .position(|t| &t.id == to)
                                .ok_or_else(|| CompileError(format!("no transfer target is called `{to}`")))?
                        }
                    },
                    effect_scale: applying.iter().map(|(_, t)| t.effects).product(),
                    point_scale: applying.iter().map(|(_, t)| t.points).product(),
                    traits: applying.iter().map(|(i, _)| *i).collect(),
                });
            }
            nodes.push(NodeRule {
                replies,
                lines: node
                    .says
                    .iter()
                    .map(|l| Ok((names.conds(&l.when)?, l.weight)))
                    .collect::<Result<_, CompileError>>()?,
                done: node.done,
                visit_bit: names.visit_bits.get(&n).copied(),
            });
        }
        assign_paid_bits(s, &mut nodes)?;
        let thresholds = s
            .thresholds
            .iter()
            .map(|t| Ok((names.conds(&t.when)?, names.ending(&t.ending)?)))
            .collect::<Result<_, CompileError>>()?;
        let not_understood = s
            .not_understood
            .iter()
            .map(|l| Ok((names.conds(&l.when)?, l.weight)))
            .collect::<Result<_, CompileError>>()?;
        let hang_up = match &s.rules.hang_up.ending {
            Some(id) => names.ending(id)?,
            None => EndingRef::HungUp,
        };
        let transfer_allowed = std::iter::once(&s.policy.transfer.allowed_when)
            .chain(s.policy.transfers.iter().map(|t| &t.allowed_when))
            .map(|when| names.conds(when))
            .collect::<Result<_, CompileError>>()?;
        let exempt = kinds
            .iter()
            .map(|k| s.rules.repetition.exempt.contains(k))
            .collect();
        let mut history = State::default();
        for (kind, &times) in &s.history.used {
            history.kind_uses[names.kind(kind)?] = times.min(MAX_COUNTED_REPEATS);
        }
        for node in &s.history.visited {
            // Only nodes a condition asks about have a bit; for the others
            // having been there changes nothing.
            if let Some(bit) = names.visit_bits.get(&names.node(node)?) {
                history.visited |= 1 << bit;
            }
        }
        let anger = names.meter("anger")?;
        let trust = names.meter("trust")?;
        let start = names.node(&s.start)?;
        Ok(Model {
            nodes,
            kinds,
            anger,
            trust,
            thresholds,
            not_understood,
            hang_up,
            transfer_allowed,
            exempt,
            start,
            tracks_last_kind,
            history,
            scenario,
        })
    }

    /// The state a call starts in, given the starting meter values.
    pub fn start_state(&self, values: Vec<i32>) -> State {
        let mut meters = [0; MAX_METERS];
        for (m, v) in meters.iter_mut().zip(values) {
            *m = v;
        }
        let mut state = State {
            node: self.start,
            meters,
            kind_uses: self.history.kind_uses,
            visited: self.history.visited,
            once_used: 0,
            paid: 0,
            checked: false,
            holds: 0,
            last_kind: None,
        };
        self.enter(&mut state, self.start);
        state
    }

    /// Each corner of the starting meter ranges: the states an analysis
    /// must cover to speak for every call.
    pub fn start_corners(&self) -> Vec<Vec<i32>> {
        let mut corners: Vec<Vec<i32>> = vec![Vec::new()];
        for m in &self.scenario.persona.meters {
            let (low, high) = (m.start.low(), m.start.high());
            corners = corners
                .into_iter()
                .flat_map(|c| {
                    let values = if low == high { vec![low] } else { vec![low, high] };
                    values.into_iter().map(move |v| {
                        let mut c = c.clone();
                        c.push(v);
                        c
                    })
                })
                .collect();
        }
        corners
    }

    /// `state` moved to `node`, as arriving there marks it visited.
    pub fn entered(&self, mut state: State, node: usize) -> State {
        self.enter(&mut state, node);
        state
    }

    fn enter(&self, state: &mut State, node: usize) {
        state.node = node;
        if let Some(bit) = self.nodes[node].visit_bit {
            state.visited |= 1 << bit;
        }
    }

    fn holds(&self, cond: &Cond, state: &State) -> bool {
        match cond {
            Cond::AtLeast(m, v) => state.meters[*m] >= *v,
            Cond::AtMost(m, v) => state.meters[*m] <= *v,
            Cond::Visited(bit) => state.visited & (1 << bit) != 0,
            Cond::NotVisited(bit) => state.visited & (1 << bit) == 0,
            Cond::Used(k) => state.kind_uses[*k] > 0,
            Cond::JustUsed(k) => state.last_kind.map(usize::from) == Some(*k),
            Cond::Checked => state.checked,
            Cond::AnyOf(list) => list.iter().any(|c| self.holds(c, state)),
            Cond::Not(inner) => !self.holds(inner, state),
        }
    }

    fn all_hold(&self, conds: &[Cond], state: &State) -> bool {
        conds.iter().all(|c| self.holds(c, state))
    }

    /// The choices open at `state`, in file order, hang-up last.
    pub fn choices(&self, state: &State) -> Vec<Choice> {
        let node = &self.nodes[state.node];
        let mut out: Vec<Choice> = node
            .replies
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.once_bit.is_none_or(|bit| state.once_used & (1 << bit) == 0)
                    && self.all_hold(&r.when, state)
            })
            .map(|(i, _)| Choice::Reply(i))
            .collect();
        if !node.done {
            out.push(Choice::HangUp);
        }
        out
    }

    /// The line variants the caller may say at `state`: the most specific
    /// ones whose conditions hold, with their weights.
    pub fn line_candidates(&self, state: &State) -> Vec<(usize, u32)> {
        self.most_specific(&self.nodes[state.node].lines, state)
    }

    /// The scenario's `not_understood` variants the caller may say at
    /// `state`, chosen like a node's lines; empty when the scenario has
    /// none (the engine's own line is said then).
    pub fn not_understood_candidates(&self, state: &State) -> Vec<(usize, u32)> {
        self.most_specific(&self.not_understood, state)
    }

    fn most_specific(&self, lines: &[(Vec<Cond>, u32)], state: &State) -> Vec<(usize, u32)> {
        let matching: Vec<(usize, usize, u32)> = lines
            .iter()
            .enumerate()
            .filter(|(_, (when, _))| self.all_hold(when, state))
            .map(|(i, (when, w))| (i, when.len(), *w))
            .collect();
        let most = matching.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
        matching
            .into_iter()
            .filter(|(_, n, _)| *n == most)
            .map(|(i, _, w)| (i, w))
            .collect()
    }

    /// What `choice` does at `state`. The choice must be one `choices` offers.
    pub fn step(&self, state: &State, choice: Choice) -> Transition {
        let s = &self.scenario;
        let mut meters = state.meters;
        let mut rules = Vec::new();
        let reply = match choice {
            Choice::HangUp => {
                rules.push(RuleApplied::HungUpOnCaller);
                return Transition {
                    points: s.rules.hang_up.points,
                    meters_after: meters,
                    rules,
                    seconds: 2,
                    outcome: Outcome::Ended(self.hang_up),
                };
            }
            Choice::NotUnderstood => return self.not_understood(state),
            Choice::Reply(i) => &self.nodes[state.node].replies[i],
        };
        let mut next = state.clone();
        let mut points = reply.points;
        if reply.point_scale != 1.0 || reply.effect_scale != 1.0 {
            points = points.map(|p| scale(p, reply.point_scale));
            rules.extend(reply.traits.iter().map(|&index| RuleApplied::Trait { index }));
        }
        if let Some(bit) = reply.paid_bit {
            if state.paid & (1 << bit) != 0 {
                // Round a loop again: what it earned counted the first time.
                points = points.map(|p| p.min(0));
                rules.push(RuleApplied::PaidOnce);
            }
            next.paid |= 1 << bit;
        }
        for (m, change) in &reply.effects {
            // Saturating: traits multiply, so a valid file can scale an
            // effect past i32; the clamp below brings the meter back in range.
            meters[*m] = meters[*m].saturating_add(scale(*change, reply.effect_scale));
        }

        let earlier = state.kind_uses[reply.kind];
        // A hold's repeats are priced by the hold rule; counting them here too
        // would charge the caller's patience twice.
        let is_hold = matches!(reply.action, Action::Hold { .. });
        if earlier > 0 && !self.exempt[reply.kind] && !is_hold {
            let rule = &s.rules.repetition;
            let keep = rule.keep.powi(i32::from(earlier));
            // Rounded down, so even a +1 is lost on its first repeat at keep 0.5.
            points = points.map(|p| {
                if p > 0 {
                    (f64::from(p) * f64::from(keep)).floor() as i32
                } else {
                    p
                }
            });
            points.understanding = points
                .understanding
                .saturating_add(rule.understanding.saturating_mul(i32::from(earlier)));
            meters[self.anger] =
                meters[self.anger].saturating_add(rule.anger.saturating_mul(i32::from(earlier)));
            rules.push(RuleApplied::Repetition {
                kind: self.kinds[reply.kind].clone(),
                times: earlier + 1,
            });
        }
        next.kind_uses[reply.kind] = (earlier + 1).min(MAX_COUNTED_REPEATS);
        if self.tracks_last_kind {
            // Fits: Model::new refuses more than MAX_KINDS kinds.
            next.last_kind = Some(reply.kind as u8);
        }

        let mut seconds = reply.seconds;
        match reply.action {
            Action::Say => {}
            Action::CheckAccount => next.checked = true,
            Action::Hold { seconds: held } => {
                let rule = &s.rules.hold;
                let minutes = f64::from(held.saturating_sub(rule.free_seconds)) / 60.0;
                let factor =
                    f64::from(rule.repeat).powi(i32::from(state.holds)) * f64::from(reply.effect_scale);
                let anger = round(minutes * f64::from(rule.anger_per_minute) * factor);
                let trust = round(minutes * f64::from(rule.trust_per_minute) * factor);
                let cost = Points {
                    emotion: round(minutes * f64::from(rule.emotion_per_minute) * factor),
                    assistance: round(minutes * f64::from(rule.assistance_per_minute) * factor),
                    ..Points::default()
                };
                points += cost;
                meters[self.anger] = meters[self.anger].saturating_add(anger);
                meters[self.trust] = meters[self.trust].saturating_add(trust);
                next.holds = state.holds.saturating_add(1).min(MAX_COUNTED_REPEATS);
                seconds = seconds.saturating_add(held);
                rules.push(RuleApplied::Hold {
                    seconds: held,
                    anger,
                    trust,
                    nth: state.holds + 1,
                    points: cost,
                });
            }
            Action::Transfer => {
                let target = reply.transfer_to;
                let (to, misuse) = match target.checked_sub(1).and_then(|i| s.policy.transfers.get(i)) {
                    Some(t) => (Some(t.id.clone()), t.misuse),
                    None => (None, s.policy.transfer.misuse),
                };
                let allowed = self
                    .transfer_allowed
                    .get(target)
                    .is_none_or(|when| self.all_hold(when, state));
                if allowed {
                    rules.push(RuleApplied::TransferWithinPolicy { to });
                } else {
                    points += misuse;
                    rules.push(RuleApplied::TransferAgainstPolicy { to });
                }
            }
            Action::EndCall => {
                if !self.nodes[state.node].done {
                    rules.push(RuleApplied::HungUpOnCaller);
                }
            }
        }
        if reply.over_accommodation {
            points += s.rules.over_accommodation.points;
            rules.push(RuleApplied::OverAccommodation);
        }
        if let Some(bit) = reply.once_bit {
            next.once_used |= 1 << bit;
        }
        for (m, meter) in s.persona.meters.iter().enumerate() {
            meters[m] = meters[m].clamp(meter.min, meter.max);
        }
        next.meters = meters;

        let threshold = (reply.action != Action::EndCall)
            .then(|| {
                self.thresholds
                    .iter()
                    .find(|(when, _)| self.all_hold(when, &next))
            })
            .flatten();
        let target = match threshold {
            Some((_, ending)) => Target::Ending(*ending),
            None => reply
                .branches
                .iter()
                .find(|(when, _)| self.all_hold(when, &next))
                .map_or(reply.next, |(_, t)| *t),
        };
        let outcome = match target {
            Target::Ending(e) => Outcome::Ended(e),
            Target::Node(n) => {
                self.enter(&mut next, n);
                Outcome::Continue(next)
            }
        };
        Transition {
            points,
            meters_after: meters,
            rules,
            seconds,
            outcome,
        }
    }

    /// A typed reply not understood: the rule's cost to the caller's mood,
    /// the same moment again, unless the mood crosses a threshold.
    fn not_understood(&self, state: &State) -> Transition {
        let s = &self.scenario;
        let rule = &s.rules.not_understood;
        let mut next = state.clone();
        let mut meters = state.meters;
        meters[self.anger] = meters[self.anger].saturating_add(rule.anger);
        meters[self.trust] = meters[self.trust].saturating_add(rule.trust);
        for (m, meter) in s.persona.meters.iter().enumerate() {
            meters[m] = meters[m].clamp(meter.min.min(meter.max), meter.max.max(meter.min));
        }
        next.meters = meters;
        let outcome = match self
            .thresholds
            .iter()
            .find(|(when, _)| self.all_hold(when, &next))
        {
            Some((_, ending)) => Outcome::Ended(*ending),
            None => Outcome::Continue(next),
        };
        Transition {
            points: Points::default(),
            meters_after: meters,
            rules: vec![RuleApplied::NotUnderstood {
                anger: rule.anger,
                trust: rule.trust,
            }],
            seconds: rule.seconds,
            outcome,
        }
    }

    /// The authored reply behind a choice, if it is one.
    pub fn reply(&self, node: usize, choice: Choice) -> Option<&crate::scenario::Reply> {
        match choice {
            Choice::Reply(i) => self.scenario.nodes[node].replies.get(i),
            Choice::HangUp | Choice::NotUnderstood => None,
        }
    }

    /// The ending's kind, title, debrief and last words.
    pub fn ending_texts(&self, ending: EndingRef) -> EndingTexts<'_> {
        match ending {
            EndingRef::Authored(i) => {
                let e: &Ending = &self.scenario.endings[i];
                EndingTexts {
                    id: &e.id,
                    kind: e.kind,
                    title: EndingText::Authored(&e.title),
                    debrief: EndingText::Authored(&e.debrief),
                    says: EndingText::Authored(&e.says),
                }
            }
            EndingRef::HungUp => EndingTexts {
                id: "hung_up",
                kind: EndingKind::AgentHungUp,
                title: EndingText::Builtin(crate::locale::sentences::Msg::HungUpTitle),
                debrief: EndingText::Builtin(crate::locale::sentences::Msg::HungUpDebrief),
                says: EndingText::Authored(&Text::Missing),
            },
            EndingRef::GaveUp => EndingTexts {
                id: "gave_up",
                kind: EndingKind::CallerHungUp,
                title: EndingText::Builtin(crate::locale::sentences::Msg::GaveUpTitle),
                debrief: EndingText::Builtin(crate::locale::sentences::Msg::GaveUpDebrief),
                says: EndingText::Builtin(crate::locale::sentences::Msg::GaveUpSays),
            },
        }
    }

    pub fn node_is_done(&self, node: usize) -> bool {
        self.nodes[node].done
    }
}

/// An ending's texts, authored or the engine's own.
pub struct EndingTexts<'a> {
    pub id: &'a str,
    pub kind: EndingKind,
    pub title: EndingText<'a>,
    pub debrief: EndingText<'a>,
    pub says: EndingText<'a>,
}

pub enum EndingText<'a> {
    Authored(&'a Text),
    Builtin(crate::locale::sentences::Msg),
}

impl EndingText<'_> {
    pub fn get(&self, lang: &str, default_lang: &str) -> String {
        match self {
            EndingText::Authored(t) => t.get(lang, default_lang).to_owned(),
            EndingText::Builtin(msg) => crate::locale::sentences::tr(lang, *msg).to_owned(),
        }
    }
}

/// `value × factor`, rounded half away from zero.
fn scale(value: i32, factor: f32) -> i32 {
    round(f64::from(value) * f64::from(factor))
}

fn round(value: f64) -> i32 {
    // Meter and point values are small; the clamp keeps the cast exact.
    value.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

/// The most replies whose points a loop could pay twice.
pub const MAX_PAID_ONCE: usize = 128;

/// Gives a `paid` bit to every reply a call can choose twice and whose
/// positive points would count again: one at a node the call can come back
/// to (on a loop of the node graph), not `once` (it is not offered again),
/// not `repeatable` (the author allowed it), with some positive points.
fn assign_paid_bits(s: &Scenario, nodes: &mut [NodeRule]) -> Result<(), CompileError> {
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|node| {
            let mut next: Vec<usize> = node
                .replies
                .iter()
                .flat_map(|r| std::iter::once(r.next).chain(r.branches.iter().map(|(_, t)| *t)))
                .filter_map(|t| match t {
                    Target::Node(n) => Some(n),
                    Target::Ending(_) => None,
                })
                .collect();
            next.sort_unstable();
            next.dedup();
            next
        })
        .collect();
    // A node is on a loop when it can be reached again from where it leads.
    let returns = |start: usize| {
        let mut seen = vec![false; nodes.len()];
        let mut stack = successors[start].clone();
        while let Some(n) = stack.pop() {
            if n == start {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(&successors[n]);
            }
        }
        false
    };
    let on_loop: Vec<bool> = (0..nodes.len()).map(returns).collect();
    let mut bits = 0u32..;
    for (n, node) in nodes.iter_mut().enumerate() {
        if !on_loop[n] {
            continue;
        }
        for (rule, reply) in node.replies.iter_mut().zip(&s.nodes[n].replies) {
            let earns = Skill::ALL.iter().any(|&k| reply.points.get(k) > 0);
            if earns && !reply.once && !reply.repeatable {
                rule.paid_bit = bits.next().filter(|&b| (b as usize) < MAX_PAID_ONCE);
                if rule.paid_bit.is_none() {
                    return Err(CompileError(format!(
                        "more than {MAX_PAID_ONCE} replies that earn points can be chosen again round a loop; mark some `once: true` or `repeatable: true`"
                    )));
                }
            }
        }
    }
    Ok(())
}
