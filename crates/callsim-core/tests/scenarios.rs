//! Every shipped scenario, found by listing `scenarios/`: it checks clean
//! (warnings included), its analysis proves the best path reaches a good
//! ending at 100/100 and every ending can happen, and the scripted
//! playthroughs in `tests/scenarios/NAME.playthroughs.ron` reach the
//! endings and scores written there, in every language the scenario declares.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use callsim_core::analysis::{analyze, typical_start};
use callsim_core::check::check_file;
use callsim_core::scenario::{EndingKind, load_file, scenario_files};
use callsim_core::{Call, Model};
use serde::Deserialize;

/// A scripted call and what it must come to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Playthrough {
    name: String,
    seed: u64,
    /// Reply ids in order.
    choices: Vec<String>,
    ending: String,
    respect: u8,
    sincerity: u8,
    /// The caller's line after the first reply, in the default language,
    /// where the test wants to pin it.
    #[serde(default)]
    caller_after_first: Option<String>,
}

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios");
    let files = scenario_files(&dir).expect("scenarios/ can be listed");
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
}

fn model(file: &Path) -> Arc<Model> {
    let loaded = load_file(file).unwrap_or_else(|e| panic!("{}", e.render()));
    Arc::new(Model::new(loaded.scenario).expect("a loaded scenario compiles"))
}

#[test]
fn every_scenario_checks_clean_with_warnings_denied() {
    for file in shipped() {
        let report = check_file(&file);
        let rendered: String = report
            .diagnostics
            .iter()
            .map(|d| d.render(&report.source))
            .collect();
        assert!(report.diagnostics.is_empty(), "{}:\n{rendered}", file.display());
    }
}

#[test]
fn every_scenario_has_a_perfect_path_to_a_good_ending_and_reaches_every_ending() {
    for file in shipped() {
        let model = model(&file);
        let a = analyze(&model);
        let name = file.display();
        assert!(a.problems.is_empty(), "{name}: {:?}", a.problems);
        assert!(
            a.unreachable_endings.is_empty(),
            "{name}: endings never reached: {:?}",
            a.unreachable_endings
        );
        let ending = model
            .scenario
            .ending(&a.best_path.ending)
            .unwrap_or_else(|| panic!("{name}: best path ends at {}", a.best_path.ending));
        assert!(
            matches!(ending.kind, EndingKind::Delighted | EndingKind::Resolved),
            "{name}: the best path ends {:?}",
            ending.kind
        );

        // Playing the best path from the typical start scores 100/100.
        let start = typical_start(&model);
        let seed = (0..500u64)
            .find(|&seed| {
                let call = Call::start(Arc::clone(&model), seed, &model.scenario.default_language);
                model
                    .scenario
                    .persona
                    .meters
                    .iter()
                    .zip(&start)
                    .all(|(m, v)| call.meter(&m.id) == Some(*v))
            })
            .unwrap_or_else(|| panic!("{name}: no seed below 500 starts at the typical mood"));
        let mut call = Call::start(Arc::clone(&model), seed, &model.scenario.default_language);
        for step in &a.best_path.steps {
            call.choose_id(&step.reply)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let d = call.debrief().expect("the best path ends the call");
        assert_eq!(
            (d.respect.percent, d.sincerity.percent),
            (100, 100),
            "{name}: best path debrief"
        );
        assert!(
            d.turns.iter().all(|t| t.was_best),
            "{name}: a best-path turn was not marked best"
        );
    }
}

#[test]
fn every_scenario_has_playthroughs_and_they_hold_in_every_language() {
    let mut figures = Vec::new();
    for file in shipped() {
        let model = model(&file);
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let expected = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .join("tests/scenarios")
            .join(format!("{stem}.playthroughs.ron"));
        let text = std::fs::read_to_string(&expected).unwrap_or_else(|e| {
            panic!(
                "{}: every scenario needs its playthroughs: {e}",
                expected.display()
            )
        });
        let playthroughs: Vec<Playthrough> = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
        assert!(
            playthroughs.len() >= 2,
            "{}: a model agent and a tired agent at least",
            expected.display()
        );
        let kinds: Vec<EndingKind> = playthroughs
            .iter()
            .filter_map(|p| model.scenario.ending(&p.ending).map(|e| e.kind))
            .collect();
        assert!(
            kinds.iter().any(|k| k.is_good()),
            "{stem}: no playthrough reaches a good ending"
        );
        assert!(
            kinds.iter().any(|k| !k.is_good()) || playthroughs.iter().any(|p| p.ending == "hung_up"),
            "{stem}: no playthrough reaches a bad ending"
        );
        for p in &playthroughs {
            for lang in &model.scenario.languages {
                let mut call = Call::start(Arc::clone(&model), p.seed, lang);
                for (i, id) in p.choices.iter().enumerate() {
                    let step = call
                        .choose_id(id)
                        .unwrap_or_else(|e| panic!("{stem} / {} / {lang}: turn {}: {e}", p.name, i + 1));
                    assert!(
                        !step.turn.text.trim().is_empty(),
                        "{stem} / {} / {lang}: empty reply text",
                        p.name
                    );
                    if let Some(line) = &p.caller_after_first
                        && i == 0
                        && lang == &model.scenario.default_language
                    {
                        assert_eq!(step.caller.as_deref(), Some(line.as_str()), "{stem} / {}", p.name);
                    }
                }
                let d = call
                    .debrief()
                    .unwrap_or_else(|| panic!("{stem} / {} / {lang}: the call did not end", p.name));
                assert_eq!(d.ending.id, p.ending, "{stem} / {} / {lang}: ending", p.name);
                // Collected, so one run lists every figure that moved.
                if (d.respect.percent, d.sincerity.percent) != (p.respect, p.sincerity) {
                    figures.push(format!(
                        "{stem} / {} / {lang}: respect and sincerity are ({}, {}), expected ({}, {})",
                        p.name, d.respect.percent, d.sincerity.percent, p.respect, p.sincerity
                    ));
                }
            }
        }
    }
    assert!(figures.is_empty(), "{}", figures.join("\n"));
}
