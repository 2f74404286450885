//! The windowed smoke test: the real game in a real window plays one
//! scripted call through every screen (`callsim --screenshots DIR`, by
//! keyboard inside the call) and must save a picture of each that is not
//! blank, reach the call's ending, and leave the attempt in the trainee's
//! database with the scores the core gives that call.
//!
//! It needs a display: CI starts `Xvfb :99` with software Vulkan
//! (mesa-vulkan-drivers). Without `DISPLAY` or `WAYLAND_DISPLAY` it skips,
//! saying so on stderr (`cargo test -- --nocapture` shows it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use callsim_core::call::Call;
use callsim_core::engine::Model;
use callsim_core::scenario::load_file;
use callsim_game::{OPTIONAL_PICTURES, PICTURES};
use callsim_trainee::progress::ProgressStore;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn display() -> Option<String> {
    ["DISPLAY", "WAYLAND_DISPLAY"].into_iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{var}={v}"))
    })
}

#[test]
fn the_game_plays_a_call_through_every_screen_in_a_window() {
    let Some(display) = display() else {
        eprintln!(
            "SKIPPED the windowed smoke test: no display (neither DISPLAY nor WAYLAND_DISPLAY is set). \
             Run it with a virtual one: `Xvfb :99 & DISPLAY=:99 cargo test --test windowed`."
        );
        return;
    };
    let pictures = tempfile::tempdir().expect("a folder for the pictures");
    let data = tempfile::tempdir().expect("a data folder");
    let output = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .arg("--screenshots")
        .arg(pictures.path())
        .arg("--data-dir")
        .arg(data.path())
        .arg("--scenarios")
        .arg(root().join("scenarios"))
        .output()
        .expect("the game starts");
    let log = format!(
        "{display}\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the tour failed ({}):\n{log}",
        output.status
    );

    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(pictures.path().join("tour.json")).expect("tour.json is written"),
    )
    .expect("tour.json is JSON");
    assert_eq!(summary["failure"], serde_json::Value::Null, "{log}");
    assert_eq!(summary["ended"], true, "the call reached its ending\n{log}");

    // The tour's own list, so the two cannot drift.
    for name in PICTURES.into_iter().filter(|p| !OPTIONAL_PICTURES.contains(p)) {
        let shot = summary["screens"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["name"] == name))
            .unwrap_or_else(|| panic!("no picture of {name}\n{log}"));
        assert_eq!(shot["blank"], false, "{name} is blank");
        assert!(
            shot["ink"].as_f64().is_some_and(|ink| ink > 0.02),
            "{name} is nearly empty: {shot}"
        );
        let png = std::fs::read(pictures.path().join(format!("{name}.png"))).expect("the picture is saved");
        assert!(png.starts_with(b"\x89PNG"), "{name}.png is a PNG");
    }

    // The call the window played is in the trainee's database, and the
    // core alone scores it as the game showed.
    let store = ProgressStore::open(data.path()).expect("the game's database opens");
    let trainee = store
        .last_trainee()
        .expect("readable")
        .expect("the tour's trainee");
    let attempts = store.attempts(trainee.id).expect("readable");
    assert_eq!(
        attempts.len(),
        2,
        "two finished calls are recorded: one chosen by keys, one typed"
    );
    for attempt in &attempts {
        let model = model(&root().join("scenarios").join(format!("{}.ron", attempt.scenario)));
        let replayed = Call::replay(model, &attempt.record()).expect("the recorded call replays");
        let debrief = replayed.debrief().expect("the replayed call is over");
        assert_eq!(
            (attempt.respect, attempt.sincerity),
            (debrief.respect.percent, debrief.sincerity.percent)
        );
    }
    // The summary is the last call's (attempts come newest first): the
    // typed one, every reply of it typed and kept with the words.
    let typed = &attempts[0];
    let model = model(&root().join("scenarios").join(format!("{}.ron", typed.scenario)));
    let debrief = Call::replay(model, &typed.record())
        .expect("the typed call replays")
        .debrief()
        .expect("over");
    assert_eq!(summary["ending"], debrief.ending.id.as_str());
    assert_eq!(summary["respect"], debrief.respect.percent);
    assert_eq!(summary["sincerity"], debrief.sincerity.percent);
    let saved: serde_json::Value =
        serde_json::from_str(&store.debrief_json(typed.id).expect("readable").expect("kept")).expect("JSON");
    let turns = saved["turns"].as_array().expect("turns");
    assert!(
        !turns.is_empty() && turns.iter().all(|t| t["typed"]["text"].is_string()),
        "every turn of the typed call keeps what was typed: {saved}"
    );
}

fn model(file: &Path) -> Arc<Model> {
    let loaded = load_file(file).expect("the scenario loads");
    Arc::new(Model::new(loaded.scenario).expect("the scenario compiles"))
}
