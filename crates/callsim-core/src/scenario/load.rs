//! Reading a scenario file: RON syntax and types first (ron's own errors,
//! given a hint), then the checks in `validate`, every problem pointing at
//! file:line:column.

use std::fs;
use std::ops::Range;
use std::path::{Path as FsPath, PathBuf};

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;

use super::Scenario;
use super::lex::{Tok, Tokens, shorten};
use super::spans::Spanned;
use crate::diagnostic::{Diagnostic, Severity, did_you_mean, line_column, line_columns, offset_of};
use crate::scenario::validate::{self, Finding};

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
/// write `ending: "x"` rather than `ending: Some("x")`. Public for
/// tools that read a scenario as it is being edited (the language server).
pub fn ron_options() -> ron::Options {
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
    crate::diagnostic::cap(&mut diagnostics, &name);
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
            diagnostics: vec![Diagnostic::whole_file(
                "unreadable-file",
                &file.display().to_string(),
                unreadable(file, &err),
                match err.kind() {
                    std::io::ErrorKind::InvalidData => {
                        "save it as UTF-8 text (most editors offer this under \"Save as\")"
                    }
                    std::io::ErrorKind::NotFound => {
                        "check the spelling of the path; `callsim check` takes scenario files or folders of them"
                    }
                    _ => "check the path and that you may read the file",
                }
                .to_owned(),
            )],
            file: file.to_owned(),
            source: String::new(),
        }),
    }
}

/// Why a file could not be read, in plain words.
fn unreadable(file: &FsPath, err: &std::io::Error) -> String {
    let name = file.display();
    match err.kind() {
        std::io::ErrorKind::NotFound => format!("there is no file or folder `{name}`"),
        std::io::ErrorKind::InvalidData => format!("`{name}` is not UTF-8 text"),
        std::io::ErrorKind::PermissionDenied => format!("`{name}` may not be read (permission denied)"),
        std::io::ErrorKind::IsADirectory => format!("`{name}` is a folder, not a scenario file"),
        _ => format!("cannot read `{name}`: {err}"),
    }
}

/// Every scenario file under `dir` (the rule of [`scenario_files`]), each
/// loaded. The one way from a folder to playable scenarios: the game's
/// picker, `callsim check` and the class hub all read a folder through it
/// or through [`scenario_files`].
pub fn load_folder(dir: &FsPath) -> std::io::Result<Vec<Result<Loaded, LoadError>>> {
    Ok(scenario_files(dir)?.iter().map(|f| load_file(f)).collect())
}

/// Whether a path names a scenario file: `*.ron`, and neither it nor a
/// folder it sits in (below the one searched) is hidden: editors' lock and
/// swap files, and folders such as `.git`, start with `.`.
pub fn is_scenario_file(path: &FsPath) -> bool {
    path.extension().is_some_and(|e| e == "ron") && !is_hidden(path)
}

fn is_hidden(path: &FsPath) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The scenario files under `dir`, its subfolders included, sorted by path.
/// Hidden files and folders (a name starting with `.`) are skipped, and so
/// is anything that is not a `*.ron` file. One rule for every reader.
pub fn scenario_files(dir: &FsPath) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder)? {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            if is_hidden(&path) {
                continue;
            }
            // `file_type` does not follow links: a linked folder is not
            // searched (it could loop), a linked file is read.
            match entry.file_type() {
                Ok(t) if t.is_dir() => folders.push(path),
                Ok(_) if path.is_file() && is_scenario_file(&path) => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Turns validation findings into located diagnostics.
pub fn resolve(findings: &[Finding], source: &str, file: &str) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let tree = Spanned::read(source);
    let spans: Vec<Range<usize>> = findings.iter().map(|f| tree.find(&f.at)).collect();
    let starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
    findings
        .iter()
        .zip(spans)
        .zip(line_columns(source, &starts))
        .map(|((f, span), (line, column))| Diagnostic {
            severity: f.severity,
            code: f.code,
            message: f.message.clone(),
            file: file.to_owned(),
            line,
            column,
            span,
            label: f.label.clone(),
            help: f.help.clone(),
        })
        .collect()
}

/// A ron error as a diagnostic with a hint a trainer can act on. ron's own
/// position is often the whitespace before the offending token, or the
/// token after a missing one: the diagnostic points where the change goes.
fn from_ron_error(err: &SpannedError, source: &str, file: &str) -> Diagnostic {
    let start = offset_of(source, err.span.start.line, err.span.start.col);
    let tokens = Tokens::read(source);
    let place = Place {
        source,
        tokens: &tokens,
        start,
    };
    let Explained {
        code,
        message,
        help,
        span,
    } = place.explain(&err.code);
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

/// What a ron error means for the trainer, and where it is.
struct Explained {
    code: &'static str,
    message: String,
    help: Option<String>,
    span: Range<usize>,
}

fn explained(
    code: &'static str,
    span: Range<usize>,
    message: String,
    help: impl Into<Option<String>>,
) -> Explained {
    Explained {
        code,
        message,
        help: help.into(),
        span,
    }
}

fn closing_of(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Where ron stopped, with the tokens around it.
struct Place<'a> {
    source: &'a str,
    tokens: &'a Tokens<'a>,
    start: usize,
}

impl Place<'_> {
    /// The token ron stopped at.
    fn here(&self) -> usize {
        self.tokens.at(self.start)
    }

    fn span(&self, i: usize) -> Range<usize> {
        self.tokens
            .get(i)
            .map_or(self.source.len()..self.source.len(), |t| t.span.clone())
    }

    /// Just after token `i`: where a missing character goes.
    fn after(&self, i: usize) -> Range<usize> {
        let end = self.span(i).end;
        end..end
    }

    fn text(&self, i: usize) -> &str {
        self.tokens.text(i)
    }

    fn explain(&self, err: &RonError) -> Explained {
        let here = self.here();
        if !matches!(
            err,
            RonError::Message(_)
                | RonError::NoSuchEnumVariant { .. }
                | RonError::MissingStructField { .. }
                | RonError::DuplicateStructField { .. }
                | RonError::InvalidValueForType { .. }
                | RonError::ExpectedStringEnd
                | RonError::UnclosedBlockComment
        ) && let Some(e) = self
            .runaway_string(here)
            .or_else(|| self.doubled(here))
            .or_else(|| self.look_alike(here))
        {
            return e;
        }
        match err {
            RonError::NoSuchStructField {
                expected,
                found,
                outer,
            } => {
                let help = match did_you_mean(found, expected.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the fields of {} are {}", this(outer.as_deref()), list(expected)),
                };
                explained(
                    "unknown-field",
                    self.span(here),
                    format!("unknown field `{found}` in {}", this(outer.as_deref())),
                    help,
                )
            }
            RonError::NoSuchEnumVariant {
                expected,
                found,
                outer,
            } => {
                let help = match did_you_mean(found, expected.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("write one of {}", list(expected)),
                };
                explained(
                    "unknown-variant",
                    self.span(here),
                    format!("unknown {} `{found}`", variant_kind(outer.as_deref())),
                    help,
                )
            }
            RonError::MissingStructField { field, outer } => self.missing_field(field, outer.as_deref()),
            RonError::DuplicateStructField { field, outer } => {
                let open = self.tokens.open_before(here).last().copied();
                let first = open
                    .and_then(|o| self.tokens.fields_named(o, field).first().copied())
                    .filter(|&f| f != here);
                let help = match first {
                    Some(f) => format!(
                        "`{field}` is already given on line {}: keep one of the two",
                        self.tokens.line(f)
                    ),
                    None => "keep one of the two".to_owned(),
                };
                explained(
                    "duplicate-field",
                    self.span(here),
                    format!("`{field}` is given twice in {}", this(outer.as_deref())),
                    help,
                )
            }
            RonError::InvalidValueForType { expected, found } if found == "a unit value" => {
                // ron read a bare word and stopped after it.
                let word = self.tokens.at(self.start).saturating_sub(1);
                let word = if self.tokens.is_ident(word) { word } else { here };
                let text = self.text(word);
                let help = if expected.contains("map of language") || expected == "a string" {
                    format!("is the opening `\"` missing? write \"{text} …\"")
                } else {
                    type_hint(expected).unwrap_or_else(|| format!("`{text}` does not fit here"))
                };
                explained(
                    "wrong-type",
                    self.span(word),
                    format!("expected {}, found `{text}`", expected_words(expected)),
                    help,
                )
            }
            RonError::InvalidValueForType { expected, found } => {
                let help = if let Some(number) = quoted_number(self.text(here)) {
                    Some(format!("remove the quotes: write {number}"))
                } else {
                    type_hint(expected)
                };
                explained(
                    "wrong-type",
                    self.span(here),
                    format!(
                        "expected {}, found {}",
                        expected_words(expected),
                        found_words(found)
                    ),
                    help,
                )
            }
            RonError::ExpectedDifferentLength { expected, found } => {
                let items = format!("{found} value{}", if *found == 1 { "" } else { "s" });
                match variant_arity(expected) {
                    // ron says "tuple variant Condition::AtLeast with 2 elements".
                    Some((variant, wanted)) => explained(
                        "wrong-type",
                        self.span(here),
                        format!("`{variant}` takes {wanted}, found {items}"),
                        condition_example(variant).map_or_else(
                            || format!("give `{variant}` {wanted}"),
                            |e| format!("write e.g. `{e}`"),
                        ),
                    ),
                    None => explained(
                        "wrong-type",
                        self.span(here),
                        format!("expected {}, found {items}", expected_words(expected)),
                        type_hint(expected)
                            .unwrap_or_else(|| "check how many values are between the brackets".to_owned()),
                    ),
                }
            }
            RonError::ExpectedDifferentStructName { expected, found } => {
                self.wrong_name(here, expected, found)
            }
            RonError::ExpectedStructLike | RonError::ExpectedNamedStructLike(_) => {
                self.expected_brackets(here)
            }
            RonError::ExpectedStructLikeEnd => self.expected_close(here, ')'),
            RonError::ExpectedArrayEnd => self.expected_close(here, ']'),
            RonError::ExpectedMapEnd => self.expected_close(here, '}'),
            RonError::ExpectedComma => self.missing_comma(here),
            RonError::ExpectedMapColon => self.missing_colon(here),
            RonError::ExpectedIdentifier => self.expected_name(here),
            RonError::ExpectedArray => {
                let help = match self.tokens.get(here).map(|t| t.kind) {
                    Some(Tok::Str { .. } | Tok::Number | Tok::Ident) => {
                        format!("put it in square brackets: [{}]", self.text(here))
                    }
                    _ => example(self.tokens.field_of_value(here))
                        .unwrap_or_else(|| "write a list as [a, b, c]".to_owned()),
                };
                explained(
                    "wrong-type",
                    self.span(here),
                    format!("expected a list in `[…]`, found {}", self.tokens.describe(here)),
                    help,
                )
            }
            RonError::ExpectedMap => explained(
                "wrong-type",
                self.span(here),
                format!("expected a map in `{{…}}`, found {}", self.tokens.describe(here)),
                example(self.tokens.field_of_value(here))
                    .unwrap_or_else(|| "write a map as {\"key\": value}".to_owned()),
            ),
            RonError::ExpectedString | RonError::ExpectedByteString => {
                let text = self.text(here);
                let words = match self.tokens.get(here).map(|t| t.kind) {
                    Some(Tok::Quoted) => text.trim_matches('\''),
                    Some(Tok::Ident | Tok::Number) => text,
                    _ => "…",
                };
                explained(
                    "wrong-type",
                    self.span(here),
                    format!(
                        "expected text in double quotes, found {}",
                        self.tokens.describe(here)
                    ),
                    format!("write \"{words}\""),
                )
            }
            RonError::ExpectedStringEnd => {
                let i = self.tokens.at(self.start.saturating_sub(1));
                let span = self.span(i);
                explained(
                    "unclosed-string",
                    span.start..span.start + 1,
                    "this string is never closed".to_owned(),
                    "add the closing `\"` at the end of the text".to_owned(),
                )
            }
            RonError::ExpectedInteger | RonError::ExpectedFloat | RonError::ExpectedBoolean => {
                let (what, help) = match err {
                    RonError::ExpectedInteger => ("a whole number", "write a number such as 10 or -5"),
                    RonError::ExpectedFloat => ("a number", "write a number such as 1.5"),
                    _ => ("`true` or `false`", "write `true` or `false`"),
                };
                let text = self.text(here);
                let help = match quoted_number(text) {
                    Some(inner) => format!("remove the quotes: write {inner}"),
                    None => help.to_owned(),
                };
                explained(
                    "wrong-type",
                    self.span(here),
                    format!("expected {what}, found {}", self.tokens.describe(here)),
                    help,
                )
            }
            RonError::IntegerOutOfBounds => {
                let text = self.text(here);
                let field = self.tokens.field_of_value(here).unwrap_or("this value");
                if text.starts_with('-') {
                    explained(
                        "out-of-range",
                        self.span(here),
                        format!("`{field}` cannot be negative"),
                        "write a whole number of 0 or more".to_owned(),
                    )
                } else {
                    explained(
                        "out-of-range",
                        self.span(here),
                        format!("{text} is too large for `{field}`"),
                        "write a smaller number".to_owned(),
                    )
                }
            }
            RonError::Eof => self.early_end(),
            RonError::TrailingCharacters => {
                let (message, help) = match self.tokens.get(here).map(|t| t.kind) {
                    Some(Tok::Punct(c @ (')' | ']' | '}'))) => (
                        format!("this `{c}` closes nothing: the scenario has already ended"),
                        "remove it, or check that the brackets before it balance",
                    ),
                    _ => (
                        "unexpected text after the end of the scenario".to_owned(),
                        "one scenario per file; check that the brackets before it balance",
                    ),
                };
                explained("syntax", self.span(here), message, help.to_owned())
            }
            RonError::UnclosedBlockComment => {
                // ron points just inside the comment.
                let upto = (self.start + 2).min(self.source.len());
                let span = match self.source.get(..upto).and_then(|s| s.rfind("/*")) {
                    Some(at) => at..at + 2,
                    None => self.start..self.start,
                };
                explained(
                    "unclosed-comment",
                    span,
                    "this comment is never closed".to_owned(),
                    "end it with `*/`".to_owned(),
                )
            }
            RonError::UnexpectedChar(c) => self.unexpected_char(here, *c),
            RonError::InvalidEscape(what) => explained(
                "syntax",
                self.start..self.start,
                format!("{} in this string", what.to_lowercase()),
                "write a backslash as `\\\\` and a quote as `\\\"`".to_owned(),
            ),
            RonError::ExceededRecursionLimit => explained(
                "syntax",
                self.span(here),
                "the brackets nest too deeply here".to_owned(),
                "check that every opening bracket has its closing one".to_owned(),
            ),
            RonError::Message(m) => self.custom(here, m),
            other => self.rare(here, other),
        }
    }

    /// The ron errors a trainer meets rarely, each in words: ron's own text
    /// ("Found invalid std identifier …, try the raw identifier r#30") only
    /// puzzles someone who does not write Rust.
    fn rare(&self, here: usize, err: &RonError) -> Explained {
        let text = self.text(here);
        let span = self.span(here);
        // `Name(` just before: the details of an action or condition.
        let variant = here
            .checked_sub(2)
            .filter(|&n| self.tokens.is_ident(n) && self.tokens.is(n + 1, '('))
            .map(|n| self.text(n));
        let (code, message, help) = match err {
            RonError::SuggestRawIdentifier(_) | RonError::InvalidIdentifier(_) => match variant {
                Some("Hold") => (
                    "wrong-type",
                    "`Hold` takes its length by name".to_owned(),
                    format!("write `Hold(seconds: {text})`"),
                ),
                Some(name) => (
                    "wrong-type",
                    format!("`{name}` takes its details by name, not `{}`", shorten(text)),
                    "write them as `name: value`".to_owned(),
                ),
                None => (
                    "syntax",
                    format!("`{}` is not a name", shorten(text)),
                    "names are letters, digits and `_`, starting with a letter; text goes in double quotes"
                        .to_owned(),
                ),
            },
            RonError::ExpectedUnit => match here.checked_sub(1).filter(|&n| self.tokens.is(n, '(')) {
                Some(open) if open > 0 && self.tokens.is_ident(open - 1) => {
                    let name = self.text(open - 1);
                    (
                        "wrong-type",
                        format!("`{name}` takes nothing in brackets"),
                        format!("write `{name}` alone"),
                    )
                }
                _ => (
                    "wrong-type",
                    format!("expected nothing here, found {}", self.tokens.describe(here)),
                    "remove it".to_owned(),
                ),
            },
            RonError::ExpectedOption | RonError::ExpectedOptionEnd => (
                "wrong-type",
                format!("expected a value or `None`, found {}", self.tokens.describe(here)),
                "write the value itself, e.g. ending: \"agent_hung_up\"".to_owned(),
            ),
            RonError::ExpectedChar | RonError::ExpectedByteLiteral => (
                "wrong-type",
                format!(
                    "expected a single character, found {}",
                    self.tokens.describe(here)
                ),
                "text goes in double quotes: \"…\"".to_owned(),
            ),
            RonError::FloatUnderscore
            | RonError::UnderscoreAtBeginning
            | RonError::InvalidIntegerDigit { .. } => (
                "syntax",
                format!("`{}` is not a number RON can read", shorten(text)),
                "write digits only, e.g. 1000 or 1.5: no `_`, spaces or thousands separators".to_owned(),
            ),
            RonError::ExpectedAttribute | RonError::ExpectedAttributeEnd | RonError::NoSuchExtension(_) => (
                "syntax",
                "`#!` starts a RON setting, and this one is not one callsim knows".to_owned(),
                "a scenario needs no settings: remove this line".to_owned(),
            ),
            RonError::UnclosedLineComment => (
                "syntax",
                "the file ends inside a `//` comment".to_owned(),
                "add a line break at the end of the file".to_owned(),
            ),
            RonError::Utf8Error(_) => (
                "unreadable-file",
                "the file is not UTF-8 text here".to_owned(),
                "save it as UTF-8 text (most editors offer this under \"Save as\")".to_owned(),
            ),
            _ => (
                "syntax",
                format!("unexpected {} here", self.tokens.describe(here)),
                "check this line for a missing comma, quote or bracket".to_owned(),
            ),
        };
        explained(code, span, message, help)
    }

    /// A string that ran past the end of its line because its closing
    /// quote is missing: everything after it is out of step, so the error
    /// ron reports just after it is really about the string.
    fn runaway_string(&self, here: usize) -> Option<Explained> {
        let i = here.checked_sub(1)?;
        let t = self.tokens.get(i)?;
        let text = self.text(i);
        if !matches!(t.kind, Tok::Str { closed: true }) || !text.contains('\n') {
            return None;
        }
        Some(explained(
            "unclosed-string",
            t.span.start..t.span.start + 1,
            format!(
                "the string that starts here runs on to line {}: its closing `\"` is probably missing",
                line_column(self.source, t.span.end).0
            ),
            "add the closing `\"` at the end of the text".to_owned(),
        ))
    }

    /// A character that looks like RON's but is not: typographic quotes,
    /// full-width punctuation from a Chinese or Japanese keyboard.
    fn look_alike(&self, here: usize) -> Option<Explained> {
        let Tok::Punct(c) = self.tokens.get(here)?.kind else {
            return None;
        };
        Some(self.unexpected_char(here, c)).filter(|_| plain_for(c).is_some() || is_typographic_quote(c))
    }

    /// A character typed twice (`,,`, `""`, `((`), whatever ron made of it.
    fn doubled(&self, here: usize) -> Option<Explained> {
        let prev = here.checked_sub(1)?;
        let (p, h) = (self.tokens.get(prev)?, self.tokens.get(here)?);
        let adjacent = p.span.end == h.span.start;
        let quote = |at: usize| {
            explained(
                "syntax",
                at..at + 1,
                "two `\"` in a row".to_owned(),
                "remove one of them".to_owned(),
            )
        };
        match (p.kind, h.kind) {
            (Tok::Str { .. }, Tok::Str { .. }) if adjacent => return Some(quote(h.span.start)),
            (Tok::Str { .. }, Tok::Ident | Tok::Number) if adjacent && self.text(prev) == "\"\"" => {
                return Some(quote(p.span.start));
            }
            (Tok::Punct(a), Tok::Punct(b)) if a == b && matches!(a, ',' | ':' | '(' | '[' | '{' | '-') => {}
            _ => return None,
        }
        let c = self.text(here);
        if c == "," && self.tokens.line(prev) < self.tokens.line(here) {
            // `),` with the `)` lost: a comma alone on its line.
            let open = self.tokens.open_before(here).last().copied()?;
            let o = self.text(open);
            return Some(explained(
                "unclosed-bracket",
                self.span(here),
                "a `,` with nothing before it".to_owned(),
                format!(
                    "the `{o}` opened on line {} is not closed: add `{}` before this `,`",
                    self.tokens.line(open),
                    closing_of(o.chars().next().unwrap_or('('))
                ),
            ));
        }
        let same_line = self.tokens.line(prev) == self.tokens.line(here);
        same_line.then(|| {
            explained(
                "syntax",
                self.span(here),
                format!("`{c}` twice in a row"),
                format!("remove one `{c}`"),
            )
        })
    }

    fn missing_field(&self, field: &str, outer: Option<&str>) -> Explained {
        // ron stops at the closing bracket of the struct missing the field.
        let here = self.here();
        let open = if self.tokens.is(here, ')') {
            self.tokens.open_before(here).last().copied()
        } else {
            self.tokens.open_before(here + 1).last().copied()
        };
        let id = open.and_then(|o| {
            self.tokens
                .fields_named(o, "id")
                .first()
                .map(|&f| f + 2)
                .filter(|&v| matches!(self.tokens.get(v).map(|t| t.kind), Some(Tok::Str { .. })))
        });
        let named = open
            .filter(|&o| o > 0 && self.tokens.is_ident(o - 1) && !self.tokens.is(o.saturating_sub(2), ':'));
        let (span, whose) = match (named, id) {
            (Some(o), _) => (self.span(o - 1).start..self.span(o).end, this(outer)),
            (None, Some(v)) => (
                self.span(v),
                format!("the {} {}", thing(outer), self.text(v).replace('"', "`")),
            ),
            (None, None) => (
                open.map_or_else(|| self.span(here), |o| self.span(o)),
                this(outer),
            ),
        };
        explained(
            "missing-field",
            span,
            format!("{whose} has no `{field}`"),
            format!("add {}", field_hint(field, outer)),
        )
    }

    fn wrong_name(&self, here: usize, expected: &str, found: &str) -> Explained {
        if self.tokens.is(here + 1, ':') {
            if let Some(field) = self.tokens.field_of_value(here) {
                // `rules: repetition: …`: the value's own `(` is missing.
                return explained(
                    "syntax",
                    self.span(here),
                    format!("the `(` after `{field}:` is missing"),
                    format!("write `{field}: ({found}: …)`"),
                );
            }
            let open = self.tokens.open_before(here).last().copied();
            let in_items = open.is_some_and(|o| {
                self.tokens.is(here - 1, '[')
                    || (o + 1..here).any(|j| {
                        self.tokens.is_ident(j) && self.text(j) == found && self.tokens.is(j + 1, ':')
                    })
            });
            if in_items {
                // The other items of this list have `found:` inside their
                // brackets: this one lost its `(`.
                return explained(
                    "syntax",
                    self.span(here),
                    format!("the `(` before `{found}:` is missing"),
                    format!("write each item of this list in brackets: ({found}: …, …)"),
                );
            }
            // A field name where a list item should be: the list was not closed.
            if let Some(open) = open {
                let c = self.text(open).chars().next().unwrap_or('[');
                return explained(
                    "unclosed-bracket",
                    self.span(here),
                    format!(
                        "the `{c}` opened on line {} is not closed before `{found}:`",
                        self.tokens.line(open)
                    ),
                    format!("add `{}` (and a comma) before `{found}:`", closing_of(c)),
                );
            }
        }
        if expected == "Scenario" {
            return explained(
                "wrong-struct-name",
                self.span(here),
                format!("expected `Scenario(…)`, found `{found}(…)`"),
                "a scenario file starts with `Scenario(`".to_owned(),
            );
        }
        explained(
            "wrong-struct-name",
            self.span(here),
            format!("`{found}` is not a name that fits here"),
            format!("write just `(…)` for {}", a_thing(Some(expected))),
        )
    }

    /// `Hold` without `(seconds: …)`, or a plain value where `(…)` belongs.
    fn expected_brackets(&self, here: usize) -> Explained {
        let prev = here.wrapping_sub(1);
        if here > 0 && self.tokens.is_ident(prev) && self.tokens.field_of_value(prev).is_some() {
            let name = self.text(prev);
            let help = if name == "Hold" {
                "write `Hold(seconds: 60)`: how long the caller waits".to_owned()
            } else {
                format!("write `{name}(…)`")
            };
            return explained(
                "wrong-type",
                self.span(prev),
                format!("`{name}` needs its details in brackets"),
                help,
            );
        }
        if here > 0
            && self.tokens.is_ident(prev)
            && self.text(prev).starts_with(|c: char| c.is_uppercase())
            && !self.tokens.is(here, '(')
        {
            let name = self.text(prev);
            return explained(
                "syntax",
                self.after(prev),
                format!("expected `(` after `{name}`"),
                format!("write `{name}(…)`"),
            );
        }
        let field = self.tokens.field_of_value(here);
        explained(
            "wrong-type",
            self.span(here),
            format!("expected `(…)` here, found {}", self.tokens.describe(here)),
            example(field).unwrap_or_else(|| "write the fields in brackets: (name: value, …)".to_owned()),
        )
    }

    fn expected_close(&self, here: usize, close: char) -> Explained {
        let open = self.tokens.open_before(here).last().copied();
        let help = match open {
            Some(o) => format!(
                "the `{}` opened on line {} needs its `{close}`; is a comma or bracket missing before this?",
                self.text(o),
                self.tokens.line(o)
            ),
            None => format!("add `{close}`"),
        };
        explained(
            "syntax",
            self.span(here),
            format!("expected `{close}`, found {}", self.tokens.describe(here)),
            help,
        )
    }

    fn missing_comma(&self, here: usize) -> Explained {
        let Some(prev) = here.checked_sub(1) else {
            return explained("syntax", self.span(here), "expected a comma".to_owned(), None);
        };
        if let Some(Tok::Punct(c @ (')' | ']' | '}'))) = self.tokens.get(here).map(|t| t.kind) {
            // A closing bracket of the wrong kind: ron wanted `,` or the right one.
            let open = self.tokens.open_before(here).last().copied();
            let help = match open {
                Some(o) => format!(
                    "the bracket still open is the `{}` on line {}: close it with `{}`, or remove this `{c}`",
                    self.text(o),
                    self.tokens.line(o),
                    closing_of(self.text(o).chars().next().unwrap_or('('))
                ),
                None => format!("remove this `{c}`"),
            };
            return explained(
                "unclosed-bracket",
                self.span(here),
                format!("this `{c}` does not match the bracket that is open here"),
                help,
            );
        }
        let next = self.tokens.describe(here);
        let help = if self.tokens.line(prev) < self.tokens.line(here) {
            format!("add `,` at the end of line {}", self.tokens.line(prev))
        } else {
            format!("add `,` after `{}`", shorten(self.text(prev)))
        };
        explained(
            "syntax",
            self.after(prev),
            format!("a comma is missing before {next}"),
            help,
        )
    }

    fn missing_colon(&self, here: usize) -> Explained {
        let prev = here.checked_sub(1).map_or("", |p| self.text(p));
        if self.tokens.is(here, '=') {
            return explained(
                "syntax",
                self.span(here),
                "`=` where RON needs `:`".to_owned(),
                format!("write `{prev}:` rather than `{prev} =`"),
            );
        }
        let at = here
            .checked_sub(1)
            .map_or_else(|| self.span(here), |p| self.after(p));
        explained(
            "syntax",
            at,
            format!("expected `:` after `{}`", shorten(prev)),
            format!("add `:` after `{}`", shorten(prev)),
        )
    }

    fn expected_name(&self, here: usize) -> Explained {
        match self.tokens.get(here).map(|t| t.kind) {
            Some(Tok::Punct(c @ ('(' | '[' | '{'))) => {
                let help = self
                    .still_open(here, "not closed", &format!(" (and a comma) before this `{c}`"))
                    .unwrap_or_else(|| "check that every opening bracket has its closing one".to_owned());
                explained(
                    "unclosed-bracket",
                    self.span(here),
                    format!("expected a field name, found `{c}`"),
                    help,
                )
            }
            Some(Tok::Str { .. }) => {
                let name = self.text(here).trim_matches('"');
                if self.tokens.is(here + 1, ':') {
                    explained(
                        "syntax",
                        self.span(here),
                        "field names are written without quotes".to_owned(),
                        format!("write `{name}:`"),
                    )
                } else {
                    explained(
                        "syntax",
                        self.span(here),
                        "names such as `Say` or `Delighted` are written without quotes".to_owned(),
                        format!("write `{name}`"),
                    )
                }
            }
            _ => explained(
                "syntax",
                self.span(here),
                format!("expected a name, found {}", self.tokens.describe(here)),
                "write fields as `name: value`".to_owned(),
            ),
        }
    }

    /// "the `(` opened on line 12 is {state}: add `)`{tail}", for the
    /// innermost bracket still open before token `here`.
    fn still_open(&self, here: usize, state: &str, tail: &str) -> Option<String> {
        let &open = self.tokens.open_before(here).last()?;
        let bracket = self.text(open);
        Some(format!(
            "the `{bracket}` opened on line {} is {state}: add `{}`{tail}",
            self.tokens.line(open),
            closing_of(bracket.chars().next().unwrap_or('('))
        ))
    }

    fn early_end(&self) -> Explained {
        let last = self.tokens.list.len().checked_sub(1);
        let span = last.map_or(0..0, |l| self.after(l));
        let help = self
            .still_open(self.tokens.list.len(), "never closed", "")
            .unwrap_or_else(|| "the file may have been cut short".to_owned());
        explained(
            "unclosed-bracket",
            span,
            "the file ends before the scenario is complete".to_owned(),
            help,
        )
    }

    fn unexpected_char(&self, here: usize, c: char) -> Explained {
        let span = self.span(here);
        if self.tokens.is(here, '/') {
            // ron read `/` as the start of a comment and found no second `/` or `*`.
            return explained(
                "syntax",
                span,
                "a single `/`: comments start with `//`".to_owned(),
                "write `//` to start a comment, or remove the `/`".to_owned(),
            );
        }
        if let Some(plain) = plain_for(c) {
            return explained(
                "syntax",
                span,
                format!("`{c}` is a full-width character; RON needs the plain `{plain}`"),
                format!("retype it as `{plain}` (with the keyboard in English mode)"),
            );
        }
        let (message, help) = match c {
            _ if is_typographic_quote(c) => (
                format!("`{c}` is a typographic quote; RON needs a straight `\"`"),
                "retype the quotes around this text as \"…\"".to_owned(),
            ),
            '}' | ']' | ')' => (
                format!("this `{c}` closes nothing that is open"),
                "remove it, or check the bracket before it".to_owned(),
            ),
            '=' => (
                "`=` where RON needs `:`".to_owned(),
                "write `name: value`".to_owned(),
            ),
            '+' => (
                "`+` before a number".to_owned(),
                "write positive numbers without `+`".to_owned(),
            ),
            _ if c.is_whitespace() || c.is_control() => (
                format!("unexpected {}", char_name(c)),
                "check this line for a missing comma, quote or bracket".to_owned(),
            ),
            _ => (
                format!("unexpected character `{c}`"),
                "check this line for a missing comma or quote".to_owned(),
            ),
        };
        explained("syntax", span, message, help)
    }

    /// Errors raised by the scenario's own types (e.g. a text giving a
    /// language twice).
    fn custom(&self, here: usize, message: &str) -> Explained {
        if let Some(lang) = message
            .strip_prefix("the language `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(lang, _)| lang)
        {
            // ron stops at the end of the map; the duplicate is the last key.
            let key = format!("\"{lang}\"");
            let end = self.span(here).end.min(self.source.len());
            if let Some(at) = self.source[..end].rfind(&key) {
                return explained(
                    "duplicate-id",
                    at..at + key.len(),
                    message.to_owned(),
                    format!("keep one `{lang}` text"),
                );
            }
        }
        explained(
            "invalid-value",
            self.span(here),
            message.to_owned(),
            "check this value against docs/scenario-format.md".to_owned(),
        )
    }
}

fn is_typographic_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '„' | '‘' | '’' | '«' | '»' | '「' | '」')
}

/// The plain RON character a full-width one stands for.
fn plain_for(c: char) -> Option<char> {
    Some(match c {
        '：' => ':',
        '，' => ',',
        '（' => '(',
        '）' => ')',
        '［' => '[',
        '］' => ']',
        '｛' => '{',
        '｝' => '}',
        '＂' => '"',
        _ => return None,
    })
}

/// A character that does not show, named.
fn char_name(c: char) -> String {
    match c {
        '\n' | '\r' => "end of the line".to_owned(),
        '\t' => "tab".to_owned(),
        ' ' => "space".to_owned(),
        other => format!("invisible character {}", other.escape_unicode()),
    }
}

/// The text inside quotes if it is a number, e.g. `"60"` → `60`.
fn quoted_number(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?.trim();
    (inner.parse::<f64>().is_ok()).then_some(inner)
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "this reply", "the scenario": the part of the file a type is written as.
fn this(outer: Option<&str>) -> String {
    match outer {
        Some("Scenario") => "the scenario".to_owned(),
        Some("Persona") => "the persona".to_owned(),
        Some(o @ ("Policy" | "Rules" | "Assets" | "Points" | "Face")) => format!("`{}`", o.to_lowercase()),
        Some("TransferPolicy") => "`policy.transfer`".to_owned(),
        Some("RepetitionRule") => "`rules.repetition`".to_owned(),
        Some("HoldRule") => "`rules.hold`".to_owned(),
        Some("HangUpRule") => "`rules.hang_up`".to_owned(),
        Some("OverAccommodationRule") => "`rules.over_accommodation`".to_owned(),
        other => format!("this {}", thing(other)),
    }
}

/// "a reply", "an ending".
fn a_thing(outer: Option<&str>) -> String {
    let t = thing(outer);
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

fn thing(outer: Option<&str>) -> &'static str {
    match outer {
        Some("Meter") => "meter",
        Some("Trait") => "trait",
        Some("AccountFact") => "account fact",
        Some("Node") => "node",
        Some("Line") => "caller's line",
        Some("Reply") => "reply",
        Some("Branch") => "branch",
        Some("Ending") => "ending",
        Some("Threshold") => "threshold",
        Some("TransferTarget") => "transfer target",
        Some("History") => "history",
        Some("Scenario") => "scenario",
        Some("Persona") => "persona",
        _ => "part",
    }
}

fn variant_kind(outer: Option<&str>) -> &'static str {
    match outer {
        Some("Action") => "action",
        Some("EndingKind") => "ending kind",
        Some("Condition") => "condition",
        Some("Difficulty") => "difficulty",
        Some("Skin") => "skin",
        Some("Hair") => "hair style",
        Some("HairColour") => "hair colour",
        _ => "name",
    }
}

/// What to add for a missing field, with an example.
fn field_hint(field: &str, outer: Option<&str>) -> String {
    let what = match (field, outer) {
        ("start", Some("Scenario")) => "`start: \"…\"`, the id of the node the call begins at",
        ("start", _) => "`start: 50`, or `start: (30, 60)` for a random start",
        ("next", _) => "`next: \"…\"`, the node or ending the call goes to",
        ("id", _) => "`id: \"…\"`, a short name such as \"greeting\"",
        ("kind", Some("Ending")) => {
            "`kind: Resolved` (or Delighted, Escalated, Complaint, CallerHungUp, AgentHungUp)"
        }
        ("kind", _) => "`kind: \"…\"`, a tag such as \"apology\"; repeats of a kind land worse",
        ("ending", _) => "`ending: \"…\"`, the id of the ending this leads to",
        ("difficulty", _) => "`difficulty: Medium` (or Easy, Hard)",
        ("source", _) => "`source: \"…\"`, the seed text this scenario comes from",
        ("kinds", _) => "`kinds: [\"…\"]`, the reply kinds this trait scales",
        ("seconds", _) => "`seconds: 60`, how long the caller waits",
        _ => return example(Some(field)).map_or_else(|| format!("`{field}: …`"), |e| format!("it: {e}")),
    };
    what.to_owned()
}

/// How a field's value is written, for fields whose shape is easy to get wrong.
fn example(field: Option<&str>) -> Option<String> {
    let e = match field? {
        "says" => "says: [(text: \"…\")]",
        "replies" => "replies: [(id: \"…\", text: \"…\", kind: \"…\", next: \"…\")]",
        "meters" => "meters: [(id: \"anger\", start: 50), (id: \"trust\", start: 50)]",
        "points" => "points: (understanding: 1, acknowledgement: 1, emotion: 0, assistance: 2)",
        "effects" => "effects: {\"anger\": -10, \"trust\": 5}",
        "when" => "when: [AtLeast(\"anger\", 80)]",
        "branches" => "branches: [(when: [AtLeast(\"anger\", 80)], next: \"…\")]",
        "persona" => "persona: (name: \"…\", description: \"…\", meters: […])",
        "nodes" => "nodes: [(id: \"…\", says: […], replies: […])]",
        "endings" => "endings: [(id: \"…\", kind: Resolved, title: \"…\", debrief: \"…\")]",
        "thresholds" => "thresholds: [(when: [AtLeast(\"anger\", 100)], ending: \"…\")]",
        "languages" => "languages: [\"en\", \"zh\"]",
        "tags" => "tags: [\"angry caller\"]",
        "traits" => "traits: [(name: \"…\", kinds: [\"…\"], effects: 2.0)]",
        "account" => "account: [(label: \"…\", value: \"…\")]",
        "action" => "action: Hold(seconds: 60)",
        "title" | "summary" | "text" | "note" | "debrief" | "name" | "description" | "label" | "value" => {
            return Some(format!("write {}: \"…\"", field?));
        }
        _ => return None,
    };
    Some(format!("write {e}"))
}

/// From ron's "tuple variant Condition::AtLeast with 2 elements": the
/// variant's name and "2 values".
fn variant_arity(expected: &str) -> Option<(&str, String)> {
    let rest = expected.strip_prefix("tuple variant ")?;
    let (path, count) = rest.split_once(" with ")?;
    let variant = path.rsplit("::").next()?;
    let n: usize = count.split_whitespace().next()?.parse().ok()?;
    Some((variant, format!("{n} value{}", if n == 1 { "" } else { "s" })))
}

/// How a condition is written.
fn condition_example(variant: &str) -> Option<&'static str> {
    Some(match variant {
        "AtLeast" => "AtLeast(\"anger\", 80)",
        "AtMost" => "AtMost(\"trust\", 20)",
        "Visited" => "Visited(\"greeting\")",
        "NotVisited" => "NotVisited(\"greeting\")",
        "Used" => "Used(\"apology\")",
        "JustUsed" => "JustUsed(\"apology\")",
        "AnyOf" => "AnyOf([Checked, AtLeast(\"trust\", 50)])",
        "Not" => "Not(Checked)",
        _ => return None,
    })
}

fn expected_words(expected: &str) -> String {
    if expected.contains("map of language") {
        return "a text in quotes".to_owned();
    }
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" => "`true` or `false`".to_owned(),
        "a sequence" => "a list in `[…]`".to_owned(),
        "a string" => "text in double quotes".to_owned(),
        other => other.to_owned(),
    }
}

fn found_words(found: &str) -> String {
    for prefix in [
        "the unsigned integer ",
        "the signed integer ",
        "the floating point number ",
    ] {
        if let Some(n) = found.strip_prefix(prefix) {
            return format!("the number {}", n.trim_matches('`'));
        }
    }
    if let Some(s) = found.strip_prefix("the string ") {
        return format!("the text {s}");
    }
    if let Some(b) = found.strip_prefix("the boolean ") {
        return b.to_owned();
    }
    found.to_owned()
}

fn type_hint(expected: &str) -> Option<String> {
    if expected.contains("map of language") {
        Some("write \"…\", or {\"en\": \"…\", \"zh\": \"…\"} for several languages".to_owned())
    } else if expected.contains("range such as") {
        Some("write a number such as 50, or (30, 60) for a random start".to_owned())
    } else if expected.contains("map of meter") {
        Some("write effects as {\"anger\": -10, \"trust\": 5}".to_owned())
    } else if expected_words(expected).starts_with("a whole number") {
        Some("write a whole number without quotes".to_owned())
    } else if expected == "a string" {
        Some("put the text in double quotes".to_owned())
    } else {
        None
    }
}
