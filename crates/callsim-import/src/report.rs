//! What an import says: the error that stopped it, naming the file and the
//! place in it, and the warnings about what it dropped or approximated.

use std::fmt;
use std::ops::Range;

use callsim_core::diagnostic::{Diagnostic, Severity, line_column};

/// Why a file could not be imported, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file as the trainer named it.
    pub file: String,
    /// Where in it, in the file's own terms: `line 12, column 5`, `zip entry
    /// content/content.json, at branchingScenario.content[3].type`, `passage
    /// "Start"`. Empty for the file as a whole.
    pub place: String,
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The text the place is in and the bytes it covers, to quote the line
    /// (boxed: errors travel by value through every reader).
    pub quote: Option<Box<(String, Range<usize>)>>,
}

impl ImportError {
    /// An error about the file as a whole, or at a place named in words.
    pub fn new(
        file: &str,
        place: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.to_owned(),
            place: place.into(),
            message: message.into(),
            help: help.into(),
            quote: None,
        }
    }

    /// An error at bytes `span` of `source` (the file itself, or the zip
    /// entry named in `place`): the place says its line and column.
    pub fn at(
        file: &str,
        entry: Option<&str>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let (line, column) = line_column(source, span.start);
        let place = match entry {
            Some(entry) => format!("zip entry {entry}, line {line}, column {column}"),
            None => format!("line {line}, column {column}"),
        };
        ImportError {
            quote: Some(Box::new((source.to_owned(), span))),
            ..ImportError::new(file, place, message, help)
        }
    }

    /// The message as a compiler would print it: `error:`, `-->` with the
    /// file and place, the line quoted when there is one, and `help:`.
    pub fn render(&self) -> String {
        match self.quote.as_deref() {
            Some((source, span)) => {
                let (line, column) = line_column(source, span.start);
                let file = match self.place.split_once(", line ") {
                    // Inside a zip: the entry is part of what the trainer must find.
                    Some((entry, _)) if entry.starts_with("zip entry") => {
                        format!("{} ({})", self.file, entry)
                    }
                    _ => self.file.clone(),
                };
                Diagnostic {
                    severity: Severity::Error,
                    code: "import",
                    message: self.message.clone(),
                    file,
                    line,
                    column,
                    span: span.clone(),
                    label: None,
                    help: Some(self.help.clone()),
                }
                .render(source)
            }
            None => {
                let mut text = format!("error: {}\n  --> {}", self.message, self.file);
                if !self.place.is_empty() {
                    text.push_str(&format!(", {}", self.place));
                }
                text.push_str(&format!("\n  = help: {}\n", self.help));
                text
            }
        }
    }
}

impl fmt::Display for ImportError {
    /// One line: `file, place: message (help: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if !self.place.is_empty() {
            write!(f, ", {}", self.place)?;
        }
        write!(f, ": {} (help: {})", self.message, self.help)
    }
}

impl std::error::Error for ImportError {}

/// Something the import dropped or approximated, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the source: `content 3 "Intro video"`, `passage "Start"
    /// (line 12)`.
    pub place: String,
    pub message: String,
}

impl Warning {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_with_a_quote_points_at_the_line() {
        let src = ":: Start\nCall [[Refund]] now\n";
        let at = src.find("[[").expect("link");
        let e = ImportError::at(
            "story.twee",
            None,
            src,
            at..at + 10,
            "the link leads nowhere",
            "add the passage",
        );
        let text = e.render();
        assert!(text.starts_with("error: the link leads nowhere"), "{text}");
        assert!(text.contains("--> story.twee:2:6"), "{text}");
        assert!(text.contains("Call [[Refund]] now"), "{text}");
        assert!(text.contains("help: add the passage"), "{text}");
        assert_eq!(e.place, "line 2, column 6");
    }

    #[test]
    fn an_error_without_a_quote_names_the_place_in_words() {
        let e = ImportError::new(
            "course.h5p",
            "zip entry h5p.json",
            "not a Branching Scenario",
            "export the right content",
        );
        assert_eq!(
            e.render(),
            "error: not a Branching Scenario\n  --> course.h5p, zip entry h5p.json\n  = help: export the right content\n"
        );
        assert_eq!(
            e.to_string(),
            "course.h5p, zip entry h5p.json: not a Branching Scenario (help: export the right content)"
        );
    }
}
