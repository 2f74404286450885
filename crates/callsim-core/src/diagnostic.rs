//! Messages about a scenario file, in the style of a compiler: what is wrong,
//! where (file:line:column), and how to fix it.

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable name for the kind of problem, e.g. `unknown-node`.
    pub code: &'static str,
    pub message: String,
    /// The file as the trainer named it.
    pub file: String,
    /// 1-based line and column (in characters) of the start of the problem.
    pub line: usize,
    pub column: usize,
    /// Bytes of the file the problem covers.
    #[serde(skip)]
    pub span: Range<usize>,
    /// A short note under the caret.
    pub label: Option<String>,
    /// How to fix it, where a fix can be suggested.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about a file as a whole (it cannot be read, or callsim
    /// itself failed on it): no place inside it to point at.
    pub fn whole_file(code: &'static str, file: &str, message: String, help: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message,
            file: file.to_owned(),
            line: 1,
            column: 1,
            span: 0..0,
            label: None,
            help: Some(help),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }

    /// The message as a compiler would print it, with the offending line of
    /// `source` quoted and a caret under the problem.
    pub fn render(&self, source: &str) -> String {
        if source.is_empty() && self.span.is_empty() {
            // Nothing to quote (an unreadable file): no empty snippet, no 1:1.
            let mut text = format!("{}: {}\n  --> {}\n", self.severity, self.message, self.file);
            if let Some(help) = &self.help {
                text.push_str(&format!("  = help: {help}\n"));
            }
            return text;
        }
        let file = SimpleFile::new(self.file.as_str(), source);
        let mut diagnostic = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(&self.message);
        let span = clamp_span(source, self.span.clone());
        let label = Label::primary((), span);
        diagnostic = diagnostic.with_labels(vec![match &self.label {
            Some(text) => label.with_message(text),
            None => label,
        }]);
        if let Some(help) = &self.help {
            diagnostic = diagnostic.with_notes(vec![format!("help: {help}")]);
        }
        let config = Config {
            chars: Chars::ascii(),
            ..Config::default()
        };
        term::emit_into_string(&config, &file, &diagnostic).unwrap_or_else(|_| self.to_string())
    }
}

impl fmt::Display for Diagnostic {
    /// The one-line form: `file:line:column: error: message (help: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location(), self.severity, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// The most diagnostics reported for one file; a line after them counts
/// the rest. Past a few hundred nobody reads on: the first ones, fixed,
/// often take many of the others with them.
pub const MAX_REPORTED: usize = 200;

/// Keeps the first [`MAX_REPORTED`] of `diagnostics` (sorted, errors
/// first) and adds one that counts the rest.
pub fn cap(diagnostics: &mut Vec<Diagnostic>, file: &str) {
    if diagnostics.len() <= MAX_REPORTED {
        return;
    }
    let rest = diagnostics.split_off(MAX_REPORTED);
    let errors = rest.iter().filter(|d| d.is_error()).count();
    let warnings = rest.len() - errors;
    let count = |n: usize, what: &str| match n {
        0 => None,
        1 => Some(format!("1 more {what}")),
        n => Some(format!("{n} more {what}s")),
    };
    let counted: Vec<String> = [count(errors, "error"), count(warnings, "warning")]
        .into_iter()
        .flatten()
        .collect();
    diagnostics.push(Diagnostic {
        severity: if errors > 0 {
            Severity::Error
        } else {
            Severity::Warning
        },
        ..Diagnostic::whole_file(
            "too-many-problems",
            file,
            format!("{} not shown", counted.join(" and ")),
            format!("fix the first {MAX_REPORTED} and check again: one mistake often causes many messages"),
        )
    });
}

/// Keeps a span inside `source` and on character boundaries.
fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// 1-based line and character column of byte `offset` in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_span(source, offset..offset).start;
    let before = &source[..offset];
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].chars().count();
    (line, column)
}

/// [`line_column`] of many offsets at once, in one pass over `source`
/// whatever their number: a file with thousands of problems is not read
/// from its start for each one.
pub fn line_columns(source: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![(1, 1); offsets.len()];
    // Where the walk is: a byte offset on a character boundary, its line
    // and column.
    let (mut at, mut line, mut column) = (0usize, 1usize, 1usize);
    for i in order {
        let target = clamp_span(source, offsets[i]..offsets[i]).start;
        for c in source[at..target].chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        at = at.max(target);
        out[i] = (line, column);
    }
    out
}

/// Byte offset of a 1-based line and character column in `source`.
pub fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, text) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + text
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(text.trim_end_matches('\n').len(), |(b, _)| b);
        }
        offset += text.len();
    }
    source.len()
}

/// The closest of `candidates` to `word`, if any is close enough to be a
/// typo: similar overall (Jaro-Winkler), or one or two keystrokes away, which
/// catches short names (`iid` for `id`) the similarity score misses.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let allowed_edits = if word.chars().count() >= 6 { 2 } else { 1 };
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let lower = c.to_lowercase();
            let edits = strsim::damerau_levenshtein(&word, &lower);
            (edits, strsim::jaro_winkler(&word, &lower), c)
        })
        .filter(|(edits, similarity, _)| *edits <= allowed_edits || *similarity > 0.8)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = "ab\n你好x\n";
        let x = src.find('x').expect("x is there");
        assert_eq!(line_column(src, x), (2, 3));
        assert_eq!(offset_of(src, 2, 3), x);
    }

    #[test]
    fn many_offsets_at_once_agree_with_one_at_a_time() {
        let src = "ab\n你好x\n\nlast line é\n";
        let offsets: Vec<usize> = (0..=src.len()).rev().collect();
        let one_by_one: Vec<(usize, usize)> = offsets.iter().map(|&o| line_column(src, o)).collect();
        assert_eq!(line_columns(src, &offsets), one_by_one);
    }

    #[test]
    fn suggests_a_close_name() {
        assert_eq!(
            did_you_mean("check_acount", ["say", "check_account", "hold"]),
            Some("check_account")
        );
        assert_eq!(did_you_mean("zzz", ["say", "check_account"]), None);
        assert_eq!(did_you_mean("iid", ["id", "label", "min", "max"]), Some("id"));
        assert_eq!(did_you_mean("ax", ["id", "label", "min", "max"]), Some("max"));
        assert_eq!(
            did_you_mean("Happy", ["Delighted", "Resolved", "Escalated"]),
            None
        );
    }

    #[test]
    fn renders_like_a_compiler() {
        let src = "Scenario(\n    start: \"gretting\",\n)\n";
        let span = src.find("\"gretting\"").expect("there");
        let (line, column) = line_column(src, span);
        let d = Diagnostic {
            severity: Severity::Error,
            code: "unknown-node",
            message: "unknown node `gretting`".into(),
            file: "x.ron".into(),
            line,
            column,
            span: span..span + 10,
            label: None,
            help: Some("did you mean `greeting`?".into()),
        };
        let text = d.render(src);
        assert!(text.starts_with("error: unknown node `gretting`"), "{text}");
        assert!(text.contains("--> x.ron:2:12"), "{text}");
        assert!(text.contains("help: did you mean `greeting`?"), "{text}");
    }
}
