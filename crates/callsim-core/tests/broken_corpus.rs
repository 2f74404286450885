//! The checker's corpus: every `tests/broken/*.ron` is a small scenario
//! with one mistake a trainer could make, and `NAME.expected` beside it lists
//! every message `callsim check` must give for it, one diagnostic per line:
//!
//! ```text
//! error 42:29 [unknown-target] no node or ending is called `reasured`
//!     help: did you mean `reassured`?
//! ```
//!
//! Lines starting with `#` are comments. The folder is listed, so a new file
//! is covered as soon as it is added; without its `.expected` the test fails
//! and prints what the checker says, ready to review and paste.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use callsim_core::check::{FileReport, check_file};
use callsim_core::diagnostic::{Diagnostic, line_column};
use callsim_core::scenario::scenario_files;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/broken");
    let files = scenario_files(&dir).expect("tests/broken/ can be listed");
    assert!(
        files.len() >= 35,
        "the corpus has only {} files; it must keep at least 35",
        files.len()
    );
    files
}

/// A diagnostic as the `.expected` files write it.
fn expected_form(d: &Diagnostic) -> String {
    let mut out = format!(
        "{} {}:{} [{}] {}",
        d.severity, d.line, d.column, d.code, d.message
    );
    if let Some(help) = &d.help {
        write!(out, "\n    help: {help}").expect("writing to a String");
    }
    out
}

fn actual(report: &FileReport) -> String {
    report
        .diagnostics
        .iter()
        .map(expected_form)
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_expected(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned(),
    )
}

/// Lines only in the expectation start with `-`, lines only in what the
/// checker said with `+`.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    // Longest common subsequence, small inputs.
    let mut lcs = vec![vec![0usize; a.len() + 1]; e.len() + 1];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if e[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            writeln!(out, "  {}", e[i]).expect("writing to a String");
            i += 1;
            j += 1;
        } else if j < a.len() && (i == e.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            writeln!(out, "+ {}", a[j]).expect("writing to a String");
            j += 1;
        } else {
            writeln!(out, "- {}", e[i]).expect("writing to a String");
            i += 1;
        }
    }
    out
}

fn check(file: &Path) -> FileReport {
    std::panic::catch_unwind(|| check_file(file))
        .unwrap_or_else(|_| panic!("`callsim check` panicked on {}", file.display()))
}

#[test]
fn every_broken_file_gives_exactly_the_expected_messages() {
    let mut failures = String::new();
    for file in corpus() {
        let report = check(&file);
        let actual = actual(&report);
        let expected_file = file.with_extension("expected");
        match read_expected(&expected_file) {
            None => writeln!(
                failures,
                "\n{} has no {}; the checker says:\n{actual}\n",
                file.display(),
                expected_file.display()
            ),
            Some(expected) if expected != actual => writeln!(
                failures,
                "\n{}: the messages differ from {} (- expected, + actual):\n{}",
                file.display(),
                expected_file.display(),
                diff(&expected, &actual)
            ),
            Some(_) => Ok(()),
        }
        .expect("writing to a String");
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_expected_file_has_its_scenario() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/broken");
    for entry in std::fs::read_dir(&dir).expect("tests/broken/ can be listed") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "expected") {
            assert!(
                path.with_extension("ron").is_file(),
                "{} has no scenario beside it",
                path.display()
            );
        }
    }
}

#[test]
fn every_broken_file_is_reported_at_a_real_place() {
    for file in corpus() {
        let report = check(&file);
        let name = file.display();
        assert!(
            !report.diagnostics.is_empty(),
            "{name}: the checker found nothing wrong"
        );
        let lines: Vec<&str> = report.source.split('\n').collect();
        for d in &report.diagnostics {
            assert!(
                d.line >= 1 && d.line <= lines.len(),
                "{name}: {d} is on line {} of {}",
                d.line,
                lines.len()
            );
            let width = lines[d.line - 1].trim_end_matches('\r').chars().count();
            assert!(
                d.column >= 1 && d.column <= width + 1,
                "{name}: {d} is at column {} of a {width}-character line",
                d.column
            );
            assert!(
                d.span.start <= d.span.end && d.span.end <= report.source.len(),
                "{name}: {d} covers bytes {:?} of {}",
                d.span,
                report.source.len()
            );
            assert_eq!(
                line_column(&report.source, d.span.start),
                (d.line, d.column),
                "{name}: {d} is not where its span starts"
            );
            assert!(
                !d.message.contains('\n') && d.help.as_deref().is_none_or(|h| !h.contains('\n')),
                "{name}: {d} takes more than one line"
            );
        }
    }
}
