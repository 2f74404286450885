//! Speed of the core: loading and validating 1,000 generated scenarios,
//! against plain `ron` deserialisation of the same files (target: at most
//! 1.5 times as long), and analysing each shipped scenario (target: all of
//! them together in at most 100 ms). `scripts/bench-core.sh` runs this and
//! prints the figures; `docs/performance.md` records them.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use callsim_core::Model;
use callsim_core::analysis::analyze;
use callsim_core::scenario::{load_file, scenario_files};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SCENARIOS: usize = 1_000;

const KINDS: [&str; 10] = [
    "listen",
    "clarify",
    "check_account",
    "explain_and_reassure",
    "policy",
    "brush_off",
    "routine_apology",
    "redirect_to_sms",
    "send_sms_guide",
    "compensation",
];

const WORDS: [&str; 24] = [
    "I", "topped", "up", "and", "the", "number", "never", "came", "your", "advert", "said", "today", "why",
    "is", "it", "so", "hard", "to", "get", "help", "with", "a", "simple", "thing",
];

fn sentence(rng: &mut ChaCha8Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    s.push('.');
    s
}

fn points(rng: &mut ChaCha8Rng, good: bool) -> String {
    let range = if good { 0..=3 } else { -3..=1 };
    let mut p: Vec<i32> = (0..4).map(|_| rng.random_range(range.clone())).collect();
    if good && p.iter().all(|&v| v <= 0) {
        p[3] = 2;
    }
    format!(
        "(understanding: {}, acknowledgement: {}, emotion: {}, assistance: {})",
        p[0], p[1], p[2], p[3]
    )
}

/// One valid scenario of the size the shipped ones have: 10 to 25 caller
/// lines in a main line with detours and loops back, 4 to 8 endings, 2 to 5
/// replies each with points, effects, notes, some conditions and branches,
/// line variants by mood, thresholds.
fn generate(seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let nodes = rng.random_range(10..=25usize);
    let endings = rng.random_range(4..=8usize);
    let kinds = [
        "Delighted",
        "Resolved",
        "Escalated",
        "Complaint",
        "CallerHungUp",
        "AgentHungUp",
    ];
    let ending_kind = |e: usize| kinds[e % kinds.len()];
    let mut s = String::new();
    let _ = write!(
        s,
        r#"// Generated for the benchmark, seed {seed}.
Scenario(
    id: "generated-{seed}",
    title: "Generated call {seed}",
    summary: "{}",
    difficulty: Medium,
    tags: ["generated", "benchmark"],
    source: "001_6aa1b2ef7da8ed30.txt",
    languages: ["en"],
    default_language: "en",
    policy: (
        notes: "Transfer only when the caller insists.",
        transfer: (allowed_when: [AtLeast("anger", 80)]),
    ),
    persona: (
        name: "Caller {seed}",
        description: "{}",
        meters: [
            (id: "anger", label: "Anger", min: 0, max: 100, start: (40, 60)),
            (id: "trust", label: "Trust", min: 0, max: 100, start: (20, 40)),
        ],
        traits: [(name: "Hates scripts", description: "Routine lines hurt twice.", kinds: ["routine_apology", "policy"], effects: 2.0)],
    ),
    account: [
        (label: "Top-up", value: "100 received minutes ago"),
        (label: "Bonus number", value: "Not issued yet"),
    ],
    start: "n0",
    thresholds: [(when: [AtLeast("anger", 100)], ending: "e2")],
    nodes: [
"#,
        sentence(&mut rng, 30),
        sentence(&mut rng, 12)
    );
    for n in 0..nodes {
        let last = n == nodes - 1;
        let _ = write!(
            s,
            "        (\n            id: \"n{n}\",\n{}            says: [\n                (text: \"{}\"),\n                (text: \"{}\", when: [AtLeast(\"anger\", 70)]),\n            ],\n            replies: [\n",
            if last { "            done: true,\n" } else { "" },
            sentence(&mut rng, 18),
            sentence(&mut rng, 14)
        );
        // The last line has one way out to each ending, so all are reached.
        let replies = if last {
            endings
        } else {
            rng.random_range(2..=5usize)
        };
        for r in 0..replies {
            let good = r == 0;
            // The first reply moves the call on; the last caller line
            // closes it. Others detour forward, loop back, or end the call.
            let next = if last {
                format!("e{r}")
            } else if good {
                format!("n{}", n + 1)
            } else {
                match rng.random_range(0..4) {
                    0 if n > 0 => format!("n{}", rng.random_range(0..n)),
                    1 => format!("e{}", 2 + rng.random_range(0..endings - 2)),
                    _ => format!("n{}", rng.random_range(n + 1..nodes)),
                }
            };
            // The trait's kinds must be used somewhere.
            let kind = match (n, r) {
                (0, 1) => "policy",
                (1, 1) => "routine_apology",
                _ => KINDS[rng.random_range(0..KINDS.len())],
            };
            let action = if last {
                "\n                    action: EndCall,"
            } else {
                ""
            };
            let branch = if !last && !good && rng.random_range(0..4) == 0 {
                format!(
                    "\n                    branches: [(when: [AtLeast(\"anger\", 75)], next: \"e{}\")],",
                    2 + rng.random_range(0..endings - 2)
                )
            } else {
                String::new()
            };
            let once = if rng.random_range(0..6) == 0 {
                "\n                    once: true,"
            } else {
                ""
            };
            let _ = write!(
                s,
                r#"                (
                    id: "r{r}",
                    text: "{}",
                    kind: "{kind}",{action}{once}
                    points: {},
                    effects: {{"anger": {}, "trust": {}}},
                    next: "{next}",{branch}
                    note: "{}",
                    seconds: {},
                ),
"#,
                sentence(&mut rng, 16),
                points(&mut rng, good),
                if good {
                    -rng.random_range(0..15)
                } else {
                    rng.random_range(0..15)
                },
                if good {
                    rng.random_range(0..15)
                } else {
                    -rng.random_range(0..10)
                },
                sentence(&mut rng, 12),
                rng.random_range(5..40)
            );
        }
        s.push_str("            ],\n        ),\n");
    }
    s.push_str("    ],\n    endings: [\n");
    for e in 0..endings {
        let kind = match e {
            0 => "Delighted",
            1 => "Resolved",
            2 => "CallerHungUp",
            _ => ending_kind(e),
        };
        let _ = writeln!(
            s,
            "        (id: \"e{e}\", kind: {kind}, title: \"Ending {e}\", debrief: \"{}\", says: \"{}\"),",
            sentence(&mut rng, 20),
            sentence(&mut rng, 6)
        );
    }
    s.push_str("    ],\n)\n");
    s
}

/// Writes the generated scenarios to a fresh folder, each checked to load.
fn write_scenarios() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut files = Vec::with_capacity(SCENARIOS);
    for seed in 0..SCENARIOS as u64 {
        let file = dir.path().join(format!("generated-{seed:04}.ron"));
        std::fs::write(&file, generate(seed)).expect("the scenario is written");
        // Clean like the shipped ones: warnings would build the span map
        // and measure the reporting, not the loading.
        match load_file(&file) {
            Ok(loaded) if loaded.warnings.is_empty() => {}
            Ok(loaded) => panic!(
                "generated scenario {seed} has warnings:\n{}",
                loaded
                    .warnings
                    .iter()
                    .map(|w| w.render(&loaded.source))
                    .collect::<String>()
            ),
            Err(e) => panic!("generated scenario {seed} does not load:\n{}", e.render()),
        }
        files.push(file);
    }
    (dir, files)
}

/// The two loads timed in alternation, round by round, so a machine shared
/// with other work slows both alike; prints the median ratio.
fn interleaved_ratio(files: &[PathBuf]) {
    let mut ratios = Vec::new();
    for _ in 0..7 {
        let start = std::time::Instant::now();
        for f in files {
            black_box(load_file(f).expect("loads"));
        }
        let load = start.elapsed();
        let start = std::time::Instant::now();
        for f in files {
            let text = std::fs::read_to_string(f).expect("readable");
            black_box(ron::from_str::<callsim_core::Scenario>(&text).expect("parses"));
        }
        let plain = start.elapsed();
        ratios.push(load.as_secs_f64() / plain.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "load_file / plain ron, 7 interleaved rounds of {} files: median {:.2}x (min {:.2}x, max {:.2}x; target <= 1.5x)",
        files.len(),
        ratios[3],
        ratios[0],
        ratios[6]
    );
}

fn loading(c: &mut Criterion) {
    let (_dir, files) = write_scenarios();
    interleaved_ratio(&files);
    let mut group = c.benchmark_group("load 1000 scenarios");
    group.sample_size(20).measurement_time(Duration::from_secs(20));
    group.bench_function("callsim load_file (parse + validate)", |b| {
        b.iter(|| {
            for f in &files {
                black_box(load_file(f).expect("loads"));
            }
        });
    });
    group.bench_function("plain ron::from_str", |b| {
        b.iter(|| {
            for f in &files {
                let text = std::fs::read_to_string(f).expect("readable");
                black_box(ron::from_str::<callsim_core::Scenario>(&text).expect("parses"));
            }
        });
    });
    // Where the difference goes: ron with the loader's options, and the
    // validation alone on scenarios already parsed.
    group.bench_function("ron with implicit_some (as load_file parses)", |b| {
        let options =
            ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        b.iter(|| {
            for f in &files {
                let text = std::fs::read_to_string(f).expect("readable");
                black_box(options.from_str::<callsim_core::Scenario>(&text).expect("parses"));
            }
        });
    });
    let parsed: Vec<callsim_core::Scenario> = files
        .iter()
        .map(|f| ron::from_str(&std::fs::read_to_string(f).expect("readable")).expect("parses"))
        .collect();
    group.bench_function("validate only", |b| {
        b.iter(|| {
            for (s, f) in parsed.iter().zip(&files) {
                black_box(callsim_core::scenario::validate::validate(s, f.parent()));
            }
        });
    });
    group.finish();
}

fn shipped() -> Vec<(String, Model)> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios");
    scenario_files(&dir)
        .expect("scenarios/ can be listed")
        .into_iter()
        .map(|f| {
            let loaded = load_file(&f).unwrap_or_else(|e| panic!("{}", e.render()));
            let name = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, Model::new(loaded.scenario).expect("compiles"))
        })
        .collect()
}

fn analysis(c: &mut Criterion) {
    let models = shipped();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(20);
    for (name, model) in &models {
        group.bench_function(name.as_str(), |b| b.iter(|| black_box(analyze(model))));
    }
    group.bench_function("all shipped scenarios", |b| {
        b.iter(|| {
            for (_, model) in &models {
                black_box(analyze(model));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, loading, analysis);
criterion_main!(benches);
