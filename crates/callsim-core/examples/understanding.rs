//! How well typed replies are understood on the shipped scenarios: prints,
//! per language, the figures docs/performance.md records. Run in release:
//!
//! ```text
//! cargo run --release -p callsim-core --example understanding -- [--split tune|tune2|report|report2|report3|reports|all]
//!     [--accept X] [--margin X] [--floor X] [--misses]
//! ```
//!
//! The test sets are `tests/understanding/` (see its README): paraphrases of
//! each reply with off-topic lines, and free replies written blind and
//! labelled afterwards. Tuning (examples, thresholds) looks at the `tune`
//! and `tune2` splits only; `--misses` and `--dump` refuse the report
//! splits, so the reported figures stay on data nobody tuned on. `reports`
//! is the three report splits together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use callsim_core::engine::Model;
use callsim_core::scenario::{UnderstandingRule, load_file};
use callsim_core::understand::{Phrasebook, Verdict, read};
use callsim_encoder::Encoder;
use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    scenario: String,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    node: String,
    lang: String,
    text: String,
    reply: Option<String>,
    #[serde(default)]
    clarity: Option<String>,
    #[serde(default)]
    split: Option<String>,
}

#[derive(Default)]
struct Tally {
    paraphrases: usize,
    paraphrase_top1: usize,
    paraphrase_understood: usize,
    off_topic: usize,
    off_topic_played: usize,
    clear: usize,
    clear_first: usize,
    clear_understood: usize,
    clear_unsure: usize,
    clear_wrongly_played: usize,
    clear_reached: usize,
    arguable: usize,
    arguable_first: usize,
    none: usize,
    none_played: usize,
    none_clear: usize,
    none_clear_played: usize,
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "-".to_owned()
    } else {
        format!("{:5.1}% ({n}/{of})", 100.0 * n as f64 / of as f64)
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    let mut split = "report".to_owned();
    let mut overrides: BTreeMap<String, f32> = BTreeMap::new();
    let mut misses = false;
    let mut dump: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--split" => split = args.next().unwrap_or_default(),
            "--misses" => misses = true,
            "--dump" => dump = args.next().map(PathBuf::from),
            "--accept" | "--margin" | "--floor" => {
                let value = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                    eprintln!("{arg} takes a number");
                    std::process::exit(2)
                });
                overrides.insert(arg.trim_start_matches('-').to_owned(), value);
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    if (misses || dump.is_some()) && !split.starts_with("tune") {
        eprintln!(
            "--misses and --dump only with --split tune or tune2: the report splits are never looked at while tuning"
        );
        std::process::exit(2);
    }

    let started = Instant::now();
    let encoder = match Encoder::load(&callsim_encoder::default_model_dir()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!(
        "model loaded in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut dumped: Vec<serde_json::Value> = Vec::new();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut books_time = 0.0;
    let mut phrases = 0;
    let mut read_times = Vec::new();
    for set_name in ["paraphrases", "free", "free2", "free3", "tune2"] {
        let dir = root().join("tests/understanding").join(set_name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Ok(set) = serde_json::from_str::<Set>(&text) else {
                eprintln!("{}: not a test set", file.display());
                continue;
            };
            let scenario_file = root().join("scenarios").join(format!("{}.ron", set.scenario));
            let loaded = match load_file(&scenario_file) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("{}", e.render());
                    continue;
                }
            };
            let Ok(model) = Model::new(loaded.scenario) else {
                continue;
            };
            let t = Instant::now();
            let book = Phrasebook::new(&model, &encoder);
            if set_name == "free" {
                books_time += t.elapsed().as_secs_f64();
                phrases += book.len();
            }
            if dump.is_some() {
                dumped.push(dump_phrases(set_name, &set.scenario, &model, &encoder));
            }
            let mut rule: UnderstandingRule = model.scenario.rules.understanding.clone();
            if let Some(v) = overrides.get("accept") {
                rule.accept = *v;
            }
            if let Some(v) = overrides.get("margin") {
                rule.margin = *v;
            }
            if let Some(v) = overrides.get("floor") {
                rule.floor = *v;
            }
            for item in &set.items {
                let in_split = match (split.as_str(), item.split.as_deref()) {
                    ("all", _) => true,
                    ("reports", Some(s)) => s.starts_with("report"),
                    (wanted, s) => s == Some(wanted),
                };
                if !in_split {
                    continue;
                }
                let Some(node) = model.scenario.node_index(&item.node) else {
                    eprintln!("{}: no node {}", set.scenario, item.node);
                    continue;
                };
                let all: Vec<usize> = (0..model.scenario.nodes[node].replies.len()).collect();
                let t = Instant::now();
                let Some(reading) = read(&encoder, &book, &model, node, &all, &item.text, &rule) else {
                    continue;
                };
                read_times.push(t.elapsed().as_secs_f64());
                if dump.is_some() {
                    dumped.push(serde_json::json!({
                        "set": set_name, "scenario": set.scenario, "node": item.node,
                        "lang": item.lang, "text": reading.text, "reply": item.reply,
                        "clarity": item.clarity, "vector": encoder.embed(&reading.text).as_slice(),
                    }));
                }
                let best = reading.best().map(|c| c.reply.as_str());
                let played = reading.verdict == Verdict::Understood;
                let tally = tallies.entry(item.lang.clone()).or_default();
                let right = best.is_some() && best == item.reply.as_deref();
                let miss = match (set_name, &item.reply) {
                    ("paraphrases", Some(_)) => {
                        tally.paraphrases += 1;
                        tally.paraphrase_top1 += usize::from(right);
                        tally.paraphrase_understood += usize::from(right && played);
                        !right
                    }
                    ("paraphrases", None) => {
                        tally.off_topic += 1;
                        tally.off_topic_played += usize::from(played);
                        played
                    }
                    (_, Some(_)) if item.clarity.as_deref() == Some("clear") => {
                        tally.clear += 1;
                        tally.clear_first += usize::from(right);
                        tally.clear_understood += usize::from(right && played);
                        tally.clear_unsure += usize::from(reading.verdict == Verdict::Unsure);
                        tally.clear_wrongly_played += usize::from(!right && played);
                        // The right reply is played, or offered among the
                        // two the trainee picks from when the game is unsure.
                        let among_choices = reading.verdict == Verdict::Unsure
                            && reading
                                .choices()
                                .any(|c| Some(c.reply.as_str()) == item.reply.as_deref());
                        tally.clear_reached += usize::from((right && played) || among_choices);
                        !(right && played)
                    }
                    (_, Some(_)) => {
                        tally.arguable += 1;
                        tally.arguable_first += usize::from(right);
                        false
                    }
                    (_, None) => {
                        tally.none += 1;
                        tally.none_played += usize::from(played);
                        if item.clarity.as_deref() == Some("clear") {
                            tally.none_clear += 1;
                            tally.none_clear_played += usize::from(played);
                        }
                        played
                    }
                };
                if misses && miss {
                    let top: Vec<String> = reading
                        .candidates
                        .iter()
                        .take(3)
                        .map(|c| format!("{} {:.3}", c.reply, c.similarity))
                        .collect();
                    println!(
                        "MISS {set_name} {}/{} [{}] {:?} want {:?} got {} {}",
                        set.scenario,
                        item.node,
                        item.lang,
                        item.text,
                        item.reply,
                        reading.verdict.name(),
                        top.join(", ")
                    );
                }
            }
        }
    }

    if let Some(path) = &dump {
        let lines: Vec<String> = dumped.iter().map(|v| v.to_string()).collect();
        if let Err(e) = std::fs::write(path, lines.join("\n")) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    }
    memo_figures();
    read_times.sort_by(f64::total_cmp);
    let median = read_times.get(read_times.len() / 2).copied().unwrap_or(0.0);
    let worst = read_times.last().copied().unwrap_or(0.0);
    println!(
        "embedding {phrases} replies and examples of the shipped scenarios: {:.0} ms; reading one typed reply: median {:.2} ms, worst {:.2} ms ({} texts)",
        books_time * 1000.0,
        median * 1000.0,
        worst * 1000.0,
        read_times.len()
    );
    println!("split: {split}");
    for (lang, t) in &tallies {
        println!("[{lang}]");
        println!(
            "  paraphrases ranked first           {}",
            pct(t.paraphrase_top1, t.paraphrases)
        );
        println!(
            "  paraphrases understood             {}",
            pct(t.paraphrase_understood, t.paraphrases)
        );
        println!(
            "  off-topic lines played             {}",
            pct(t.off_topic_played, t.off_topic)
        );
        println!(
            "  free, clear matches ranked first   {}",
            pct(t.clear_first, t.clear)
        );
        println!(
            "  free, clear matches understood     {}",
            pct(t.clear_understood, t.clear)
        );
        println!(
            "  free, clear matches sent to unsure {}",
            pct(t.clear_unsure, t.clear)
        );
        println!(
            "  free, clear matches played wrong   {}",
            pct(t.clear_wrongly_played, t.clear)
        );
        println!(
            "  free, clear matches reached        {}",
            pct(t.clear_reached, t.clear)
        );
        println!(
            "  free, arguable ranked first        {}",
            pct(t.arguable_first, t.arguable)
        );
        println!(
            "  free, matching nothing played      {}",
            pct(t.none_played, t.none)
        );
        println!(
            "  free, clearly nothing played       {}",
            pct(t.none_clear_played, t.none_clear)
        );
    }
}

/// Every reply's phrases with their embeddings, for exploring decision rules
/// outside Rust (`--dump`, tune split only).
fn dump_phrases(set: &str, scenario: &str, model: &Model, encoder: &Encoder) -> serde_json::Value {
    let lang = model.scenario.default_language.as_str();
    let nodes: Vec<serde_json::Value> = model
        .scenario
        .nodes
        .iter()
        .map(|node| {
            let replies: Vec<serde_json::Value> = node
                .replies
                .iter()
                .map(|r| {
                    let mut phrases = Vec::new();
                    for (l, t) in r.text.by_language(lang) {
                        phrases.push(serde_json::json!({"kind": "text", "lang": l, "text": t, "vector": encoder.embed(&t).as_slice()}));
                    }
                    for e in &r.examples {
                        for (l, t) in e.by_language(lang) {
                            phrases.push(serde_json::json!({"kind": "example", "lang": l, "text": t, "vector": encoder.embed(&t).as_slice()}));
                        }
                    }
                    serde_json::json!({"id": r.id, "phrases": phrases})
                })
                .collect();
            serde_json::json!({"id": node.id, "replies": replies})
        })
        .collect();
    serde_json::json!({"set": set, "scenario": scenario, "nodes": nodes})
}

/// Embedding every phrase of the shipped scenarios with the encoder's memo, as
/// the game and `callsim check` do: the first time (the memo filled and
/// written) and the next launch (the memo read, nothing embedded).
fn memo_figures() {
    let file = std::env::temp_dir().join(format!("callsim-memo-figures-{}.bin", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let models: Vec<Model> = callsim_core::scenario::scenario_files(&root().join("scenarios"))
        .unwrap_or_default()
        .iter()
        .filter_map(|file| load_file(file).ok())
        .filter_map(|l| Model::new(l.scenario).ok())
        .collect();
    let mut times = Vec::new();
    for _launch in 0..2 {
        let Ok(encoder) = Encoder::load(&callsim_encoder::default_model_dir()) else {
            return;
        };
        let t = Instant::now();
        let known = encoder.remember_in(&file);
        let phrases: usize = models.iter().map(|m| Phrasebook::new(m, &encoder).len()).sum();
        let _ = encoder.save_memo();
        times.push((t.elapsed().as_secs_f64(), known, phrases));
    }
    let _ = std::fs::remove_file(&file);
    for ((secs, known, phrases), what) in times.iter().zip(["first launch", "next launch"]) {
        println!(
            "with the memo, {what}: {phrases} phrases of the shipped scenarios in {:.0} ms ({known} remembered, memo read and written)",
            secs * 1000.0
        );
    }
}
