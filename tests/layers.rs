//! The workspace's layers hold: a lower crate never depends on a higher one
//! (docs/architecture.md). Read from `cargo tree`, so a dependency added to
//! the wrong crate fails here, not in review.

use std::collections::BTreeSet;
use std::process::Command;

/// The packages `krate` builds with, its dev-dependencies left out.
fn dependencies(krate: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "-p",
            krate,
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree -p {krate}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

fn assert_free_of(krate: &str, forbidden: &[&str]) {
    let deps = dependencies(krate);
    assert!(deps.contains(krate), "cargo tree lists {krate} itself: {deps:?}");
    let found: Vec<&&str> = forbidden.iter().filter(|f| deps.contains(**f)).collect();
    assert!(
        found.is_empty(),
        "{krate} must not depend on {found:?} (see docs/architecture.md for what each crate may use)"
    );
}

/// What the core, and the trainer's tools built on the core alone
/// (translate, import, the language server), never pull in: a window, an
/// async runtime or server, a database, HTTP, a file watcher, or the
/// crates above the core.
const CORE_ONLY: &[&str] = &[
    "bevy",
    "bevy_egui",
    "wgpu",
    "tokio",
    "axum",
    "rusqlite",
    "postgres",
    "ureq",
    "notify",
    "callsim-trainee",
    "callsim-hub",
    "callsim-game",
];

#[test]
fn the_core_has_no_window_no_async_runtime_and_no_database() {
    assert_free_of("callsim-core", CORE_ONLY);
}

#[test]
fn the_trainee_side_has_no_window_and_no_server() {
    assert_free_of(
        "callsim-trainee",
        &[
            "bevy",
            "bevy_egui",
            "wgpu",
            "tokio",
            "axum",
            "postgres",
            "callsim-hub",
            "callsim-game",
        ],
    );
}

#[test]
fn the_hub_has_no_window_and_knows_nothing_of_the_game() {
    assert_free_of(
        "callsim-hub",
        &["bevy", "bevy_egui", "wgpu", "callsim-trainee", "callsim-game"],
    );
}

#[test]
fn the_game_does_not_run_a_hub() {
    assert_free_of("callsim-game", &["axum", "postgres", "callsim-hub"]);
}

#[test]
fn translating_needs_no_window_no_server_and_no_database() {
    assert_free_of("callsim-translate", CORE_ONLY);
}

#[test]
fn the_language_server_has_no_window_and_no_server() {
    assert_free_of("callsim-lsp", CORE_ONLY);
}

#[test]
fn the_importer_needs_only_the_core() {
    assert_free_of("callsim-import", CORE_ONLY);
}
