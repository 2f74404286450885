//! Reading a scenario file: RON syntax and types first (ron's own errors,
//! given a hint), then the checks in `validate`, every problem pointing at
//! file:line:column.

use std::fs;
use std::path::{Path as FsPath, PathBuf};

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;

use super::Scenario;
use super::spans::Spanned;
use crate::diagnostic::{Diagnostic, Severity, did_you_mean, line_column, offset_of};
use crate::validate::{self, Finding};

/// A scenario that loaded, perhaps with warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
    pub file: PathBuf,
    pub source: String,
}

/// A scenario file that did not load: every problem found, errors first.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    pub file: PathBuf,
    pub source: String,
}

impl LoadError {
    /// The first error, as one line (`file:line:column: error: …`).
    pub fn headline(&self) -> String {
        self.diagnostics
            .iter()
            .find(|d| d.is_error())
            .map_or_else(|| "unknown error".to_owned(), ToString::to_string)
    }

    /// Every message, rendered as a compiler would.
    pub fn render(&self) -> String {
        self.diagnostics.iter().map(|d| d.render(&self.source)).collect()
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.headline())
    }
}

impl std::error::Error for LoadError {}

/// RON extensions on for every scenario: `implicit_some` lets a trainer
/// write `ending: "x"` rather than `ending: Some("x")`.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses and validates scenario `source`. `file` names it in messages;
/// asset paths are checked against `base_dir` when given.
pub fn parse_str(source: &str, file: &FsPath, base_dir: Option<&FsPath>) -> Result<Loaded, LoadError> {
    let name = file.display().to_string();
    let scenario: Scenario = match ron_options().from_str(source) {
        Ok(scenario) => scenario,
        Err(err) => {
            return Err(LoadError {
                diagnostics: vec![from_ron_error(&err, source, &name)],
                file: file.to_owned(),
                source: source.to_owned(),
            });
        }
    };
    let findings = validate::validate(&scenario, base_dir);
    let mut diagnostics = resolve(&findings, source, &name);
    diagnostics.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.span.start.cmp(&b.span.start)));
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(LoadError {
            diagnostics,
            file: file.to_owned(),
            source: source.to_owned(),
        })
    } else {
        Ok(Loaded {
            scenario,
            warnings: diagnostics,
            file: file.to_owned(),
            source: source.to_owned(),
        })
    }
}

/// Reads and validates one scenario file.
pub fn load_file(file: &FsPath) -> Result<Loaded, LoadError> {
    match fs::read_to_string(file) {
        Ok(source) => parse_str(&source, file, file.parent()),
        Err(err) => Err(LoadError {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                code: "unreadable-file",
                message: format!("cannot read this file: {err}"),
                file: file.display().to_string(),
                line: 1,
                column: 1,
                span: 0..0,
                label: None,
                help: Some("check the path and that the file is UTF-8 text".to_owned()),
            }],
            file: file.to_owned(),
            source: String::new(),
        }),
    }
}

/// Every `*.ron` file in `dir`, sorted by file name, each loaded.
pub fn load_folder(dir: &FsPath) -> std::io::Result<Vec<Result<Loaded, LoadError>>> {
    Ok(scenario_files(dir)?.iter().map(|f| load_file(f)).collect())
}

/// The `*.ron` files directly in `dir`, sorted by name.
pub fn scenario_files(dir: &FsPath) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Turns validation findings into located diagnostics.
pub fn resolve(findings: &[Finding], source: &str, file: &str) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let tree = Spanned::read(source);
    findings
        .iter()
        .map(|f| {
            let span = tree.find(&f.at);
            let (line, column) = line_column(source, span.start);
            Diagnostic {
                severity: f.severity,
                code: f.code,
                message: f.message.clone(),
                file: file.to_owned(),
                line,
                column,
                span,
                label: f.label.clone(),
                help: f.help.clone(),
            }
        })
        .collect()
}

/// A ron error as a diagnostic with a hint a trainer can act on.
fn from_ron_error(err: &SpannedError, source: &str, file: &str) -> Diagnostic {
    let start = offset_of(source, err.span.start.line, err.span.start.col);
    let end = offset_of(source, err.span.end.line, err.span.end.col).max(start);
    let (message, help, code) = explain(&err.code, source, start..end);
    // Point at the start of the offending word where ron's span covers it.
    let span = trim_span(source, start..end);
    let (line, column) = line_column(source, span.start);
    Diagnostic {
        severity: Severity::Error,
        code,
        message,
        file: file.to_owned(),
        line,
        column,
        span,
        label: None,
        help,
    }
}

fn trim_span(source: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let text = &source[span.clone()];
    let skipped = text.len() - text.trim_start().len();
    let start = span.start + skipped;
    start..span.end.max(start)
}

fn explain(
    err: &RonError,
    source: &str,
    span: std::ops::Range<usize>,
) -> (String, Option<String>, &'static str) {
    match err {
        RonError::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let in_outer = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            let help = match did_you_mean(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the fields here are {}", list(expected)),
            };
            (
                format!("unknown field `{found}`{in_outer}"),
                Some(help),
                "unknown-field",
            )
        }
        RonError::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let of = outer.as_deref().map(|o| format!(" of `{o}`")).unwrap_or_default();
            let help = match did_you_mean(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("write one of {}", list(expected)),
            };
            (
                format!("unknown variant `{found}`{of}"),
                Some(help),
                "unknown-variant",
            )
        }
        RonError::MissingStructField { field, outer } => {
            let in_outer = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            (
                format!("missing field `{field}`{in_outer}"),
                Some(format!("add `{field}: …` here; {}", field_hint(field))),
                "missing-field",
            )
        }
        RonError::DuplicateStructField { field, .. } => (
            format!("the field `{field}` is given twice"),
            Some("keep one of the two".to_owned()),
            "duplicate-field",
        ),
        RonError::InvalidValueForType { expected, found } => (
            format!("expected {expected}, found {found}"),
            type_hint(expected),
            "wrong-type",
        ),
        RonError::ExpectedDifferentStructName { expected, found } => (
            format!("expected `{expected}(…)`, found `{found}(…)`"),
            Some(format!("a scenario file starts with `{expected}(`")),
            "wrong-struct-name",
        ),
        RonError::ExpectedComma => (
            "expected a comma".to_owned(),
            Some("separate fields and list items with `,`".to_owned()),
            "syntax",
        ),
        RonError::Eof => (
            "the file ends before the scenario is complete".to_owned(),
            Some(
                "a `(`, `[` or `{` is not closed: check that every opening bracket has its closing one"
                    .to_owned(),
            ),
            "syntax",
        ),
        RonError::ExpectedStringEnd => (
            "this string is not closed".to_owned(),
            Some("add the closing `\"`".to_owned()),
            "syntax",
        ),
        RonError::ExpectedString => (
            "expected a string in double quotes".to_owned(),
            Some("write text as \"…\"".to_owned()),
            "wrong-type",
        ),
        RonError::ExpectedInteger => (
            "expected a whole number".to_owned(),
            Some("write a number such as 10 or -5, without quotes".to_owned()),
            "wrong-type",
        ),
        RonError::ExpectedBoolean => ("expected `true` or `false`".to_owned(), None, "wrong-type"),
        RonError::ExpectedMapColon => (
            "expected `:` after the key".to_owned(),
            Some("write entries as \"key\": value".to_owned()),
            "syntax",
        ),
        RonError::TrailingCharacters => (
            "unexpected text after the end of the scenario".to_owned(),
            Some("one scenario per file; check the brackets balance".to_owned()),
            "syntax",
        ),
        RonError::UnclosedBlockComment => (
            "this comment is not closed".to_owned(),
            Some("end it with `*/`".to_owned()),
            "syntax",
        ),
        RonError::UnexpectedChar(c) => (
            format!("unexpected character `{c}`"),
            Some(unexpected_char_hint(*c, &source[span.start.min(source.len())..])),
            "syntax",
        ),
        RonError::Message(m) => (m.clone(), None, "invalid-value"),
        other => (
            format!("{}", other).replace("Expected", "expected"),
            None,
            "syntax",
        ),
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_hint(field: &str) -> &'static str {
    match field {
        "id" => "an id is a short name such as \"greeting\"",
        "next" => "`next` names the node or ending the call goes to",
        "kind" => "`kind` tags the reply, e.g. \"apology\" or \"redirect_to_sms\"",
        "text" => "the words, as \"…\" or {\"en\": \"…\", \"zh\": \"…\"}",
        "start" => {
            "for a meter, a number such as 40 or a range (30, 60); for the scenario, the first node's id"
        }
        "says" => "what the caller says, e.g. [(text: \"…\")]",
        "replies" => "the trainee's options, a list of (id: …, text: …, kind: …, next: …)",
        "meters" => "at least (id: \"anger\", start: 50) and (id: \"trust\", start: 50)",
        _ => "see docs/scenario-format.md",
    }
}

fn type_hint(expected: &str) -> Option<String> {
    if expected.contains("map of language") {
        Some("write \"…\" or {\"en\": \"…\", \"zh\": \"…\"}".to_owned())
    } else if expected.contains("integer") {
        Some("write a whole number without quotes".to_owned())
    } else if expected.contains("a string") {
        Some("put the value in double quotes".to_owned())
    } else {
        None
    }
}

fn unexpected_char_hint(c: char, rest: &str) -> String {
    match c {
        '}' | ']' | ')' => {
            "this bracket closes something that is not open; check the one before it".to_owned()
        }
        '=' => "RON uses `:` between a field and its value".to_owned(),
        '\'' => "text goes in double quotes".to_owned(),
        '+' => "write positive numbers without `+`".to_owned(),
        _ if rest.starts_with("“") || rest.starts_with("”") => {
            "typographic quotes are not RON quotes; use \"".to_owned()
        }
        _ => "check the line for a missing comma or quote".to_owned(),
    }
}
