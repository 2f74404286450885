//! Every path through a scenario: the best and worst totals each pillar can
//! reach (the scale the debrief's 0-100 is drawn on), the path that plays
//! best, which endings can happen, and the places where the design is
//! unsound (loops, dead ends, nodes with no good reply).
//!
//! States are memoised, so paths that meet again are explored once.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::call::{HANG_UP_ID, NOT_UNDERSTOOD_ID};
use crate::engine::{Choice, EndingRef, Model, Outcome, RuleApplied, State};
use crate::points::{Pillar, Points, Skill};

/// Exploration stops past this many states, and says so. For `analyze`
/// this is over every starting mood together.
pub const MAX_STATES: usize = 400_000;

/// `analyze` stops exploring past this much time, and says so: `check` of
/// any file returns in seconds. Only `analyze` has a clock; a debrief's
/// exploration must be the same on every machine (the hub replays it).
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// The most loops `analyze` traces and reports: the first ones show the
/// problem.
const MAX_LOOPS_TRACED: usize = 8;

/// Where an edge leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    State(usize),
    Ending(EndingRef),
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub choice: Choice,
    pub points: Points,
    pub to: To,
    /// The choice gives in to an unjustified demand: never the best play,
    /// whatever it earns (see [`Graph::values`]).
    pub over_accommodation: bool,
}

/// The graph of every state reachable from one start.
#[derive(Debug)]
pub struct Graph {
    pub states: Vec<State>,
    pub edges: Vec<Vec<Edge>>,
    /// Fx hashing: states are small and hashed on every step, and nothing
    /// here is exposed to untrusted input that could exploit a weak hash.
    index: FxHashMap<State, usize>,
    /// Post-order: every state after all the states it leads to (except
    /// along a loop).
    order: Vec<usize>,
    /// Edges `(from, to)` that close a loop.
    pub loops: Vec<(usize, usize)>,
    pub truncated: bool,
}

/// A way of adding points up: a weight per sub-skill.
#[derive(Debug, Clone, Copy)]
pub struct Objective([i32; 4]);

impl Objective {
    pub const TOTAL: Objective = Objective([1, 1, 1, 1]);

    pub fn pillar(p: Pillar) -> Objective {
        match p {
            Pillar::Respect => Objective([1, 1, 0, 0]),
            Pillar::Sincerity => Objective([0, 0, 1, 1]),
        }
    }

    pub fn skill(s: Skill) -> Objective {
        let mut w = [0; 4];
        w[Skill::ALL.iter().position(|x| *x == s).unwrap_or(0)] = 1;
        Objective(w)
    }

    pub fn of(self, p: Points) -> i32 {
        // Saturating: a path's total is a sum over many edges, and traits
        // can scale one reply's points towards i32's limits.
        let [u, a, e, s] = self.0;
        [
            (u, p.understanding),
            (a, p.acknowledgement),
            (e, p.emotion),
            (s, p.assistance),
        ]
        .into_iter()
        .fold(0i32, |sum, (w, v)| sum.saturating_add(w.saturating_mul(v)))
    }
}

impl Graph {
    /// Explores every state reachable from `start`, up to [`MAX_STATES`].
    pub fn explore(model: &Model, start: State) -> Graph {
        Graph::explore_within(model, start, MAX_STATES, None)
    }

    /// Explores the states reachable from `start` until `max_states` are
    /// known or `deadline` has passed; `truncated` says whether it stopped.
    pub fn explore_within(
        model: &Model,
        start: State,
        max_states: usize,
        deadline: Option<std::time::Instant>,
    ) -> Graph {
        let mut full = max_states <= 1;
        let mut graph = Graph {
            states: vec![start.clone()],
            edges: vec![Vec::new()],
            index: FxHashMap::from_iter([(start, 0)]),
            order: Vec::new(),
            loops: Vec::new(),
            truncated: false,
        };
        let mut queue = VecDeque::from([0usize]);
        while let Some(i) = queue.pop_front() {
            let state = graph.states[i].clone();
            let mut edges = Vec::new();
            for choice in model.choices(&state) {
                let t = model.step(&state, choice);
                let to = match t.outcome {
                    Outcome::Ended(e) => To::Ending(e),
                    Outcome::Continue(next) => match graph.index.get(&next) {
                        Some(&j) => To::State(j),
                        None if full => {
                            graph.truncated = true;
                            continue;
                        }
                        None => {
                            let j = graph.states.len();
                            // The clock is read now and then: it costs more than a step.
                            full = j + 1 >= max_states
                                || (j.is_multiple_of(1024)
                                    && deadline.is_some_and(|d| std::time::Instant::now() >= d));
                            graph.index.insert(next.clone(), j);
                            graph.states.push(next);
                            graph.edges.push(Vec::new());
                            queue.push_back(j);
                            To::State(j)
                        }
                    },
                };
                edges.push(Edge {
                    choice,
                    points: t.points,
                    to,
                    over_accommodation: t.rules.contains(&RuleApplied::OverAccommodation),
                });
            }
            graph.edges[i] = edges;
        }
        graph.sort();
        graph
    }

    /// Depth-first post-order, noting the edges that close loops.
    fn sort(&mut self) {
        const NEW: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let mut mark = vec![NEW; self.states.len()];
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        mark[0] = OPEN;
        while let Some(&mut (s, ref mut next_edge)) = stack.last_mut() {
            if let Some(edge) = self.edges[s].get(*next_edge) {
                *next_edge += 1;
                if let To::State(t) = edge.to {
                    match mark[t] {
                        NEW => {
                            mark[t] = OPEN;
                            stack.push((t, 0));
                        }
                        OPEN => self.loops.push((s, t)),
                        _ => {}
                    }
                }
            } else {
                mark[s] = DONE;
                self.order.push(s);
                stack.pop();
            }
        }
    }

    pub fn state_of(&self, state: &State) -> Option<usize> {
        self.index.get(state).copied()
    }

    /// The best (or worst) total of `objective` from every state to the end
    /// of the call. A loop's closing edge counts as ending there. The best
    /// play never gives in to an unjustified demand: where another choice
    /// exists, over-accommodating ones are not candidates for the best.
    pub fn values(&self, objective: Objective, best: bool) -> Vec<i32> {
        let mut values = vec![0; self.states.len()];
        for &s in &self.order {
            values[s] = if best {
                self.best_candidates(s)
                    .map(|e| self.edge_value(e, objective, &values))
                    .max()
            } else {
                self.edges[s]
                    .iter()
                    .map(|e| self.edge_value(e, objective, &values))
                    .min()
            }
            .unwrap_or(0);
        }
        values
    }

    /// The edges at state `s` the best play may take: all but the
    /// over-accommodating ones, unless nothing else is offered.
    fn best_candidates(&self, s: usize) -> impl Iterator<Item = &Edge> {
        let honest = self.edges[s].iter().any(|e| !e.over_accommodation);
        self.edges[s]
            .iter()
            .filter(move |e| !(honest && e.over_accommodation))
    }

    /// The edge at state `s` that leads to the best total of `objective`,
    /// given `values` from [`Graph::values`].
    pub fn best_edge(&self, s: usize, objective: Objective, values: &[i32]) -> Option<&Edge> {
        self.best_candidates(s)
            .max_by_key(|e| self.edge_value(e, objective, values))
    }

    /// The points earned along the path best for `objective` from the start.
    pub fn path_points(&self, objective: Objective) -> Points {
        let values = self.values(objective, true);
        let mut total = Points::default();
        let mut s = 0;
        let mut seen = vec![false; self.states.len()];
        while let Some(edge) = self.best_edge(s, objective, &values) {
            total += edge.points;
            match edge.to {
                To::State(t) if !seen[t] => {
                    seen[t] = true;
                    s = t;
                }
                _ => break,
            }
        }
        total
    }

    pub fn edge_value(&self, e: &Edge, objective: Objective, values: &[i32]) -> i32 {
        objective.of(e.points).saturating_add(match e.to {
            To::State(t) => values[t],
            To::Ending(_) => 0,
        })
    }
}

/// The best and worst total reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub best: i32,
    pub worst: i32,
}

impl Range {
    fn merge(self, other: Range) -> Range {
        Range {
            best: self.best.max(other.best),
            worst: self.worst.min(other.worst),
        }
    }
}

/// The scale scores are drawn on, from one start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub respect: Range,
    pub sincerity: Range,
    pub understanding: Range,
    pub acknowledgement: Range,
    pub emotion: Range,
    pub assistance: Range,
}

impl Scale {
    /// The scale from the graph's start. Pillars run from their worst to
    /// their best reachable total. Sub-skills run from their worst to the
    /// model answer's total (the path best on all four together), so the
    /// call that plays best shows four full bars rather than bars measured
    /// against paths that trade one skill for another.
    pub fn of(graph: &Graph) -> Scale {
        let range = |o: Objective| Range {
            best: graph.values(o, true)[0],
            worst: graph.values(o, false)[0],
        };
        let model = graph.path_points(Objective::TOTAL);
        let skill = |s: Skill| Range {
            best: model.get(s),
            worst: graph.values(Objective::skill(s), false)[0],
        };
        Scale {
            respect: range(Objective::pillar(Pillar::Respect)),
            sincerity: range(Objective::pillar(Pillar::Sincerity)),
            understanding: skill(Skill::Understanding),
            acknowledgement: skill(Skill::Acknowledgement),
            emotion: skill(Skill::Emotion),
            assistance: skill(Skill::Assistance),
        }
    }

    pub fn pillar(&self, p: Pillar) -> Range {
        match p {
            Pillar::Respect => self.respect,
            Pillar::Sincerity => self.sincerity,
        }
    }

    pub fn skill(&self, s: Skill) -> Range {
        match s {
            Skill::Understanding => self.understanding,
            Skill::Acknowledgement => self.acknowledgement,
            Skill::Emotion => self.emotion,
            Skill::Assistance => self.assistance,
        }
    }

    fn merge(self, o: Scale) -> Scale {
        Scale {
            respect: self.respect.merge(o.respect),
            sincerity: self.sincerity.merge(o.sincerity),
            understanding: self.understanding.merge(o.understanding),
            acknowledgement: self.acknowledgement.merge(o.acknowledgement),
            emotion: self.emotion.merge(o.emotion),
            assistance: self.assistance.merge(o.assistance),
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone, Serialize)]
pub struct PathStep {
    pub node: String,
    /// The reply's id, or `hang_up`.
    pub reply: String,
    pub points: Points,
}

/// A path through the call and where it ends.
#[derive(Debug, Clone, Serialize)]
pub struct PathReport {
    pub steps: Vec<PathStep>,
    pub ending: String,
    pub points: Points,
    pub respect: i32,
    pub sincerity: i32,
}

/// A place where the design is unsound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The nodes of a loop the call can go round forever.
    Loop { nodes: Vec<String> },
    /// A node where, in some reachable state, nothing can be chosen.
    DeadEnd { node: String },
    /// A node where no reply that can be offered earns positive points.
    NoGoodReply { node: String },
    /// No single path reaches the best of both pillars. The paths that do
    /// reach each pillar's best are given as `node/reply` steps.
    NoPerfectPath {
        respect: i32,
        sincerity: i32,
        best_respect_path: Vec<String>,
        best_sincerity_path: Vec<String>,
    },
    /// The best path comes back to a node it has been at: the model answer
    /// goes round a loop (`path` as `node/reply` steps).
    BestPathRevisits { node: String, path: Vec<String> },
    /// The longest path is longer than `max_turns`.
    TooLong { turns: usize, max_turns: u32 },
    /// Too many states to explore them all, or too little time: `states`
    /// explored from `starts_explored` of `starts` starting moods; the
    /// persona has `meters_in_range` meters that start in a range.
    Truncated {
        states: usize,
        starts_explored: usize,
        starts: usize,
        meters_in_range: usize,
        out_of_time: bool,
    },
}

/// What `callsim analyze` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub scenario: String,
    /// States explored, over every start.
    pub states: usize,
    /// Over every start the meters can have.
    pub scale: Scale,
    /// From the typical start, where the best path below is played.
    pub typical_scale: Scale,
    /// The typical start's meter values, by meter id.
    pub typical_start: Vec<(String, i32)>,
    /// From the typical start (the middle of each meter's range).
    pub best_path: PathReport,
    pub worst_path: PathReport,
    pub reachable_endings: Vec<String>,
    pub unreachable_endings: Vec<String>,
    pub unreachable_nodes: Vec<String>,
    /// Replies no reachable state offers.
    pub unused_replies: Vec<String>,
    /// The most replies any path takes.
    pub longest_path: usize,
    pub problems: Vec<Problem>,
}

/// The typical start: each meter at the middle of its start range.
pub fn typical_start(model: &Model) -> Vec<i32> {
    model
        .scenario
        .persona
        .meters
        .iter()
        .map(|m| (m.start.low() + m.start.high()) / 2)
        .collect()
}

fn ending_id(model: &Model, e: EndingRef) -> String {
    model.ending_texts(e).id.to_owned()
}

fn follow(model: &Model, graph: &Graph, objective: Objective, best: bool) -> PathReport {
    let values = graph.values(objective, best);
    let mut steps = Vec::new();
    let mut total = Points::default();
    let mut s = 0;
    let mut seen = BTreeSet::new();
    let ending = loop {
        let edge = if best {
            graph.best_edge(s, objective, &values)
        } else {
            graph.edges[s]
                .iter()
                .min_by_key(|e| graph.edge_value(e, objective, &values))
        };
        let Some(edge) = edge else {
            break "(dead end)".to_owned();
        };
        let node = &model.scenario.nodes[graph.states[s].node];
        steps.push(PathStep {
            node: node.id.clone(),
            reply: match edge.choice {
                Choice::Reply(i) => node.replies[i].id.clone(),
                Choice::HangUp => HANG_UP_ID.to_owned(),
                // Never an edge of the graph: the analysis walks offered choices.
                Choice::NotUnderstood => NOT_UNDERSTOOD_ID.to_owned(),
            },
            points: edge.points,
        });
        total += edge.points;
        match edge.to {
            To::Ending(e) => break ending_id(model, e),
            To::State(t) => {
                if !seen.insert(t) {
                    break "(loop)".to_owned();
                }
                s = t;
            }
        }
    };
    PathReport {
        steps,
        ending,
        points: total,
        respect: total.respect(),
        sincerity: total.sincerity(),
    }
}

impl PathReport {
    /// The path as `node/reply` steps, as problems name it.
    fn step_names(&self) -> Vec<String> {
        self.steps
            .iter()
            .map(|s| format!("{}/{}", s.node, s.reply))
            .collect()
    }
}

/// Analyses `model` from every corner of its start ranges and its typical start.
pub fn analyze(model: &Model) -> Analysis {
    let s = &model.scenario;
    let typical = typical_start(model);
    let mut starts = vec![typical.clone()];
    starts.extend(model.start_corners().into_iter().filter(|c| *c != typical));

    let mut states = 0;
    let mut scale: Option<Scale> = None;
    // Kept as cheap keys while exploring; named once at the end.
    let mut ending_refs: rustc_hash::FxHashSet<EndingRef> = Default::default();
    let mut visited_nodes = vec![false; s.nodes.len()];
    let mut offered: rustc_hash::FxHashSet<(usize, usize)> = Default::default();
    let mut problems = Vec::new();
    let mut longest = 0;
    let mut best_path = None;
    let mut worst_path = None;
    let mut typical_scale = None;

    let mut loop_pairs: rustc_hash::FxHashSet<(usize, usize)> = Default::default();
    let deadline = std::time::Instant::now() + MAX_TIME;
    let start_count = starts.len();
    let mut starts_explored = 0;
    let mut truncated = false;
    for (n, start) in starts.into_iter().enumerate() {
        // The typical start always; the corners while states and time last.
        let budget = MAX_STATES.saturating_sub(states);
        if n > 0 && (budget == 0 || std::time::Instant::now() >= deadline) {
            truncated = true;
            break;
        }
        let graph = Graph::explore_within(model, model.start_state(start), budget.max(1), Some(deadline));
        starts_explored += 1;
        truncated |= graph.truncated;
        states += graph.states.len();
        let this = Scale::of(&graph);
        scale = Some(scale.map_or(this, |s| s.merge(this)));
        for (i, state) in graph.states.iter().enumerate() {
            visited_nodes[state.node] = true;
            for e in &graph.edges[i] {
                if let Choice::Reply(r) = e.choice {
                    offered.insert((state.node, r));
                }
                if let To::Ending(end) = e.to {
                    ending_refs.insert(end);
                }
            }
            if graph.edges[i].is_empty() {
                push_once(
                    &mut problems,
                    Problem::DeadEnd {
                        node: s.nodes[state.node].id.clone(),
                    },
                );
            }
        }
        for &(from, to) in &graph.loops {
            // Each loop is traced by a search of the graph: once per pair
            // of nodes, and a few pairs at most, or a graph with thousands
            // of loop-closing edges takes minutes (the fuzzer found one).
            let pair = (graph.states[from].node, graph.states[to].node);
            if loop_pairs.len() >= MAX_LOOPS_TRACED || !loop_pairs.insert(pair) {
                continue;
            }
            push_once(
                &mut problems,
                Problem::Loop {
                    nodes: loop_nodes(model, &graph, from, to),
                },
            );
        }
        longest = longest.max(longest_path(&graph));
        if n == 0 {
            typical_scale = Some(this);
            let best = follow(model, &graph, Objective::TOTAL, true);
            if best.respect != this.respect.best || best.sincerity != this.sincerity.best {
                let steps = |p: Pillar| follow(model, &graph, Objective::pillar(p), true).step_names();
                problems.push(Problem::NoPerfectPath {
                    respect: best.respect,
                    sincerity: best.sincerity,
                    best_respect_path: steps(Pillar::Respect),
                    best_sincerity_path: steps(Pillar::Sincerity),
                });
            }
            let mut at = BTreeSet::new();
            if let Some(again) = best.steps.iter().find(|step| !at.insert(step.node.as_str())) {
                problems.push(Problem::BestPathRevisits {
                    node: again.node.clone(),
                    path: best.step_names(),
                });
            }
            best_path = Some(best);
            worst_path = Some(follow(model, &graph, Objective::TOTAL, false));
        }
    }
    if truncated {
        problems.push(Problem::Truncated {
            states,
            starts_explored,
            starts: start_count,
            meters_in_range: s
                .persona
                .meters
                .iter()
                .filter(|m| m.start.low() != m.start.high())
                .count(),
            out_of_time: std::time::Instant::now() >= deadline,
        });
    }
    let endings: BTreeSet<String> = ending_refs.into_iter().map(|e| ending_id(model, e)).collect();
    for (n, node) in s.nodes.iter().enumerate() {
        let good = node
            .replies
            .iter()
            .enumerate()
            .any(|(r, reply)| offered.contains(&(n, r)) && reply.points.total() > 0);
        if visited_nodes[n] && !good && !node.neutral {
            problems.push(Problem::NoGoodReply {
                node: node.id.clone(),
            });
        }
    }
    if longest > s.max_turns as usize {
        problems.push(Problem::TooLong {
            turns: longest,
            max_turns: s.max_turns,
        });
    }
    let unused_replies = s
        .nodes
        .iter()
        .enumerate()
        .filter(|(n, _)| visited_nodes[*n])
        .flat_map(|(n, node)| {
            let offered = &offered;
            node.replies
                .iter()
                .enumerate()
                .filter(move |(r, _)| !offered.contains(&(n, *r)))
                .map(move |(_, reply)| format!("{}/{}", node.id, reply.id))
        })
        .collect();
    let all_endings: BTreeMap<&str, ()> = s.endings.iter().map(|e| (e.id.as_str(), ())).collect();
    let none = Range { best: 0, worst: 0 };
    let empty = Scale {
        respect: none,
        sincerity: none,
        understanding: none,
        acknowledgement: none,
        emotion: none,
        assistance: none,
    };
    Analysis {
        scenario: s.id.clone(),
        states,
        scale: scale.unwrap_or(empty),
        typical_scale: typical_scale.unwrap_or(empty),
        typical_start: s
            .persona
            .meters
            .iter()
            .map(|m| m.id.clone())
            .zip(typical)
            .collect(),
        best_path: best_path.unwrap_or_else(empty_path),
        worst_path: worst_path.unwrap_or_else(empty_path),
        unreachable_endings: all_endings
            .keys()
            .filter(|id| !endings.contains(**id))
            .map(|id| (*id).to_owned())
            .collect(),
        reachable_endings: endings.into_iter().collect(),
        unreachable_nodes: s
            .nodes
            .iter()
            .enumerate()
            .filter(|(n, _)| !visited_nodes[*n])
            .map(|(_, node)| node.id.clone())
            .collect(),
        unused_replies,
        longest_path: longest,
        problems,
    }
}

fn empty_path() -> PathReport {
    PathReport {
        steps: Vec::new(),
        ending: String::new(),
        points: Points::default(),
        respect: 0,
        sincerity: 0,
    }
}

fn push_once(problems: &mut Vec<Problem>, p: Problem) {
    if !problems.contains(&p) {
        problems.push(p);
    }
}

/// The nodes around the loop closed by the edge `from -> to`.
fn loop_nodes(model: &Model, graph: &Graph, from: usize, to: usize) -> Vec<String> {
    // Walk forward from `to` until `from`, along any path of states.
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([to]);
    while let Some(s) = queue.pop_front() {
        if s == from {
            break;
        }
        for e in &graph.edges[s] {
            if let To::State(t) = e.to
                && t != to
                && !parent.contains_key(&t)
            {
                parent.insert(t, s);
                queue.push_back(t);
            }
        }
    }
    let mut chain = vec![from];
    let mut s = from;
    while s != to {
        match parent.get(&s) {
            Some(&p) => {
                chain.push(p);
                s = p;
            }
            None => break,
        }
    }
    chain.reverse();
    let mut nodes: Vec<String> = chain
        .into_iter()
        .map(|s| model.scenario.nodes[graph.states[s].node].id.clone())
        .collect();
    nodes.dedup();
    nodes
}

/// The most replies any path takes (loops counted once).
fn longest_path(graph: &Graph) -> usize {
    let mut len = vec![0usize; graph.states.len()];
    for &s in &graph.order {
        len[s] = graph.edges[s]
            .iter()
            .map(|e| match e.to {
                To::State(t) => 1 + len[t],
                To::Ending(_) => 1,
            })
            .max()
            .unwrap_or(0);
    }
    len.first().copied().unwrap_or(0)
}
