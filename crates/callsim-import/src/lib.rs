//! Importing branching content made with other tools: an H5P Branching
//! Scenario ([`h5p`]) or a Twine 2 story ([`twine`]) becomes a scenario
//! file a trainer finishes.
//!
//! Read this first. An import reads the source into a [`Draft`] (nodes,
//! replies, endings, in the scenario format's terms), with a [`Warning`]
//! for everything it dropped or approximated and where; [`Draft::to_ron`]
//! writes the RON file with a header saying where it came from and what is
//! left to do. What only a trainer can decide (the caller, the points, the
//! mood meters) is left undone on purpose, so that `callsim check` lists
//! it; nothing is invented. A source the import cannot read is an
//! [`ImportError`] naming the file and the place in it (line and column,
//! zip entry, JSON path, passage), never a panic. No Bevy, no I/O but
//! reading the source and writing the result ([`write_new`]).

pub mod draft;
pub mod h5p;
pub mod report;
pub mod text;
pub mod twine;

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use callsim_core::locale::text::GAME_LANGUAGES;

pub use draft::Draft;
pub use report::{ImportError, Warning};

/// Choices the trainer makes on the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The language the source is written in (an ISO 639-1 code), when
    /// the source does not say or says wrong.
    pub lang: Option<String>,
}

/// The file as the trainer named it, for messages.
pub(crate) fn display_name(path: &Path) -> String {
    path.display().to_string()
}

/// The most a source file may be: far above any real story or package.
const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let file = display_name(path);
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_SOURCE_BYTES);
    if too_big {
        return Err(ImportError::new(
            &file,
            "",
            format!("this file is larger than {} MiB", MAX_SOURCE_BYTES / 1024 / 1024),
            "check that this is the story or package you meant",
        ));
    }
    std::fs::read(path).map_err(|e| {
        let (message, help) = match e.kind() {
            std::io::ErrorKind::NotFound => (
                "there is no such file".to_owned(),
                "check the spelling of the path",
            ),
            std::io::ErrorKind::IsADirectory => (
                "this is a folder, not a file".to_owned(),
                "name the .h5p, content.json, .twee or .html file itself",
            ),
            std::io::ErrorKind::PermissionDenied => (
                "this file may not be read (permission denied)".to_owned(),
                "check that you may read the file",
            ),
            _ => (format!("this file cannot be read: {e}"), "check the path"),
        };
        ImportError::new(&file, "", message, help)
    })
}

/// The scenario's language: the trainer's `--lang`, else what the source
/// says when it is an ISO 639-1 code, else English; with a warning when
/// the source said something callsim cannot use.
pub(crate) fn language_or_default(chosen: Option<&str>, source: Option<&str>) -> (String, Option<Warning>) {
    if let Some(lang) = chosen {
        return (lang.to_owned(), None);
    }
    match source.map(str::trim) {
        None | Some("") => ("en".to_owned(), None),
        Some(code) => {
            let base = code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            if base.len() == 2 && base.chars().all(|c| c.is_ascii_lowercase()) {
                (base, None)
            } else {
                let known: Vec<&str> = GAME_LANGUAGES.iter().map(|(c, _)| *c).collect();
                (
                    "en".to_owned(),
                    Some(Warning::new(
                        "",
                        format!(
                            "the source's language `{code}` is no ISO 639-1 code, so the texts are taken as English (`en`); if they are not, import again with --lang CODE (the game speaks {})",
                            known.join(", ")
                        ),
                    )),
                )
            }
        }
    }
}

/// Warns about each way the call can go round: callsim needs every call to
/// end, and `check` reports a loop as an error once the file loads.
pub(crate) fn warn_loops(draft: &mut Draft) {
    let index: BTreeMap<&str, usize> = draft
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let Some(&start) = index.get(draft.start.as_str()) else {
        return;
    };
    // Depth first from the start; an edge to a node still on the path
    // closes a loop.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; draft.nodes.len()];
    let mut path: Vec<usize> = Vec::new();
    let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
    let mut found: Vec<Warning> = Vec::new();
    state[start] = State::OnPath;
    path.push(start);
    while let Some((node, reply)) = stack.pop() {
        let replies = &draft.nodes[node].replies;
        if reply >= replies.len() {
            state[node] = State::Done;
            path.pop();
            continue;
        }
        stack.push((node, reply + 1));
        let Some(&next) = index.get(replies[reply].next.as_str()) else {
            continue;
        };
        match state[next] {
            State::New => {
                state[next] = State::OnPath;
                path.push(next);
                stack.push((next, 0));
            }
            State::OnPath => {
                let from = path.iter().position(|&n| n == next).unwrap_or(0);
                let mut round: Vec<&str> = path[from..].iter().map(|&n| draft.nodes[n].id.as_str()).collect();
                round.push(draft.nodes[next].id.as_str());
                found.push(Warning::new(
                    draft.nodes[node].origin.lines().next().unwrap_or("").to_owned(),
                    format!(
                        "the reply \"{}\" leads back to `{}`, so the call can go round ({}); a call must end: give one reply on the way `once: true`, or take the way back out (`check` reports this as `loop`)",
                        text::excerpt(&replies[reply].text, 40),
                        draft.nodes[next].id,
                        round.join(" -> ")
                    ),
                ));
            }
            State::Done => {}
        }
    }
    draft.warnings.extend(found);
}

/// Writes `text` to `path`, which must not exist yet unless `force`.
pub fn write_new(path: &Path, text: &str, force: bool) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "error: {} already exists; choose another file with -o, or add --force to write over it",
            path.display()
        ),
        _ => format!("error: cannot write {}: {e}", path.display()),
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_trainer_then_the_source() {
        assert_eq!(language_or_default(Some("zh"), Some("de")).0, "zh");
        assert_eq!(language_or_default(None, Some("de")), ("de".to_owned(), None));
        assert_eq!(language_or_default(None, Some("pt-BR")).0, "pt");
        assert_eq!(language_or_default(None, None), ("en".to_owned(), None));
        let (lang, warning) = language_or_default(None, Some("und"));
        assert_eq!(lang, "en");
        assert!(warning.is_some_and(|w| w.message.contains("`und`")));
    }

    #[test]
    fn an_existing_file_is_kept_without_force() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.ron");
        write_new(&path, "first", false).expect("new file");
        let err = write_new(&path, "second", false).expect_err("exists");
        assert!(err.contains("already exists") && err.contains("--force"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "first");
        write_new(&path, "third", true).expect("forced");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "third");
    }
}
