//! An open scenario file as the editor has it: its text (not the file on
//! disk), its outline, and the last version that read as a scenario, for
//! features that need the model while the text is mid-edit.

use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use callsim_core::Scenario;
use callsim_core::diagnostic::Diagnostic;
use callsim_core::scenario::ron_options;
use callsim_core::scenario::validate::Finding;

use crate::outline::Outline;
use crate::position::Lines;

/// A text that read as a scenario (RON syntax and types; it may still have
/// mistakes `check` reports), with its outline.
#[derive(Debug)]
pub struct Good {
    pub scenario: Scenario,
    pub outline: Outline,
}

#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub text: String,
    pub lines: Lines,
    pub outline: Outline,
    /// The last version of the text that read as a scenario.
    pub good: Option<Arc<Good>>,
    /// Why the current text does not read, and where (1-based line and
    /// column), when it does not.
    pub unreadable: Option<(usize, usize, String)>,
    /// The file, as messages name it.
    pub file: PathBuf,
    /// The file's folder: asset paths are relative to it.
    pub folder: Option<PathBuf>,
    /// Whether the file is a scenario. A scenario's playthroughs
    /// (`NAME.playthroughs.ron`) are RON too, but not a scenario: the server
    /// says nothing about them.
    pub is_scenario: bool,
    /// What `check` says about the current text, once checked.
    pub checked: Option<Vec<Diagnostic>>,
    /// The typed-reply checks' findings on the latest text they ran on,
    /// located by path so they survive edits until they run again.
    pub typed: Vec<Finding>,
}

impl Document {
    pub fn new(uri: &Uri, version: i32, text: String) -> Document {
        let file = file_path(uri);
        let folder = file.as_ref().and_then(|f| f.parent().map(PathBuf::from));
        let is_scenario = !uri.as_str().ends_with(".playthroughs.ron");
        let mut doc = Document {
            version,
            text: String::new(),
            lines: Lines::new(""),
            outline: Outline::default(),
            good: None,
            unreadable: None,
            file: file.unwrap_or_else(|| PathBuf::from(uri.as_str())),
            folder,
            is_scenario,
            checked: None,
            typed: Vec::new(),
        };
        doc.set_text(text, version);
        doc
    }

    /// Applies the editor's changes: whole texts, or ranges replaced.
    pub fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        let mut text = std::mem::take(&mut self.text);
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.lines.offset(&text, range.start);
                    let end = self.lines.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                    self.lines = Lines::new(&text);
                }
                None => {
                    text = change.text;
                    self.lines = Lines::new(&text);
                }
            }
        }
        self.set_text(text, version);
    }

    fn set_text(&mut self, text: String, version: i32) {
        self.version = version;
        self.lines = Lines::new(&text);
        self.outline = Outline::read(&text);
        match ron_options().from_str::<Scenario>(&text) {
            Ok(scenario) => {
                self.good = Some(Arc::new(Good {
                    scenario,
                    outline: self.outline.clone(),
                }));
                self.unreadable = None;
            }
            Err(err) => {
                self.unreadable = Some((err.span.start.line, err.span.start.col, err.code.to_string()));
            }
        }
        self.text = text;
        self.checked = None;
    }

    /// The scenario as last read: the current text's, or an earlier one's.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.good.as_deref().map(|g| &g.scenario)
    }
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes
/// (an unsaved buffer).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    // `file:///path` or `file://host/path`: the host is not part of the path.
    let path = &rest[rest.find('/')?..];
    let decoded = percent_decode(path)?;
    // `file:///C:/x` on Windows is `C:/x`.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a URI")
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path(&uri("file:///home/trainer/my%20scenarios/%E4%BD%A0%E5%A5%BD.ron")),
            Some(PathBuf::from("/home/trainer/my scenarios/你好.ron"))
        );
        assert_eq!(
            file_path(&uri("file://localhost/tmp/a.ron")),
            Some(PathBuf::from("/tmp/a.ron"))
        );
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
    }

    #[test]
    fn a_broken_edit_keeps_the_last_good_scenario() {
        let good = callsim_core::starter::starter("Lost parcel", std::path::Path::new("s.ron"));
        let mut doc = Document::new(&uri("file:///tmp/s.ron"), 1, good.clone());
        assert!(doc.unreadable.is_none());
        let title = doc.scenario().map(|s| s.id.clone());
        doc.change(
            2,
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: good.replacen("nodes: [", "nodes: [ ((", 1),
            }],
        );
        assert!(doc.unreadable.is_some());
        assert_eq!(doc.scenario().map(|s| s.id.clone()), title);
    }
}
