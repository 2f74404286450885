//! Robustness: every shipped scenario, damaged in many small deterministic
//! ways (cut short, a character deleted or doubled, a quote turned
//! typographic), must load to either a scenario or located errors: never a
//! panic, and every message on a real line and column of the damaged text.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use callsim_core::diagnostic::line_column;
use callsim_core::scenario::{parse_str, scenario_files};

/// How many places of each file each kind of damage is tried at.
const PLACES: usize = 60;

fn shipped() -> Vec<(PathBuf, String)> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios");
    let files = scenario_files(&dir).expect("scenarios/ can be listed");
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
        .into_iter()
        .map(|f| {
            let source = std::fs::read_to_string(&f).expect("a shipped scenario is readable");
            (f, source)
        })
        .collect()
}

/// `count` character boundaries spread evenly over `text`, each moved to
/// the next boundary, plus every place holding `near` (sampled evenly).
fn places(text: &str, count: usize, near: &[char]) -> Vec<usize> {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let step = (boundaries.len() / count).max(1);
    let mut out: Vec<usize> = boundaries.iter().copied().step_by(step).collect();
    let special: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| near.contains(c))
        .map(|(i, _)| i)
        .collect();
    let step = (special.len() / count).max(1);
    out.extend(special.into_iter().step_by(step));
    out.sort_unstable();
    out.dedup();
    out
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(0, char::len_utf8)
}

/// Loads `damaged` and checks what comes back; `what` names the damage.
fn load_damaged(file: &Path, damaged: &str, what: &str) {
    let result = catch_unwind(AssertUnwindSafe(|| parse_str(damaged, file, None)))
        .unwrap_or_else(|_| panic!("loading {} {what} panicked", file.display()));
    let diagnostics = match &result {
        Ok(loaded) => &loaded.warnings,
        Err(err) => {
            assert!(
                err.diagnostics.iter().any(|d| d.is_error()),
                "{} {what}: failed to load without an error",
                file.display()
            );
            &err.diagnostics
        }
    };
    let lines: Vec<&str> = damaged.split('\n').collect();
    for d in diagnostics {
        let here = format!("{} {what}: {d}", file.display());
        assert!(d.line >= 1 && d.line <= lines.len(), "{here}: no line {}", d.line);
        let width = lines[d.line - 1].chars().count();
        assert!(
            d.column >= 1 && d.column <= width + 1,
            "{here}: column {} on a line of {width} characters",
            d.column
        );
        assert!(
            d.span.start <= d.span.end && d.span.end <= damaged.len(),
            "{here}: span {:?} outside {} bytes",
            d.span,
            damaged.len()
        );
        assert_eq!(
            line_column(damaged, d.span.start),
            (d.line, d.column),
            "{here}: the line and column are not where the span starts"
        );
        assert!(!d.message.contains('\n'), "{here}: a message of several lines");
        catch_unwind(AssertUnwindSafe(|| d.render(damaged)))
            .unwrap_or_else(|_| panic!("{here}: rendering panicked"));
    }
}

#[test]
fn a_file_cut_short_anywhere_is_reported() {
    for (file, source) in shipped() {
        for at in places(&source, PLACES, &['"', ')', ']', '}', ',']) {
            load_damaged(&file, &source[..at], &format!("cut at byte {at}"));
        }
    }
}

#[test]
fn a_character_deleted_anywhere_is_reported() {
    for (file, source) in shipped() {
        for at in places(&source, PLACES, &['"', '(', ')', '[', ']', ',', ':']) {
            let damaged = format!("{}{}", &source[..at], &source[at + char_len(&source, at)..]);
            load_damaged(&file, &damaged, &format!("without the character at byte {at}"));
        }
    }
}

#[test]
fn a_character_doubled_anywhere_is_reported() {
    for (file, source) in shipped() {
        for at in places(&source, PLACES, &['"', '(', ')', '[', ']', ',', ':']) {
            let end = at + char_len(&source, at);
            let damaged = format!("{}{}", &source[..end], &source[at..]);
            load_damaged(
                &file,
                &damaged,
                &format!("with the character at byte {at} doubled"),
            );
        }
    }
}

#[test]
fn a_quote_swapped_anywhere_is_reported() {
    for (file, source) in shipped() {
        for at in places(&source, PLACES / 2, &['"']) {
            if !source[at..].starts_with('"') {
                continue;
            }
            for swapped in ["“", "'", "”"] {
                let damaged = format!("{}{swapped}{}", &source[..at], &source[at + 1..]);
                load_damaged(
                    &file,
                    &damaged,
                    &format!("with the quote at byte {at} as {swapped}"),
                );
            }
        }
    }
}
