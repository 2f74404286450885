//! `callsim new` writes a starter a trainer can build on: it checks clean
//! with warnings denied, plays to a good ending at 100/100, and is never
//! written over an existing file.

use std::process::Command;

use callsim_core::analysis::analyze;
use callsim_core::check::check_file;
use callsim_core::scenario::load_file;

fn callsim(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("callsim runs")
}

#[test]
fn the_starter_checks_clean_and_plays_to_a_perfect_ending() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = callsim(dir.path(), &["new", "The lost parcel"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.path().join("scenarios/the-lost-parcel.ron");
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote scenarios/the-lost-parcel.ron"));

    let report = check_file(&file);
    let rendered: String = report
        .diagnostics
        .iter()
        .map(|d| d.render(&report.source))
        .collect();
    assert!(report.diagnostics.is_empty(), "{rendered}");

    let loaded = load_file(&file).expect("loads");
    assert_eq!(loaded.scenario.id, "the-lost-parcel");
    let model = callsim_core::Model::new(loaded.scenario).expect("compiles");
    let a = analyze(&model);
    assert!(a.problems.is_empty() && a.unreachable_endings.is_empty(), "{a:?}");
    assert_eq!(a.best_path.ending, "sorted");

    let play = callsim(
        dir.path(),
        &[
            "play",
            "scenarios/the-lost-parcel.ron",
            "--seed",
            "1",
            "--json",
            "--choose",
            "acknowledge_and_check,explain_outage,goodbye",
        ],
    );
    let debrief: serde_json::Value = serde_json::from_slice(&play.stdout).expect("JSON debrief");
    assert_eq!(debrief["respect"]["percent"], 100);
    assert_eq!(debrief["sincerity"]["percent"], 100);
}

#[test]
fn new_never_overwrites_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("mine.ron"), "precious").expect("write");
    let out = callsim(dir.path(), &["new", "mine.ron"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("mine.ron already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.ron")).expect("read"),
        "precious"
    );
}

#[test]
fn the_guides_example_playthroughs_hold_for_the_starter() {
    // docs/scenario-guide.md quotes these scores for the starter's paths.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(callsim(dir.path(), &["new", "The lost parcel"]).status.success());
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-guide.md"))
        .expect("guide");
    for (choices, ending, respect, sincerity) in [
        ("acknowledge_and_check,explain_outage,goodbye", "sorted", 100, 100),
        ("restart_router,no_need", "hung_up_on_us", 0, 0),
    ] {
        let out = callsim(
            dir.path(),
            &[
                "play",
                "scenarios/the-lost-parcel.ron",
                "--seed",
                "1",
                "--json",
                "--choose",
                choices,
            ],
        );
        let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON debrief");
        assert_eq!(d["ending"]["id"], ending);
        assert_eq!(
            (
                d["respect"]["percent"].as_u64(),
                d["sincerity"]["percent"].as_u64()
            ),
            (Some(respect), Some(sincerity))
        );
        assert!(
            guide.contains(&format!("respect: {respect},\n        sincerity: {sincerity},")),
            "the guide quotes {respect}/{sincerity}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // `callsim analyze FILE | head`: no panic message when the reader stops.
    // `true` exits at once, long before the analysis has anything to print.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/missing-bonus-number.ron");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' analyze '{file}' | head -1",
            env!("CARGO_BIN_EXE_callsim")
        ))
        .output()
        .expect("sh runs");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("missing-bonus-number:"));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
