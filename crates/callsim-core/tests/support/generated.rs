//! Scenarios made from bytes, and the whole path a scenario file takes
//! through callsim, for the property test (`tests/generated_scenarios.rs`,
//! on stable) and the fuzz targets (`fuzz/`, which include this file by
//! path): one generator, one pipeline, so what is fuzzed is what is tested.
//!
//! Any bytes make a scenario that parses; most also validate, because
//! every reference is drawn from the ids the generator declared.

#![allow(dead_code)] // Each includer uses a part.

use std::path::Path;
use std::sync::Arc;

use callsim_core::analysis::{MAX_STATES, analyze};
use callsim_core::scenario::parse_str;
use callsim_core::{Call, Model};

/// Reads numbers from bytes; past the end every number is 0.
pub struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A number from 0 to `n - 1` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::from(self.byte()) % n }
    }

    /// A number from `low` to `high`.
    fn between(&mut self, low: i32, high: i32) -> i32 {
        let span = (high - low + 1).max(1) as usize;
        low + self.below(span) as i32
    }

    fn chance(&mut self, in_256: u8) -> bool {
        self.byte() < in_256
    }
}

const METER_IDS: [&str; 8] = [
    "anger", "trust", "patience", "hope", "calm", "fear", "pride", "doubt",
];
const KINDS: [&str; 6] = ["apology", "check", "policy", "listen", "close", "hold"];
const ACTIONS: [&str; 5] = ["Say", "CheckAccount", "Hold(seconds: 90)", "Transfer", "EndCall"];
const ENDING_KINDS: [&str; 6] = [
    "Delighted",
    "Resolved",
    "Escalated",
    "Complaint",
    "CallerHungUp",
    "AgentHungUp",
];

fn condition(b: &mut Bytes, meters: usize, nodes: usize, depth: u8) -> String {
    match b.below(if depth > 1 { 7 } else { 9 }) {
        0 => format!(
            "AtLeast(\"{}\", {})",
            METER_IDS[b.below(meters)],
            b.between(0, 100)
        ),
        1 => format!(
            "AtMost(\"{}\", {})",
            METER_IDS[b.below(meters)],
            b.between(0, 100)
        ),
        2 => format!("Visited(\"n{}\")", b.below(nodes)),
        3 => format!("NotVisited(\"n{}\")", b.below(nodes)),
        4 => format!("Used(\"{}\")", KINDS[b.below(KINDS.len())]),
        5 => format!("JustUsed(\"{}\")", KINDS[b.below(KINDS.len())]),
        6 => "Checked".to_owned(),
        7 => format!(
            "AnyOf([{}, {}])",
            condition(b, meters, nodes, depth + 1),
            condition(b, meters, nodes, depth + 1)
        ),
        _ => format!("Not({})", condition(b, meters, nodes, depth + 1)),
    }
}

fn conditions(b: &mut Bytes, meters: usize, nodes: usize) -> String {
    let n = if b.chance(160) { 0 } else { 1 + b.below(2) };
    let list: Vec<String> = (0..n).map(|_| condition(b, meters, nodes, 0)).collect();
    list.join(", ")
}

/// A scenario in RON made from `data`.
pub fn scenario_from_bytes(data: &[u8]) -> String {
    let b = &mut Bytes::new(data);
    // Mostly few meters: each one starting in a range doubles the starts
    // the analysis explores, and a slow input is a slow fuzzer.
    let meters = if b.chance(20) {
        2 + b.below(7)
    } else {
        2 + b.below(3)
    };
    let nodes = 1 + b.below(6);
    let endings = 1 + b.below(4);
    let mut out = String::from(
        "Scenario(\n    id: \"generated\", title: \"G\", summary: \"S.\", difficulty: Easy, source: \"generated\",\n",
    );
    out += &format!("    max_turns: {},\n", 1 + b.below(30));
    out += "    persona: (name: \"C\", description: \"D.\", meters: [\n";
    for id in METER_IDS.iter().take(meters) {
        let start = if b.chance(40) {
            let low = b.between(0, 60);
            format!("({low}, {})", low + b.between(0, 40))
        } else {
            b.between(0, 100).to_string()
        };
        out += &format!("        (id: \"{id}\", start: {start}),\n");
    }
    out += "    ],\n";
    if b.chance(60) {
        out += &format!(
            "    traits: [(name: \"T\", kinds: [\"{}\"], effects: {}.5, points: 1.5)],\n",
            KINDS[b.below(KINDS.len())],
            b.below(3)
        );
    }
    out += "    ),\n";
    if b.chance(100) {
        out += &format!(
            "    thresholds: [(when: [AtLeast(\"anger\", {})], ending: \"e{}\")],\n",
            b.between(50, 100),
            b.below(endings)
        );
    }
    out += "    start: \"n0\",\n    nodes: [\n";
    for n in 0..nodes {
        let done = b.chance(50);
        out += &format!("        (id: \"n{n}\", done: {done}, says: [\n");
        for l in 0..1 + b.below(3) {
            let when = if l == 0 {
                String::new()
            } else {
                conditions(b, meters, nodes)
            };
            out += &format!(
                "            (text: \"Line {l}.\", when: [{when}], weight: {}),\n",
                1 + b.below(5)
            );
        }
        out += "        ], replies: [\n";
        let replies = 1 + b.below(4);
        for r in 0..replies {
            // A done node needs a goodbye: its first reply ends the call.
            let action = if done && r == 0 {
                "EndCall"
            } else {
                ACTIONS[b.below(ACTIONS.len())]
            };
            let next = if action == "EndCall" || b.chance(70) {
                format!("e{}", b.below(endings))
            } else {
                format!("n{}", b.below(nodes))
            };
            // One change per meter (a second is an error the corpus covers).
            let effects: Vec<String> = (0..b.below(3))
                .map(|_| (METER_IDS[b.below(meters)], b.between(-30, 30)))
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .map(|(meter, change)| format!("\"{meter}\": {change}"))
                .collect();
            let branches = if b.chance(60) {
                format!(
                    "branches: [(when: [{}], next: \"n{}\")], ",
                    condition(b, meters, nodes, 0),
                    b.below(nodes)
                )
            } else {
                String::new()
            };
            out += &format!(
                "            (id: \"r{r}\", text: \"Reply.\", kind: \"{}\", action: {action}, when: [{}], once: {}, points: (understanding: {}, acknowledgement: {}, emotion: {}, assistance: {}), effects: {{{}}}, {branches}note: \"Why.\", next: \"{next}\", over_accommodation: {}),\n",
                KINDS[b.below(KINDS.len())],
                conditions(b, meters, nodes),
                b.chance(60),
                b.between(-3, 4),
                b.between(-3, 4),
                b.between(-3, 4),
                b.between(-3, 4),
                effects.join(", "),
                b.chance(20),
            );
        }
        out += "        ]),\n";
    }
    out += "    ],\n    endings: [\n";
    for e in 0..endings {
        out += &format!(
            "        (id: \"e{e}\", kind: {}, title: \"E\", debrief: \"D.\"),\n",
            ENDING_KINDS[b.below(ENDING_KINDS.len())]
        );
    }
    out += "    ],\n)\n";
    out
}

/// What a scenario source did on its way through callsim.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    pub loaded: bool,
    pub played: bool,
}

/// The path a scenario file takes: parse, validate, compile, analyse,
/// draw, play a short call (replies picked by `choices`), debrief, replay.
/// Panics (the failure being looked for) if anything breaks a promise:
/// a message without a real place, an analysis past its bound, a replay
/// that differs from the call.
pub fn exercise(source: &str, choices: &[u8]) -> Outcome {
    let loaded = match parse_str(source, Path::new("generated.ron"), None) {
        Ok(loaded) => loaded,
        Err(err) => {
            for d in &err.diagnostics {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
                assert!(d.span.start <= d.span.end && d.span.end <= source.len(), "{d}");
                assert!(d.help.is_some(), "a message without help: {d}");
            }
            let _ = err.render();
            return Outcome::default();
        }
    };
    let Ok(model) = Model::new(loaded.scenario) else {
        return Outcome {
            loaded: true,
            played: false,
        };
    };
    let model = Arc::new(model);
    let analysis = analyze(&model);
    assert!(
        analysis.states <= MAX_STATES + 1,
        "{} states explored",
        analysis.states
    );
    // What `check` adds to the loader's findings, from the same analysis.
    let findings = callsim_core::check::soundness(&model, &analysis);
    let _ = callsim_core::scenario::resolve_findings(&findings, source, "generated.ron");
    let _ = callsim_core::graph::dot(&model, "en");
    let _ = callsim_core::graph::mermaid(&model, "zh");
    let _ = callsim_core::graph::svg(&model, "en");
    let seed = choices.first().copied().map_or(0, u64::from);
    let mut call = Call::start(Arc::clone(&model), seed, "en");
    for &c in choices.iter().skip(1).take(40) {
        if call.is_over() {
            break;
        }
        let options = call.options().len();
        if options == 0 {
            // Stuck: only where `check` reports a dead end (an error the
            // loader alone does not see; the fuzzer found such files).
            let node = call.node_id().to_owned();
            assert!(
                analysis
                    .problems
                    .contains(&callsim_core::analysis::Problem::DeadEnd { node: node.clone() }),
                "the call is stuck at `{node}`, and the analysis does not say so"
            );
            return Outcome {
                loaded: true,
                played: false,
            };
        }
        call.choose(1 + usize::from(c) % options)
            .expect("an offered number");
    }
    if !call.is_over() {
        return Outcome {
            loaded: true,
            played: false,
        };
    }
    let debrief = call.debrief().expect("a finished call has a debrief");
    for score in [debrief.respect, debrief.sincerity] {
        assert!(score.percent <= 100);
    }
    let replayed = Call::replay(Arc::clone(&model), &call.record()).expect("a call's own record replays");
    assert_eq!(
        replayed.debrief().expect("the replay is over too"),
        debrief,
        "the replay's debrief differs from the call's"
    );
    Outcome {
        loaded: true,
        played: true,
    }
}
