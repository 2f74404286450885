//! H5P Branching Scenarios (library `H5P.BranchingScenario`): a `.h5p`
//! package (a zip with `h5p.json` and `content/content.json`) or its
//! `content.json` alone.
//!
//! The mapping, by the library's semantics.json: each Branching Question
//! is a node (its question the caller's line, its alternatives the
//! replies, an alternative's feedback the reply's coaching note); text
//! content (`H5P.AdvancedText`) is the caller speaking, joined to the
//! question that follows it; `nextContentId` -1 is an end screen, which
//! becomes an ending (the default end screen, or an alternative's own
//! feedback screen); scores become points. Everything else (video,
//! images, hotspots, course presentations, the back button) is dropped
//! with a warning saying where.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Cursor, Read};
use std::path::Path;

use serde_json::Value;

use crate::draft::{Draft, DraftEnding, DraftNode, DraftReply, MAX_POINTS};
use crate::report::{ImportError, Warning};
use crate::text::{Ids, Newlines, RESERVED_REPLY_IDS, RESERVED_TARGET_IDS, excerpt, html_to_text, slug};
use crate::{Options, display_name, language_or_default, read_file};

/// The library a Branching Scenario's `h5p.json` names as its main one.
const LIBRARY: &str = "H5P.BranchingScenario";
const QUESTION: &str = "H5P.BranchingQuestion";
const TEXT: &str = "H5P.AdvancedText";
/// The most a `content.json` may unpack to: far above any real scenario,
/// well below what would exhaust memory.
const MAX_CONTENT_BYTES: u64 = 64 * 1024 * 1024;

const REEXPORT: &str =
    "in H5P, open the content and use Reuse → Download as an .h5p file, then import that file";

/// Imports an `.h5p` package or a `content.json`.
pub fn import(path: &Path, options: &Options) -> Result<Draft, ImportError> {
    let file = display_name(path);
    let bytes = read_file(path)?;
    let is_zip = bytes.starts_with(b"PK");
    let is_json_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let package = if is_zip || (!is_json_name && !looks_like_json(&bytes)) {
        read_package(&file, &bytes)?
    } else {
        Package {
            manifest: None,
            content: utf8(&file, None, bytes)?,
            entry: None,
        }
    };
    let entry = package.entry.as_deref();
    let root: Value = serde_json::from_str(&package.content).map_err(|e| {
        let at = callsim_core::diagnostic::offset_of(&package.content, e.line(), e.column());
        ImportError::at(
            &file,
            entry,
            &package.content,
            at..(at + 1).min(package.content.len()),
            format!("this is not valid JSON: {e}"),
            format!("the file may be damaged or cut short; {REEXPORT}"),
        )
    })?;
    let json = Json {
        file: &file,
        entry,
        value: &root,
        path: String::new(),
    };
    let scenario = Scenario::read(&json, package.manifest.as_ref())?;
    Ok(scenario.draft(&file, path, options))
}

fn looks_like_json(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// What a package holds that the import reads.
struct Package {
    /// `h5p.json`: title, language, main library.
    manifest: Option<Value>,
    content: String,
    /// The zip entry `content` came from, when from a package.
    entry: Option<String>,
}

fn read_package(file: &str, bytes: &[u8]) -> Result<Package, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ImportError::new(
            file,
            "",
            format!("this is not a readable .h5p package (an .h5p file is a zip archive): {e}"),
            format!("the file may be cut short or not an .h5p file at all; {REEXPORT}, or import the content/content.json from inside it"),
        )
    })?;
    let manifest = match read_entry(file, &mut zip, "h5p.json")? {
        None => None,
        Some(text) => {
            let value: Value = serde_json::from_str(&text).map_err(|e| {
                let at = callsim_core::diagnostic::offset_of(&text, e.line(), e.column());
                ImportError::at(
                    file,
                    Some("h5p.json"),
                    &text,
                    at..(at + 1).min(text.len()),
                    format!("h5p.json is not valid JSON: {e}"),
                    format!("the package is damaged; {REEXPORT}"),
                )
            })?;
            let main = value.get("mainLibrary").and_then(Value::as_str).unwrap_or("");
            if main != LIBRARY {
                return Err(ImportError::new(
                    file,
                    "zip entry h5p.json, at mainLibrary",
                    if main.is_empty() {
                        "this package names no main library, so it is not a Branching Scenario".to_owned()
                    } else {
                        format!("this package is a `{main}`, not a Branching Scenario (`{LIBRARY}`)")
                    },
                    "callsim imports only H5P Branching Scenarios: export one of those from H5P".to_owned(),
                ));
            }
            Some(value)
        }
    };
    let entry = "content/content.json";
    let content = read_entry(file, &mut zip, entry)?.ok_or_else(|| {
        ImportError::new(
            file,
            "",
            format!("this package has no `{entry}`, where H5P keeps the scenario"),
            format!("the package is incomplete; {REEXPORT}"),
        )
    })?;
    Ok(Package {
        manifest,
        content,
        entry: Some(entry.to_owned()),
    })
}

/// The text of zip entry `name`, or `None` when the package has none.
fn read_entry(
    file: &str,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ImportError> {
    let mut entry = match zip.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(ImportError::new(
                file,
                format!("zip entry {name}"),
                format!("this entry cannot be read: {e}"),
                format!("the package is damaged; {REEXPORT}"),
            ));
        }
    };
    let mut bytes = Vec::new();
    let read = (&mut entry)
        .take(MAX_CONTENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            ImportError::new(
                file,
                format!("zip entry {name}"),
                format!("this entry cannot be unpacked: {e}"),
                format!("the package is damaged or cut short; {REEXPORT}"),
            )
        })?;
    if read as u64 > MAX_CONTENT_BYTES {
        return Err(ImportError::new(
            file,
            format!("zip entry {name}"),
            format!(
                "this entry unpacks to more than {} MiB",
                MAX_CONTENT_BYTES / 1024 / 1024
            ),
            "no Branching Scenario is that large: check that this is the right file".to_owned(),
        ));
    }
    utf8(file, Some(name), bytes).map(Some)
}

fn utf8(file: &str, entry: Option<&str>, bytes: Vec<u8>) -> Result<String, ImportError> {
    String::from_utf8(bytes).map_err(|e| {
        ImportError::new(
            file,
            entry.map(|e| format!("zip entry {e}")).unwrap_or_default(),
            format!(
                "this is not UTF-8 text (byte {} is not)",
                e.utf8_error().valid_up_to()
            ),
            format!("H5P writes its JSON as UTF-8; the file is damaged or not H5P content: {REEXPORT}"),
        )
    })
}

/// A place in the JSON, for reading with errors that say where.
struct Json<'a> {
    file: &'a str,
    entry: Option<&'a str>,
    value: &'a Value,
    /// JSON path from the root, e.g. `branchingScenario.content[3].type`.
    path: String,
}

impl<'a> Json<'a> {
    fn place(&self, path: &str) -> String {
        let path = if path.is_empty() { "the top" } else { path };
        match self.entry {
            Some(entry) => format!("zip entry {entry}, at {path}"),
            None => format!("at {path}"),
        }
    }

    fn error(&self, message: impl Into<String>, help: impl Into<String>) -> ImportError {
        ImportError::new(self.file, self.place(&self.path), message, help)
    }

    fn child(&self, value: &'a Value, path: String) -> Json<'a> {
        Json {
            file: self.file,
            entry: self.entry,
            value,
            path,
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The field `key`, if there and not null.
    fn get(&self, key: &str) -> Option<Json<'a>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(self.child(v, self.key_path(key))),
        }
    }

    /// The field `key`, which must be there.
    fn need(&self, key: &str, what: &str) -> Result<Json<'a>, ImportError> {
        self.get(key).ok_or_else(|| {
            ImportError::new(
                self.file,
                self.place(&self.path),
                format!("`{key}` is missing here: {what}"),
                format!("the content is incomplete or not from the H5P editor; {REEXPORT}"),
            )
        })
    }

    fn object(self, what: &str) -> Result<Json<'a>, ImportError> {
        if self.value.is_object() {
            Ok(self)
        } else {
            Err(self.error(
                format!(
                    "expected {what} (a JSON object) here, found {}",
                    kind_of(self.value)
                ),
                format!("the content is damaged or not from the H5P editor; {REEXPORT}"),
            ))
        }
    }

    fn items(&self, what: &str) -> Result<Vec<Json<'a>>, ImportError> {
        match self.value {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| self.child(v, format!("{}[{i}]", self.path)))
                .collect()),
            other => Err(self.error(
                format!("expected {what} (a JSON list) here, found {}", kind_of(other)),
                format!("the content is damaged or not from the H5P editor; {REEXPORT}"),
            )),
        }
    }

    /// Text at `key`: a string, or nothing.
    fn text(&self, key: &str) -> Result<String, ImportError> {
        match self.get(key) {
            None => Ok(String::new()),
            Some(j) => match j.value {
                Value::String(s) => Ok(s.clone()),
                // The editor stores numbers where text is expected now and then.
                Value::Number(n) => Ok(n.to_string()),
                other => Err(j.error(
                    format!("expected text here, found {}", kind_of(other)),
                    format!("the content is damaged or not from the H5P editor; {REEXPORT}"),
                )),
            },
        }
    }

    /// A number at `key`, written as a number or as text.
    fn number(&self, key: &str) -> Result<Option<f64>, ImportError> {
        let Some(j) = self.get(key) else {
            return Ok(None);
        };
        let n = match j.value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        n.filter(|n| n.is_finite()).map(Some).ok_or_else(|| {
            j.error(
                format!("expected a number here, found {}", kind_of(j.value)),
                format!("the content is damaged or not from the H5P editor; {REEXPORT}"),
            )
        })
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", excerpt(s, 30)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Where a choice leads: a content (by index) or an end screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Next {
    Content(usize),
    End,
}

/// The feedback an alternative or a content shows after it is chosen or
/// finished; with `nextContentId` -1 it is that path's own end screen.
#[derive(Debug, Clone, Default)]
struct Feedback {
    title: String,
    subtitle: String,
    image: bool,
    score: Option<f64>,
}

impl Feedback {
    fn read(parent: &Json) -> Result<Feedback, ImportError> {
        let Some(f) = parent.get("feedback") else {
            return Ok(Feedback::default());
        };
        let f = f.object("feedback")?;
        Ok(Feedback {
            title: html_to_text(&f.text("title")?, Newlines::AreSpaces),
            subtitle: html_to_text(&f.text("subtitle")?, Newlines::AreSpaces),
            image: f.get("image").is_some_and(|i| i.value.get("path").is_some()),
            score: f.number("endScreenScore")?,
        })
    }

    /// Whether H5P shows a screen of its own for it.
    fn shown(&self) -> bool {
        !self.title.is_empty() || !self.subtitle.is_empty() || self.image
    }

    /// Title and text as one coaching line.
    fn as_note(&self) -> Option<String> {
        match (self.title.as_str(), self.subtitle.as_str()) {
            ("", "") => None,
            (title, "") => Some(title.to_owned()),
            ("", text) => Some(text.to_owned()),
            (title, text) if title.ends_with(['.', '!', '?', ':', ';']) => Some(format!("{title} {text}")),
            (title, text) => Some(format!("{title}. {text}")),
        }
    }
}

struct Alternative {
    text: String,
    next: Next,
    feedback: Feedback,
}

enum Body {
    Question {
        question: String,
        alternatives: Vec<Alternative>,
    },
    Text(String),
    /// Content callsim cannot play: the library's machine name.
    Other,
}

struct Content {
    /// `H5P.AdvancedText 1.1`.
    library: String,
    title: String,
    body: Body,
    next: Next,
    feedback: Feedback,
    backwards: bool,
}

impl Content {
    fn machine_name(&self) -> &str {
        self.library.split_whitespace().next().unwrap_or("")
    }

    /// How a warning names it: `content 3 "Intro video" (H5P.Video 1.6)`.
    fn place(&self, index: usize) -> String {
        if self.title.is_empty() {
            format!("content {index} ({})", self.library)
        } else {
            format!(
                "content {index} \"{}\" ({})",
                excerpt(&self.title, 50),
                self.library
            )
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scoring {
    Static,
    Dynamic,
    None,
}

struct EndScreen {
    title: String,
    subtitle: String,
    image: bool,
    score: Option<f64>,
}

struct Scenario {
    title: String,
    summary: String,
    language: Option<String>,
    start_image: bool,
    content: Vec<Content>,
    end_screen: EndScreen,
    scoring: Scoring,
    include_interaction_scores: bool,
}

impl Scenario {
    fn read(root: &Json, manifest: Option<&Value>) -> Result<Scenario, ImportError> {
        let root = root
            .child(root.value, String::new())
            .object("the content of an H5P package")?;
        let Some(bs) = root.get("branchingScenario") else {
            let keys: Vec<String> = root
                .value
                .as_object()
                .map(|o| o.keys().take(4).map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            return Err(root.error(
                format!(
                    "this is not a Branching Scenario's content: it has no `branchingScenario` at the top (it has {})",
                    if keys.is_empty() { "nothing".to_owned() } else { keys.join(", ") }
                ),
                "callsim imports only H5P Branching Scenarios (library H5P.BranchingScenario): check that this is the right content.json".to_owned(),
            ));
        };
        let bs = bs.object("the Branching Scenario")?;
        let items = bs
            .need("content", "the list of the scenario's contents")?
            .items("the contents")?;
        if items.is_empty() {
            return Err(bs.error(
                "this Branching Scenario has no content: `content` is empty",
                "add at least one Branching Question in H5P, then export again",
            ));
        }
        let count = items.len();
        let backwards_default = bs
            .get("behaviour")
            .and_then(|b| b.value.get("enableBackwardsNavigation").and_then(Value::as_bool))
            .unwrap_or(false);
        let mut content = Vec::with_capacity(count);
        for item in &items {
            let item = item.child(item.value, item.path.clone()).object("a content")?;
            content.push(read_content(&item, count, backwards_default)?);
        }
        let end_screen = match bs.get("endScreens") {
            None => None,
            Some(list) => list.items("the end screens")?.into_iter().next(),
        };
        let end_screen = match end_screen {
            None => EndScreen {
                title: String::new(),
                subtitle: String::new(),
                image: false,
                score: None,
            },
            Some(screen) => {
                let screen = screen.object("an end screen")?;
                EndScreen {
                    title: html_to_text(&screen.text("endScreenTitle")?, Newlines::AreSpaces),
                    subtitle: html_to_text(&screen.text("endScreenSubtitle")?, Newlines::AreSpaces),
                    image: screen
                        .get("endScreenImage")
                        .is_some_and(|i| i.value.get("path").is_some()),
                    score: screen.number("endScreenScore")?,
                }
            }
        };
        // Current versions keep the option in `scoringOptionGroup`; the first
        // ones in `scoringOption`.
        let group = bs.get("scoringOptionGroup").or_else(|| bs.get("scoringOption"));
        let option = match &group {
            Some(g) if g.value.is_object() => g.text("scoringOption")?,
            Some(g) => g.value.as_str().unwrap_or("").to_owned(),
            None => String::new(),
        };
        let scoring = match option.as_str() {
            "static-end-score" => Scoring::Static,
            "dynamic-score" => Scoring::Dynamic,
            _ => Scoring::None,
        };
        let include_interaction_scores = group
            .as_ref()
            .and_then(|g| g.value.get("includeInteractionsScores"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let start = bs.get("startScreen");
        let start_title = match &start {
            Some(s) => html_to_text(&s.text("startScreenTitle")?, Newlines::AreSpaces),
            None => String::new(),
        };
        let summary = match &start {
            Some(s) => html_to_text(&s.text("startScreenSubtitle")?, Newlines::AreSpaces),
            None => String::new(),
        };
        let start_image = start
            .as_ref()
            .and_then(|s| s.value.get("startScreenImage"))
            .is_some_and(|i| i.get("path").is_some());
        let manifest_text = |key: &str| {
            manifest
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .map(|s| html_to_text(s, Newlines::AreSpaces))
                .filter(|s| !s.is_empty())
        };
        let title = manifest_text("title")
            .or_else(|| {
                Some(html_to_text(
                    &bs.text("title").unwrap_or_default(),
                    Newlines::AreSpaces,
                ))
                .filter(|t| !t.is_empty())
            })
            .unwrap_or(start_title);
        Ok(Scenario {
            title,
            summary,
            language: manifest_text("language"),
            start_image,
            content,
            end_screen,
            scoring,
            include_interaction_scores,
        })
    }
}

fn read_content(item: &Json, count: usize, backwards_default: bool) -> Result<Content, ImportError> {
    let ty = item
        .need("type", "which H5P library this content is")?
        .object("the content's type")?;
    let library = ty.text("library")?;
    if library.trim().is_empty() {
        return Err(ty.error(
            "this content names no library (`type.library` is empty)",
            format!("the content is damaged; {REEXPORT}"),
        ));
    }
    let title = match ty.get("metadata") {
        Some(m) => html_to_text(&m.text("title")?, Newlines::AreSpaces),
        None => String::new(),
    };
    let params = match ty.get("params") {
        Some(p) => p.object("the content's parameters")?,
        None => ty.child(&Value::Null, ty.key_path("params")),
    };
    let machine = library.split_whitespace().next().unwrap_or("");
    let body = if machine == QUESTION {
        let q = params
            .need("branchingQuestion", "the question and its alternatives")?
            .object("a Branching Question")?;
        let question = html_to_text(&q.text("question")?, Newlines::AreSpaces);
        let mut alternatives = Vec::new();
        let list = q.need("alternatives", "the answers the learner chooses from")?;
        for alt in list.items("the alternatives")? {
            let alt = alt.child(alt.value, alt.path.clone()).object("an alternative")?;
            alternatives.push(Alternative {
                text: html_to_text(&alt.text("text")?, Newlines::AreSpaces),
                next: next_of(&alt, count)?,
                feedback: Feedback::read(&alt)?,
            });
        }
        if alternatives.is_empty() {
            return Err(list.error(
                "this Branching Question has no alternatives to choose from",
                "give it at least two alternatives in H5P, then export again",
            ));
        }
        Body::Question {
            question,
            alternatives,
        }
    } else if machine == TEXT {
        Body::Text(html_to_text(&params.text("text")?, Newlines::AreSpaces))
    } else {
        Body::Other
    };
    let backwards = match item.text("contentBehaviour")?.as_str() {
        "enabled" => true,
        "disabled" => false,
        _ => backwards_default,
    };
    Ok(Content {
        library,
        title,
        body,
        // A question's own `nextContentId` is unused: its alternatives lead on.
        next: next_of(item, count)?,
        feedback: Feedback::read(item)?,
        backwards,
    })
}

/// `nextContentId`: a content's index, or -1 (any negative) for an end
/// screen; missing is -1, as H5P reads it.
fn next_of(item: &Json, count: usize) -> Result<Next, ImportError> {
    let Some(n) = item.number("nextContentId")? else {
        return Ok(Next::End);
    };
    if n < 0.0 {
        return Ok(Next::End);
    }
    if n.fract() != 0.0 || n >= count as f64 {
        let at = item
            .get("nextContentId")
            .map_or_else(|| item.path.clone(), |j| j.path);
        return Err(ImportError::new(
            item.file,
            item.place(&at),
            format!(
                "`nextContentId` is {n}, but the contents are numbered 0 to {}",
                count.saturating_sub(1)
            ),
            format!(
                "this branch leads to a content that does not exist; fix it in H5P's editor, then export again ({REEXPORT})"
            ),
        ));
    }
    // `n` is a whole number below `count`, so the cast is exact.
    Ok(Next::Content(n as usize))
}

/// Where a branch ends up once the text and dropped content on its way are
/// passed: at a question (a node) or at an end screen (an ending), with
/// the contents passed through on the way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// A node entered at content `entry`; `question` is the question it
    /// asks, `through` the contents before it.
    Node {
        entry: usize,
        question: usize,
        through: Vec<usize>,
    },
    /// An ending after `through`; `screen` is the content whose own
    /// feedback is the end screen, or the alternative's (`Some((q, a))`),
    /// or the default end screen.
    End { through: Vec<usize>, screen: Screen },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Screen {
    Default,
    /// Content `n`'s feedback, shown when it ends the scenario.
    OfContent(usize),
    /// Alternative `a` of question `q`: its feedback as the end screen.
    OfAlternative(usize, usize),
}

impl Scenario {
    /// Follows `next` past text and dropped content.
    fn follow(&self, next: Next, from_alternative: Option<(usize, usize)>) -> Place {
        let mut through: Vec<usize> = Vec::new();
        let mut at = next;
        let mut seen = BTreeSet::new();
        loop {
            match at {
                Next::End => {
                    let screen = match (through.last(), from_alternative) {
                        (Some(&last), _) if self.own_end_screen(&self.content[last].feedback) => {
                            Screen::OfContent(last)
                        }
                        (None, Some((q, a)))
                            if self
                                .alternative(q, a)
                                .is_some_and(|alt| self.own_end_screen(&alt.feedback)) =>
                        {
                            Screen::OfAlternative(q, a)
                        }
                        _ => Screen::Default,
                    };
                    return Place::End { through, screen };
                }
                Next::Content(i) => {
                    if let Body::Question { .. } = self.content[i].body {
                        // Entered at its first text: the same text, the same
                        // node, whatever dropped content came before.
                        let entry = self.first_text(&through).unwrap_or(i);
                        return Place::Node {
                            entry,
                            question: i,
                            through,
                        };
                    }
                    if !seen.insert(i) {
                        // Content that only leads round to itself, with no
                        // question on the way: H5P would loop on "Proceed"
                        // for ever; the call ends there instead.
                        return Place::End {
                            through,
                            screen: Screen::Default,
                        };
                    }
                    through.push(i);
                    at = self.content[i].next;
                }
            }
        }
    }

    /// Whether H5P shows a path's own end screen rather than the default:
    /// when its feedback has something to show, or (where end screens
    /// carry the score) a score of its own.
    fn own_end_screen(&self, feedback: &Feedback) -> bool {
        feedback.shown() || (self.scoring == Scoring::Static && feedback.score.is_some())
    }

    fn alternative(&self, q: usize, a: usize) -> Option<&Alternative> {
        match &self.content.get(q)?.body {
            Body::Question { alternatives, .. } => alternatives.get(a),
            _ => None,
        }
    }

    /// The first content on the way that says something: it decides all
    /// the text that follows, as each content has one way on.
    fn first_text(&self, through: &[usize]) -> Option<usize> {
        through
            .iter()
            .copied()
            .find(|&c| matches!(&self.content[c].body, Body::Text(t) if !t.is_empty()))
    }

    fn says(&self, through: &[usize]) -> Vec<String> {
        through
            .iter()
            .filter_map(|&i| match &self.content[i].body {
                Body::Text(text) if !text.is_empty() => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn draft(&self, file: &str, path: &Path, options: &Options) -> Draft {
        let mut warnings = Vec::new();
        let mut ids = Ids::reserving(&RESERVED_TARGET_IDS);
        // Nodes by the place they are entered at, endings by their place.
        let mut node_ids: BTreeMap<(usize, usize), String> = BTreeMap::new();
        let mut ending_ids: BTreeMap<(Option<usize>, Screen), String> = BTreeMap::new();
        let mut queue: VecDeque<Place> = VecDeque::new();
        let mut nodes = Vec::new();
        let mut endings = Vec::new();
        let mut visited: BTreeSet<usize> = BTreeSet::new();
        // A question entered both after text and directly is two nodes (the
        // caller's line differs); its alternatives are warned about once.
        let mut warned: BTreeSet<usize> = BTreeSet::new();
        let mut nodes_of_question: BTreeMap<usize, Vec<String>> = BTreeMap::new();

        let start_place = self.follow(Next::Content(0), None);
        let start = match &start_place {
            Place::Node { entry, question, .. } => {
                let id = ids.make(&self.node_name(*entry, *question), "node");
                node_ids.insert((*entry, *question), id.clone());
                queue.push_back(start_place.clone());
                id
            }
            // No question at all: nothing to choose. The caller's text
            // becomes a node with no reply, which `check` reports.
            Place::End { .. } => {
                let id = ids.make(&self.content[0].title, "start");
                warnings.push(Warning::new(
                    self.content[0].place(0),
                    "the scenario has no Branching Question, so the trainee has nothing to choose: the start node has no replies yet",
                ));
                let through = match &start_place {
                    Place::End { through, .. } => through.clone(),
                    Place::Node { .. } => Vec::new(),
                };
                visited.extend(through.iter().copied());
                nodes.push(DraftNode {
                    id: id.clone(),
                    origin: self.content[0].place(0),
                    says: self.says(&through).join("\n"),
                    replies: Vec::new(),
                });
                id
            }
        };

        while let Some(place) = queue.pop_front() {
            let Place::Node {
                entry,
                question,
                through,
            } = place
            else {
                continue;
            };
            visited.extend(through.iter().copied());
            visited.insert(question);
            let Body::Question {
                question: asked,
                alternatives,
            } = &self.content[question].body
            else {
                continue;
            };
            let mut lines = self.says(&through);
            if !asked.is_empty() {
                lines.push(asked.clone());
            }
            let node_place = self.content[question].place(question);
            if lines.is_empty() {
                warnings.push(Warning::new(
                    node_place.clone(),
                    "the question has no text, so the caller's line is empty: write it",
                ));
            }
            let mut reply_ids = Ids::reserving(&RESERVED_REPLY_IDS);
            let mut replies = Vec::new();
            let first_time = warned.insert(question);
            let mut alt_warnings = Vec::new();
            for (a, alt) in alternatives.iter().enumerate() {
                let alt_place = format!("{node_place}, alternative {}", a + 1);
                let target = self.follow(alt.next, Some((question, a)));
                match &target {
                    Place::Node { through, .. } | Place::End { through, .. } => {
                        visited.extend(through.iter().copied());
                    }
                }
                let next = match &target {
                    Place::Node { entry, question, .. } => {
                        let key = (*entry, *question);
                        if let Some(id) = node_ids.get(&key) {
                            id.clone()
                        } else {
                            let id = ids.make(&self.node_name(*entry, *question), "node");
                            node_ids.insert(key, id.clone());
                            queue.push_back(target.clone());
                            id
                        }
                    }
                    Place::End { through, screen } => {
                        let key = (self.first_text(through), *screen);
                        if let Some(id) = ending_ids.get(&key) {
                            id.clone()
                        } else {
                            let ending = self.ending(&target, &mut ids, &mut warnings);
                            ending_ids.insert(key, ending.id.clone());
                            let id = ending.id.clone();
                            endings.push(ending);
                            id
                        }
                    }
                };
                if alt.text.is_empty() {
                    alt_warnings.push(Warning::new(
                        alt_place.clone(),
                        "the alternative has no text, so the reply's text is empty: write it",
                    ));
                }
                // The alternative's feedback is a coaching note when it leads
                // on, and the end screen when it ends the scenario.
                let leads_on = alt.next != Next::End;
                if alt.feedback.image {
                    alt_warnings.push(Warning::new(
                        alt_place.clone(),
                        "the feedback's image is dropped: callsim shows no pictures",
                    ));
                }
                let (score, score_warning) = self.reply_score(alt, &target);
                if let Some(w) = score_warning {
                    alt_warnings.push(Warning::new(alt_place.clone(), w));
                }
                replies.push(DraftReply {
                    id: reply_ids.make(&alt.text, "reply"),
                    text: alt.text.clone(),
                    next,
                    note: if leads_on { alt.feedback.as_note() } else { None },
                    score,
                });
            }
            if first_time {
                warnings.extend(alt_warnings);
            }
            let id = node_ids.get(&(entry, question)).cloned().unwrap_or_default();
            nodes_of_question.entry(question).or_default().push(id.clone());
            let mut origin = node_place;
            if entry != question {
                origin = format!("{}, after {}", origin, self.content[entry].place(entry));
            }
            nodes.push(DraftNode {
                id,
                origin,
                says: lines.join("\n"),
                replies,
            });
        }

        for (question, ids) in &nodes_of_question {
            if ids.len() > 1 {
                warnings.push(Warning::new(
                    self.content[*question].place(*question),
                    format!(
                        "branches reach this question both through the text before it and directly, so it is {} nodes whose caller's lines differ ({}): merge them if the difference does not matter",
                        ids.len(),
                        ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        self.dropped(&visited, &mut warnings);
        let scoring = self.scoring_note();
        if self.scoring == Scoring::Static {
            warnings.push(Warning::new(
                "",
                "static-end-score gives each end screen a score; callsim scores replies, not endings, so each end screen's score is on the replies that lead to it (approximated)",
            ));
        }
        let title = if self.title.is_empty() {
            path.file_stem()
                .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
                .unwrap_or_else(|| "Imported scenario".to_owned())
        } else {
            self.title.clone()
        };
        let summary = if self.summary.is_empty() {
            format!("{title} (imported from H5P).")
        } else {
            self.summary.clone()
        };
        let (language, language_warning) =
            language_or_default(options.lang.as_deref(), self.language.as_deref());
        if let Some(w) = language_warning {
            warnings.push(w);
        }
        let mut draft = Draft {
            made_from: "an H5P Branching Scenario".to_owned(),
            command: "callsim import h5p".to_owned(),
            file: file.to_owned(),
            id: non_empty(slug(&title, '-', 6), "imported-scenario"),
            title,
            summary,
            tags: vec!["imported".to_owned(), "h5p".to_owned()],
            language,
            start,
            nodes,
            endings,
            scoring,
            warnings,
        };
        crate::warn_loops(&mut draft);
        draft
    }

    /// A node's id comes from its question's title, or its first words
    /// when the title is the editor's default.
    fn node_name(&self, entry: usize, question: usize) -> String {
        let title = &self.content[question].title;
        if !title.is_empty() && !is_default_title(title) {
            return title.clone();
        }
        let entry_title = &self.content[entry].title;
        if entry != question && !entry_title.is_empty() && !is_default_title(entry_title) {
            return entry_title.clone();
        }
        match &self.content[question].body {
            Body::Question { question, .. } => question.clone(),
            _ => String::new(),
        }
    }

    fn ending(&self, place: &Place, ids: &mut Ids, warnings: &mut Vec<Warning>) -> DraftEnding {
        let Place::End { through, screen } = place else {
            // Only ends are made endings.
            return DraftEnding {
                id: ids.make("end", "ending"),
                kind: "Resolved",
                kind_given: false,
                origin: String::new(),
                title: "The end".to_owned(),
                debrief: "The end.".to_owned(),
                says: None,
            };
        };
        let (title, text, origin, image) = match *screen {
            Screen::Default => (
                self.end_screen.title.clone(),
                self.end_screen.subtitle.clone(),
                "the default end screen".to_owned(),
                self.end_screen.image,
            ),
            Screen::OfContent(c) => (
                self.content[c].feedback.title.clone(),
                self.content[c].feedback.subtitle.clone(),
                format!("the end screen of {}", self.content[c].place(c)),
                self.content[c].feedback.image,
            ),
            Screen::OfAlternative(q, a) => {
                let feedback = self
                    .alternative(q, a)
                    .map(|alt| alt.feedback.clone())
                    .unwrap_or_default();
                (
                    feedback.title,
                    feedback.subtitle,
                    format!(
                        "the end screen of {}, alternative {}",
                        self.content[q].place(q),
                        a + 1
                    ),
                    feedback.image,
                )
            }
        };
        if image {
            warnings.push(Warning::new(
                origin.clone(),
                "its image is dropped: callsim shows no pictures",
            ));
        }
        // An end screen of its own with nothing written on it (only a
        // score) reads as the default one.
        let (title, text) = if title.is_empty() && text.is_empty() {
            (self.end_screen.title.clone(), self.end_screen.subtitle.clone())
        } else {
            (title, text)
        };
        let title = [title, text.clone()]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_else(|| "The end".to_owned());
        let debrief = if text.is_empty() {
            warnings.push(Warning::new(
                origin.clone(),
                "the end screen has no text: the ending's debrief repeats its title; write what the debrief should say",
            ));
            title.clone()
        } else {
            text
        };
        let says = self.says(through);
        let mut origin = origin;
        if let Some(first) = self.first_text(through) {
            origin = format!("{origin}, after {}", self.content[first].place(first));
        }
        let name = match self.first_text(through) {
            Some(first) if !self.content[first].title.is_empty() => self.content[first].title.clone(),
            _ => title.clone(),
        };
        DraftEnding {
            id: ids.make(&name, "ending"),
            kind: "Resolved",
            kind_given: false,
            origin,
            title,
            debrief,
            says: (!says.is_empty()).then(|| says.join("\n")),
        }
    }

    /// The points a reply earns, as H5P scores choosing it, and a warning
    /// when the score had to be changed to fit.
    fn reply_score(&self, alt: &Alternative, target: &Place) -> (Option<i32>, Option<String>) {
        let through: &[usize] = match target {
            Place::Node { through, .. } | Place::End { through, .. } => through,
        };
        let score = match self.scoring {
            Scoring::None => return (None, None),
            Scoring::Dynamic => {
                // H5P adds an alternative's score only when it leads on, and a
                // content's own score when it is passed through.
                let own = if alt.next == Next::End {
                    0.0
                } else {
                    alt.feedback.score.unwrap_or(0.0)
                };
                let passed: f64 = through
                    .iter()
                    .filter(|&&c| self.content[c].next != Next::End)
                    .filter_map(|&c| self.content[c].feedback.score)
                    .sum();
                own + passed
            }
            Scoring::Static => match target {
                Place::Node { .. } => return (None, None),
                Place::End { screen, .. } => {
                    let own = match *screen {
                        Screen::Default => None,
                        Screen::OfContent(c) => self.content[c].feedback.score,
                        Screen::OfAlternative(q, a) => self.alternative(q, a).and_then(|x| x.feedback.score),
                    };
                    own.or(self.end_screen.score).unwrap_or(0.0)
                }
            },
        };
        let rounded = score.round().clamp(-f64::from(MAX_POINTS), f64::from(MAX_POINTS));
        let warning = if rounded != score.round() {
            Some(format!(
                "its score {score} is outside what callsim allows per sub-skill: {rounded} (approximated)"
            ))
        } else if score.fract() != 0.0 {
            Some(format!(
                "its score {score} is rounded to {rounded}: points are whole numbers (approximated)"
            ))
        } else {
            None
        };
        // In range and whole after the clamp and round above.
        (Some(rounded as i32), warning)
    }

    fn scoring_note(&self) -> Option<String> {
        match self.scoring {
            Scoring::None => Some(
                "The H5P content had no scores (no-score), so no reply has points yet.".to_owned(),
            ),
            Scoring::Dynamic => Some(
                "The H5P scores (dynamic-score: each choice's score added up on the way) are points: a score of N is N on each of the four sub-skills, so the path H5P scored highest is the best on both pillars. Split each by what the reply shows.".to_owned(),
            ),
            Scoring::Static => Some(
                "The H5P end scores (static-end-score: one score per end screen) are points on the replies that lead to each end screen: a score of N is N on each of the four sub-skills. Spread them over the call by what each reply shows.".to_owned(),
            ),
        }
    }

    /// Warnings for what was passed over: content callsim cannot play,
    /// feedback between contents, the back button, the start screen's
    /// picture, content the scenario never reaches.
    fn dropped(&self, visited: &BTreeSet<usize>, warnings: &mut Vec<Warning>) {
        if self.start_image {
            warnings.push(Warning::new(
                "the start screen",
                "its image is dropped: callsim shows no pictures",
            ));
        }
        for (i, c) in self.content.iter().enumerate() {
            if !visited.contains(&i) {
                warnings.push(Warning::new(
                    c.place(i),
                    "no branch leads here from the start, so it is not imported",
                ));
                continue;
            }
            let what = match c.machine_name() {
                QUESTION | TEXT => None,
                "H5P.Video" => Some("a video"),
                "H5P.InteractiveVideo" => Some("an interactive video"),
                "H5P.Image" => Some("an image"),
                "H5P.ImageHotspots" => Some("image hotspots"),
                "H5P.CoursePresentation" => Some("a course presentation"),
                _ => Some("content callsim cannot play"),
            };
            if let Some(what) = what {
                let goes_on = match c.next {
                    Next::End => "the call ends there".to_owned(),
                    Next::Content(n) => format!("the call goes straight on to content {n}"),
                };
                let scores = if self.scoring == Scoring::Dynamic && self.include_interaction_scores {
                    " (and any score its own questions gave)"
                } else {
                    ""
                };
                warnings.push(Warning::new(
                    c.place(i),
                    format!("{what} is not a caller's line: dropped{scores}; {goes_on}"),
                ));
            }
            if !matches!(c.body, Body::Question { .. }) && c.next != Next::End && c.feedback.shown() {
                warnings.push(Warning::new(
                    c.place(i),
                    "the feedback shown after it is dropped: only a reply carries coaching in callsim",
                ));
            }
        }
        let backwards: Vec<String> = self
            .content
            .iter()
            .enumerate()
            .filter(|(i, c)| c.backwards && visited.contains(i))
            .map(|(i, _)| i.to_string())
            .collect();
        if !backwards.is_empty() {
            warnings.push(Warning::new(
                format!("content {}", compact_list(&backwards)),
                "backwards navigation (the Back button) is dropped: a call cannot be rewound",
            ));
        }
    }
}

/// Titles the H5P editor gives new content, in the languages seen.
fn is_default_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    [
        "untitled",
        "unbenannt",
        "sans titre",
        "sin título",
        "без названия",
    ]
    .iter()
    .any(|d| lower.starts_with(d))
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.is_empty() { fallback.to_owned() } else { s }
}

/// `1, 2, 3, 7` as `1-3, 7`.
fn compact_list(numbers: &[String]) -> String {
    let values: Vec<usize> = numbers.iter().filter_map(|n| n.parse().ok()).collect();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let mut j = i;
        while j + 1 < values.len() && values[j + 1] == values[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}-{}", values[i], values[j])
        } else if j == i + 1 {
            format!("{}, {}", values[i], values[j])
        } else {
            values[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_content_numbers_are_compact() {
        let n = |v: &[usize]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(compact_list(&n(&[1, 2, 3, 7, 9, 10])), "1-3, 7, 9, 10");
        assert_eq!(compact_list(&n(&[4])), "4");
    }

    #[test]
    fn feedback_reads_as_one_note() {
        let f = |title: &str, subtitle: &str| Feedback {
            title: title.into(),
            subtitle: subtitle.into(),
            ..Feedback::default()
        };
        assert_eq!(
            f("Good", "You listened.").as_note().as_deref(),
            Some("Good. You listened.")
        );
        assert_eq!(
            f("Careful!", "He is angry.").as_note().as_deref(),
            Some("Careful! He is angry.")
        );
        assert_eq!(f("", "Only text.").as_note().as_deref(), Some("Only text."));
        assert_eq!(f("", "").as_note(), None);
    }
}
