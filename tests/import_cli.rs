//! `callsim import h5p|twine`: the scenario on standard output or in `-o
//! FILE` (never over an existing file without `--force`), the warnings on
//! standard error, and a located error for a broken source.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn callsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("callsim runs")
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/callsim-import/tests/fixtures")
        .join(path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_twine_story_goes_to_standard_output_and_its_warnings_to_standard_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let story = fixture("twine/lost-parcel.twee");
    let out = callsim(
        dir.path(),
        &["import", "twine", story.to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Scenario(\n    id: \"the-lost-parcel\","),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("lost-parcel.twee: passage \"Start\" (line 20): Harlowe macro `(set: $anger to 60)` is not run: dropped"),
        "{stderr}"
    );
    assert!(stderr.lines().all(|l| l.starts_with("warning: ")), "{stderr}");
}

#[test]
fn an_h5p_import_is_written_once_and_check_lists_what_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = fixture("h5p/missing-bonus-number/content/content.json");
    let content = content.to_str().expect("utf-8 path");
    let out = callsim(dir.path(), &["import", "h5p", content, "-o", "bonus.ron"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("wrote bonus.ron: 4 nodes, 10 replies, 3 endings; 7 warnings"),
        "{stdout}"
    );
    assert!(stdout.contains("next: `callsim check bonus.ron`"), "{stdout}");
    let written = std::fs::read_to_string(dir.path().join("bonus.ron")).expect("written");
    assert!(written.starts_with("// The missing bonus number — imported by `callsim import h5p`"));

    // Never over an existing file without --force.
    let again = callsim(dir.path(), &["import", "h5p", content, "-o", "bonus.ron"]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("bonus.ron already exists; choose another file with -o, or add --force"),
        "{}",
        text(&again.stderr)
    );
    let forced = callsim(
        dir.path(),
        &["import", "h5p", content, "-o", "bonus.ron", "--force"],
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));

    // What check says is the trainer's to decide, each with its help.
    let check = callsim(dir.path(), &["check", "bonus.ron"]);
    assert!(!check.status.success());
    let report = text(&check.stdout);
    assert!(
        report.contains("error: the persona has no `anger` meter"),
        "{report}"
    );
    assert!(
        report.contains("error: reply `please_send_it_again` has no points and no coaching note"),
        "{report}"
    );
    assert!(
        report.contains("help: every caller needs anger and trust"),
        "{report}"
    );
    assert!(
        report.contains("checked 1 file: 8 errors, 1 warning: failed"),
        "{report}"
    );
}

#[test]
fn a_broken_source_is_an_error_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("story.twee"),
        ":: Start\nHello.\n[[Go->Nowhere]]\n",
    )
    .expect("write");
    let out = callsim(dir.path(), &["import", "twine", "story.twee", "-o", "story.ron"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: in passage \"Start\", the link `[[Go->Nowhere]]` leads to a passage named \"Nowhere\", which the story does not have"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--> story.twee:3:1"), "{stderr}");
    assert!(!dir.path().join("story.ron").exists());
}
