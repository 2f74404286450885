//! Twine 2 stories: Twee 3 text (`:: Passage [tags]`) or the published
//! HTML (`<tw-storydata>` with a `<tw-passagedata>` per passage).
//!
//! The mapping: a passage with links is a node (its text the caller's
//! line, each link a reply); a passage without links is an ending; tags
//! become the scenario's tags (and a tag naming an ending kind, such as
//! `escalated`, sets that ending's kind). Links are read as Twine reads
//! them: `[[text->Target]]`, `[[Target<-text]]`, `[[text|Target]]`,
//! `[[Target]]`, the rightmost `->` and the leftmost `<-` dividing.
//! Story formats' macros and variables (Harlowe, SugarCube, Snowman) are
//! not run: each is dropped, with a warning naming its passage and line.

use std::collections::BTreeSet;
use std::path::Path;

use callsim_core::diagnostic::{did_you_mean, line_column};

use crate::draft::{Draft, DraftEnding, DraftNode, DraftReply};
use crate::report::{ImportError, Warning};
use crate::text::{
    Ids, Newlines, RESERVED_REPLY_IDS, RESERVED_TARGET_IDS, decode_entities, decode_entities_mapped, excerpt,
    html_to_text, slug,
};
use crate::{Options, display_name, read_file};

/// A story as read from either form.
#[derive(Debug)]
pub struct Story {
    pub title: String,
    /// The start passage's name.
    pub start: Option<String>,
    /// `Harlowe 3.3.8`, when the story says.
    pub format: String,
    pub tags: Vec<String>,
    pub passages: Vec<Passage>,
    /// The file's text, for quoting the place of an error.
    pub source: String,
    /// Warnings from reading (scripts, stylesheets, stray text).
    pub warnings: Vec<Warning>,
}

#[derive(Debug)]
pub struct Passage {
    pub name: String,
    pub tags: Vec<String>,
    /// The passage's text as Twine stores it (entities of the HTML form
    /// decoded).
    pub text: String,
    /// For each byte of `text` (and its end), the byte of the file it
    /// came from.
    pub map: Vec<usize>,
    /// Where the passage starts in the file.
    pub at: usize,
}

impl Passage {
    /// The line of the file where byte `i` of the text is.
    fn line_of(&self, source: &str, i: usize) -> usize {
        line_column(source, self.file_offset(i)).0
    }

    fn file_offset(&self, i: usize) -> usize {
        self.map.get(i).or(self.map.last()).copied().unwrap_or(self.at)
    }
}

/// Imports a `.twee` file or a published `.html` story.
pub fn import(path: &Path, options: &Options) -> Result<Draft, ImportError> {
    let file = display_name(path);
    let bytes = read_file(path)?;
    let source = String::from_utf8(bytes).map_err(|e| {
        ImportError::new(
            &file,
            "",
            format!(
                "this is not UTF-8 text (byte {} is not)",
                e.utf8_error().valid_up_to()
            ),
            "Twine saves stories as UTF-8; save or publish the story again from Twine",
        )
    })?;
    let story = read(&file, source)?;
    build(&file, story, options)
}

/// Reads either form, chosen by content: published HTML has a
/// `<tw-storydata>` element, Twee starts passages with `::`.
pub fn read(file: &str, source: String) -> Result<Story, ImportError> {
    let lower = source.to_ascii_lowercase();
    if lower.contains("<tw-storydata") {
        read_html(file, source)
    } else if lower.trim_start().starts_with('<') || lower.contains("<html") {
        let twine1 = lower.contains("id=\"storearea\"") || lower.contains("tiddler=");
        Err(ImportError::new(
            file,
            "",
            if twine1 {
                "this is a Twine 1 story (its passages are `tiddler` divs); callsim reads Twine 2 stories"
                    .to_owned()
            } else {
                "this HTML file has no <tw-storydata>, so it is not a published Twine 2 story".to_owned()
            },
            if twine1 {
                "open it in Twine 2 (Library → Import), then Publish to File, or export it as Twee"
            } else {
                "in Twine 2, use Publish to File (or Build → Export as Twee) and import that file"
            },
        ))
    } else {
        read_twee(file, source)
    }
}

fn read_twee(file: &str, source: String) -> Result<Story, ImportError> {
    let mut warnings = Vec::new();
    let mut passages: Vec<Passage> = Vec::new();
    let mut title = String::new();
    let mut start = None;
    let mut format = String::new();
    let mut current: Option<Passage> = None;
    let mut offset = 0;
    let mut stray: Option<usize> = None;
    for line in source.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(header) = content.strip_prefix("::") {
            if let Some(p) = current.take() {
                passages.push(p);
            }
            let (name, tags) = parse_header(header);
            if name.is_empty() {
                return Err(ImportError::at(
                    file,
                    None,
                    &source,
                    at..at + content.len(),
                    "this passage has no name",
                    "write the name after `::`, e.g. `:: Start`",
                ));
            }
            current = Some(Passage {
                name,
                tags,
                text: String::new(),
                map: Vec::new(),
                at,
            });
            continue;
        }
        match current.as_mut() {
            Some(p) => {
                // `\::` at the start of a line is an escaped `::`.
                let (text, skip) = match line.strip_prefix("\\::") {
                    Some(_) => (&line[1..], 1),
                    None => (line, 0),
                };
                p.text.push_str(text);
                p.map.extend((0..text.len()).map(|i| at + skip + i));
            }
            None if !content.trim().is_empty() => {
                stray.get_or_insert(at);
            }
            None => {}
        }
    }
    if let Some(p) = current.take() {
        passages.push(p);
    }
    for p in &mut passages {
        // Trailing blank lines belong to no passage.
        let kept = p.text.trim_end().len();
        p.text.truncate(kept);
        p.map.truncate(kept);
        let end = p.map.last().map_or(p.at, |&last| last + 1);
        p.map.push(end);
    }
    if let Some(at) = stray {
        warnings.push(Warning::new(
            format!("line {}", line_column(&source, at).0),
            "text before the first passage header (`:: Name`) belongs to no passage: ignored",
        ));
    }
    let mut story_passages = Vec::new();
    for p in passages {
        match p.name.as_str() {
            "StoryTitle" => title = p.text.trim().to_owned(),
            "StoryData" => {
                let data: serde_json::Value = serde_json::from_str(&p.text).map_err(|e| {
                    let at = callsim_core::diagnostic::offset_of(&p.text, e.line(), e.column());
                    let at = p.file_offset(at);
                    ImportError::at(
                        file,
                        None,
                        &source,
                        at..at + 1,
                        format!("StoryData is not valid JSON: {e}"),
                        "StoryData holds JSON such as {\"ifid\": \"…\", \"format\": \"Harlowe\", \"start\": \"Start\"}; fix it or export the story from Twine again",
                    )
                })?;
                start = data.get("start").and_then(|s| s.as_str()).map(str::to_owned);
                format = [data.get("format"), data.get("format-version")]
                    .iter()
                    .filter_map(|v| v.and_then(|v| v.as_str()))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            _ => story_passages.push(p),
        }
    }
    if start.is_none() && story_passages.iter().any(|p| p.name == "Start") {
        start = Some("Start".to_owned());
    }
    if title.is_empty() {
        warnings.push(Warning::new(
            "",
            "the story has no StoryTitle passage: the title is made from the file name",
        ));
    }
    Ok(Story {
        title,
        start,
        format,
        tags: Vec::new(),
        passages: story_passages,
        source,
        warnings,
    })
}

/// `Name [tag1 tag2] {"position": "…"}` with `\` escapes in the name.
fn parse_header(header: &str) -> (String, Vec<String>) {
    let mut name = String::new();
    let mut chars = header.chars().peekable();
    let mut rest = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(escaped) = chars.next() {
                    name.push(escaped);
                }
            }
            '[' | '{' => {
                rest.push(c);
                rest.extend(chars.by_ref());
                break;
            }
            c => name.push(c),
        }
    }
    let tags = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(tags, _)| tags.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    (name.trim().to_owned(), tags)
}

fn read_html(file: &str, source: String) -> Result<Story, ImportError> {
    let lower = source.to_ascii_lowercase();
    let mut warnings = Vec::new();
    let data_at = lower.find("<tw-storydata").unwrap_or(0);
    let Some((data_attrs, data_len)) = start_tag(&source[data_at..]) else {
        return Err(ImportError::at(
            file,
            None,
            &source,
            data_at..data_at + 13,
            "this <tw-storydata> tag is not closed with `>`",
            "the file is damaged or cut short; publish the story from Twine again",
        ));
    };
    let body_start = data_at + data_len;
    let body_end = lower[body_start..]
        .find("</tw-storydata>")
        .map_or(source.len(), |e| body_start + e);
    let attr = |name: &str| data_attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let title = attr("name").unwrap_or_default();
    let start_pid = attr("startnode").unwrap_or_default();
    let format = [attr("format"), attr("format-version")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let tags = attr("tags")
        .map(|t| t.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut passages = Vec::new();
    let mut start = None;
    let mut at = body_start;
    while let Some(found) = lower[at..body_end].find('<') {
        let tag_at = at + found;
        let rest = &lower[tag_at..body_end];
        let element = ["tw-passagedata", "script", "style"]
            .into_iter()
            .find(|e| rest[1..].starts_with(e));
        let Some(element) = element else {
            at = tag_at + 1;
            continue;
        };
        let Some((attrs, len)) = start_tag(&source[tag_at..body_end]) else {
            return Err(ImportError::at(
                file,
                None,
                &source,
                tag_at..tag_at + element.len() + 1,
                format!("this <{element}> tag is not closed with `>`"),
                "the file is damaged or cut short; publish the story from Twine again",
            ));
        };
        let content_at = tag_at + len;
        let close = format!("</{element}>");
        let Some(content_len) = lower[content_at..body_end].find(&close) else {
            return Err(ImportError::at(
                file,
                None,
                &source,
                tag_at..content_at,
                format!("this <{element}> has no closing </{element}>"),
                "the file is damaged or cut short; publish the story from Twine again",
            ));
        };
        let raw = &source[content_at..content_at + content_len];
        at = content_at + content_len + close.len();
        if element != "tw-passagedata" {
            if !raw.trim().is_empty() {
                let what = if element == "script" {
                    "JavaScript"
                } else {
                    "stylesheet"
                };
                warnings.push(Warning::new(
                    format!("line {}", line_column(&source, tag_at).0),
                    format!("the story's {what} is not run: dropped"),
                ));
            }
            continue;
        }
        let get = |name: &str| attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let name = get("name").unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ImportError::at(
                file,
                None,
                &source,
                tag_at..content_at,
                "this passage has no name",
                "give the passage a name in Twine, then publish again",
            ));
        }
        let (text, offsets) = decode_entities_mapped(raw);
        if get("pid").is_some_and(|pid| pid == start_pid) {
            start = Some(name.clone());
        }
        passages.push(Passage {
            name,
            tags: get("tags")
                .map(|t| t.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            text,
            map: offsets.into_iter().map(|o| content_at + o).collect(),
            at: tag_at,
        });
    }
    if start.is_none() && !start_pid.is_empty() && !passages.is_empty() {
        return Err(ImportError::at(
            file,
            None,
            &source,
            data_at..body_start,
            format!("the story starts at passage number {start_pid} (`startnode`), which it does not have"),
            "open the story in Twine, choose a start passage (Story → Details), then publish again",
        ));
    }
    Ok(Story {
        title,
        start,
        format,
        tags,
        passages,
        source,
        warnings,
    })
}

/// The attributes of the start tag at the beginning of `s`, entities
/// decoded, and the tag's length; `None` when it never closes.
fn start_tag(s: &str) -> Option<(Vec<(String, String)>, usize)> {
    let mut attrs = Vec::new();
    let bytes = s.as_bytes();
    // Skip `<` and the element name.
    let mut i = 1;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
        i += 1;
    }
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => return Some((attrs, i + 1)),
            Some(b'/') => {
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            attrs.push((name, String::new()));
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = s[i + 1..].find(q as char)? + i + 1;
                let value = &s[i + 1..end];
                i = end + 1;
                value
            }
            _ => {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &s[start..i]
            }
        };
        attrs.push((name, decode_entities(value)));
    }
}

/// A piece of passage text: prose, a link, or something a story format
/// would run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(Link),
    Dropped(Dropped),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What the reader clicks.
    pub text: String,
    /// The passage it leads to.
    pub target: String,
    /// A SugarCube setter (`[[text|Target][$x to 1]]`), not run.
    pub setter: Option<String>,
    /// Where it is in the passage's text, `[[` to `]]`.
    pub at: usize,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// `Harlowe macro`, `SugarCube macro`, `Snowman code`, `variable`.
    pub what: &'static str,
    pub raw: String,
    pub at: usize,
    /// Whether text it would show or hide (a hook, a container) was kept.
    pub kept_text: bool,
}

/// `[[…]]` read as Twine 2 reads it.
pub fn parse_link(inner: &str) -> (String, String, Option<String>) {
    let (main, setter) = match inner.find("][") {
        Some(k) => (&inner[..k], Some(inner[k + 2..].to_owned())),
        None => (inner, None),
    };
    let (text, target) = if let Some(k) = main.rfind("->") {
        (&main[..k], &main[k + 2..])
    } else if let Some(k) = main.find("<-") {
        (&main[k + 2..], &main[..k])
    } else if let Some(k) = main.rfind('|') {
        (&main[..k], &main[k + 1..])
    } else {
        (main, main)
    };
    let target = target.trim().to_owned();
    let text = match text.trim() {
        "" => target.clone(),
        t => t.to_owned(),
    };
    (text, target, setter)
}

/// Splits passage text into prose, links, and what a story format would
/// run.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    pieces_into(text, 0, &mut out);
    out
}

fn pieces_into(text: &str, base: usize, out: &mut Vec<Piece>) {
    let mut prose = String::new();
    let flush = |prose: &mut String, out: &mut Vec<Piece>| {
        if !prose.is_empty() {
            out.push(Piece::Text(std::mem::take(prose)));
        }
    };
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("[[")
            && let Some(end) = rest[2..].split('\n').next().and_then(|line| line.find("]]"))
        {
            let inner = &rest[2..2 + end];
            let len = end + 4;
            flush(&mut prose, out);
            let (link_text, target, setter) = parse_link(inner);
            out.push(Piece::Link(Link {
                text: link_text,
                target,
                setter,
                at: base + i,
                len,
            }));
            i += len;
            continue;
        }
        let code = if rest.starts_with("<<") {
            rest.find(">>").map(|e| ("SugarCube macro", e + 2))
        } else if rest.starts_with("<%") {
            rest.find("%>").map(|e| ("Snowman code", e + 2))
        } else if rest.starts_with('(') && harlowe_macro_name(rest).is_some() {
            balanced(rest, '(', ')').map(|e| ("Harlowe macro", e))
        } else if rest.starts_with('$')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            Some(("variable", variable_len(rest)))
        } else {
            None
        };
        if let Some((what, len)) = code {
            flush(&mut prose, out);
            let raw = rest[..len].to_owned();
            // A Harlowe macro's hook: its text is shown (or not) by the
            // macro; kept, and read for links.
            let hook =
                (what == "Harlowe macro" && rest[len..].starts_with('[') && !rest[len..].starts_with("[["))
                    .then(|| balanced(&rest[len..], '[', ']'))
                    .flatten();
            let container = what == "SugarCube macro" && is_container(&raw);
            out.push(Piece::Dropped(Dropped {
                what,
                raw,
                at: base + i,
                kept_text: hook.is_some() || container,
            }));
            i += len;
            if let Some(hook_len) = hook {
                let inner = &text[i + 1..i + hook_len - 1];
                pieces_into(inner, base + i + 1, out);
                i += hook_len;
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        prose.push(c);
        i += c.len_utf8();
    }
    flush(&mut prose, out);
}

/// `(name:` at the start of `s`: Harlowe's macro call.
fn harlowe_macro_name(s: &str) -> Option<&str> {
    let name_len = s[1..]
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .map(|(i, _)| i)?;
    let name = &s[1..1 + name_len];
    (name.starts_with(|c: char| c.is_ascii_alphabetic()) && s[1 + name_len..].starts_with(':'))
        .then_some(name)
}

/// The length of the bracketed run at the start of `s` (from `open` to
/// its matching `close`, quoted strings skipped), or `None` if it never
/// closes.
fn balanced(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' && open == '(' {
            quote = Some(c);
        } else if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i + c.len_utf8());
            }
        }
    }
    None
}

/// `$name`, `$name.field`, `$list[0]`-free: the variable at the start.
fn variable_len(s: &str) -> usize {
    let mut len = 1;
    let mut chars = s[1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            len = i + 2;
        } else if c == '.' && chars.peek().is_some_and(|(_, n)| n.is_ascii_alphabetic()) {
            continue;
        } else {
            break;
        }
    }
    len
}

/// SugarCube macros that show or hide the text between them and their
/// closing tag.
fn is_container(raw: &str) -> bool {
    let name: String = raw[2..]
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    matches!(
        name.as_str(),
        "if" | "elseif"
            | "else"
            | "switch"
            | "case"
            | "default"
            | "for"
            | "link"
            | "linkreplace"
            | "button"
            | "nobr"
            | "silently"
            | "replace"
            | "append"
            | "prepend"
    )
}

/// Passages story formats run rather than show.
fn special(passage: &Passage) -> Option<&'static str> {
    const SUGARCUBE: [&str; 14] = [
        "StoryInit",
        "StoryCaption",
        "StoryMenu",
        "StoryBanner",
        "StorySubtitle",
        "StoryAuthor",
        "StoryInterface",
        "StoryShare",
        "StoryDisplayTitle",
        "PassageReady",
        "PassageDone",
        "PassageHeader",
        "PassageFooter",
        "StoryTitle",
    ];
    const TAGS: [&str; 9] = [
        "script",
        "stylesheet",
        "widget",
        "header",
        "footer",
        "startup",
        "debug-startup",
        "debug-header",
        "debug-footer",
    ];
    if SUGARCUBE.contains(&passage.name.as_str()) {
        return Some("a SugarCube special passage");
    }
    passage.tags.iter().find(|t| TAGS.contains(&t.as_str())).map(
        |_| "a passage a story format runs (tagged script, stylesheet, widget, header, footer or startup)",
    )
}

/// The ending kind a tag names, if any: `escalated`, `caller-hung-up`.
fn ending_kind(tag: &str) -> Option<&'static str> {
    let t: String = tag
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    callsim_core::scenario::EndingKind::ALL
        .iter()
        .map(|k| k.name())
        .find(|k| k.to_ascii_lowercase() == t)
}

/// An external link (`https://…`) leads out of the story.
fn is_external(target: &str) -> bool {
    let Some((scheme, rest)) = target.split_once("://") else {
        return false;
    };
    !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) && !rest.is_empty()
}

fn build(file: &str, story: Story, options: &Options) -> Result<Draft, ImportError> {
    let Story {
        title,
        start,
        format,
        tags: story_tags,
        passages,
        source,
        mut warnings,
    } = story;
    // Duplicate names: Twine never saves them, a hand-written Twee can.
    let mut names = BTreeSet::new();
    for p in &passages {
        if !names.insert(p.name.as_str()) {
            return Err(ImportError::at(
                file,
                None,
                &source,
                p.at..p.at + 2,
                format!("a second passage named \"{}\"", p.name),
                "passage names must be unique: rename one of them (and the links to it)",
            ));
        }
    }
    let place = |p: &Passage, at: usize| format!("passage \"{}\" (line {})", p.name, p.line_of(&source, at));
    let mut story_passages: Vec<&Passage> = Vec::new();
    for p in &passages {
        match special(p) {
            Some(what) => warnings.push(Warning::new(
                place(p, 0),
                format!("{what}: not imported; its code is not run"),
            )),
            None => story_passages.push(p),
        }
    }
    if story_passages.is_empty() {
        return Err(ImportError::new(
            file,
            "",
            "the story is empty: it has no passages to import",
            "write the story in Twine first, then export it as Twee or publish it to a file",
        ));
    }
    let by_name = |name: &str| story_passages.iter().position(|p| p.name == name);
    let start_index = match start.as_deref() {
        Some(name) => by_name(name).ok_or_else(|| {
            ImportError::new(
                file,
                "",
                format!("the story starts at a passage named \"{name}\", which it does not have"),
                "set the start passage in Twine (or `start` in StoryData) to a passage of the story",
            )
        })?,
        None => {
            return Err(ImportError::new(
                file,
                "",
                "the story does not say where it starts: no `start` in StoryData and no passage named \"Start\"",
                "add \"start\": \"Name of the first passage\" to the StoryData passage, or name the first passage Start",
            ));
        }
    };

    // Every passage's pieces, links checked against the story.
    let all: Vec<Vec<Piece>> = story_passages.iter().map(|p| pieces(&p.text)).collect();
    for (p, pieces) in story_passages.iter().zip(&all) {
        for piece in pieces {
            let Piece::Link(link) = piece else { continue };
            if link.target.is_empty() || is_external(&link.target) || by_name(&link.target).is_some() {
                continue;
            }
            let span = p.file_offset(link.at)..p.file_offset(link.at + link.len);
            let raw = &source[span.clone()];
            let help = match did_you_mean(&link.target, story_passages.iter().map(|p| p.name.as_str())) {
                Some(name) => format!(
                    "did you mean \"{name}\"? Correct the link, or add a passage named \"{}\"",
                    link.target
                ),
                None => format!("add a passage named \"{}\", or correct the link", link.target),
            };
            return Err(ImportError::at(
                file,
                None,
                &source,
                span,
                format!(
                    "in passage \"{}\", the link `{}` leads to a passage named \"{}\", which the story does not have",
                    p.name, raw, link.target
                ),
                help,
            ));
        }
    }

    // The passages reachable from the start, in story order.
    let mut reachable = vec![false; story_passages.len()];
    let mut queue = vec![start_index];
    reachable[start_index] = true;
    while let Some(i) = queue.pop() {
        for piece in &all[i] {
            if let Piece::Link(link) = piece
                && let Some(j) = by_name(&link.target)
                && !reachable[j]
            {
                reachable[j] = true;
                queue.push(j);
            }
        }
    }

    let mut ids = Ids::reserving(&RESERVED_TARGET_IDS);
    let target_ids: Vec<Option<String>> = story_passages
        .iter()
        .zip(&reachable)
        .map(|(p, &r)| r.then(|| ids.make(&p.name, "passage")))
        .collect();
    let mut nodes = Vec::new();
    let mut endings = Vec::new();
    let mut tags: Vec<String> = vec!["imported".to_owned(), "twine".to_owned()];
    let add_tag = |tags: &mut Vec<String>, t: &str| {
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    };
    for t in &story_tags {
        add_tag(&mut tags, t);
    }
    for (i, p) in story_passages.iter().enumerate() {
        let Some(id) = &target_ids[i] else {
            warnings.push(Warning::new(
                place(p, 0),
                "no link leads here from the start passage: not imported",
            ));
            continue;
        };
        let here = place(p, 0);
        let mut lines: Vec<Vec<(bool, String)>> = vec![Vec::new()];
        let mut links: Vec<&Link> = Vec::new();
        for piece in &all[i] {
            match piece {
                Piece::Text(text) => {
                    for (n, part) in text.split('\n').enumerate() {
                        if n > 0 {
                            lines.push(Vec::new());
                        }
                        if let Some(line) = lines.last_mut() {
                            line.push((false, part.to_owned()));
                        }
                    }
                }
                Piece::Link(link) => {
                    let at = place(p, link.at);
                    if let Some(setter) = &link.setter {
                        warnings.push(Warning::new(
                            at.clone(),
                            format!("the link's setter `{}` is not run: dropped", excerpt(setter, 40)),
                        ));
                    }
                    if link.target.is_empty() {
                        warnings.push(Warning::new(at, "a link with no passage to go to: dropped"));
                    } else if is_external(&link.target) {
                        warnings.push(Warning::new(
                            at,
                            format!("the link to {} leads out of the story: dropped", link.target),
                        ));
                    } else if links
                        .iter()
                        .any(|l| l.target == link.target && l.text == link.text)
                    {
                        warnings.push(Warning::new(
                            at,
                            format!(
                                "the link \"{}\" is here twice: imported once",
                                excerpt(&link.text, 40)
                            ),
                        ));
                    } else {
                        links.push(link);
                    }
                    if let Some(line) = lines.last_mut() {
                        line.push((true, link.text.clone()));
                    }
                }
                Piece::Dropped(d) => {
                    let what = if d.kept_text {
                        format!(
                            "{} `{}` is not run: dropped; the text it would show or hide is kept as if it always showed",
                            d.what,
                            excerpt(&d.raw, 50)
                        )
                    } else if d.what == "variable" {
                        format!("the variable `{}` is not printed: dropped", d.raw)
                    } else {
                        format!("{} `{}` is not run: dropped", d.what, excerpt(&d.raw, 50))
                    };
                    warnings.push(Warning::new(place(p, d.at), what));
                }
            }
        }
        // A line of links alone (a menu of choices) is not something the
        // caller says; a link inside a sentence reads as its text.
        let mut prose: Vec<String> = Vec::new();
        for line in lines {
            let has_link = line.iter().any(|(link, _)| *link);
            let words = line
                .iter()
                .any(|(link, text)| !link && text.chars().any(char::is_alphanumeric));
            if has_link && !words {
                continue;
            }
            let text: String = line.into_iter().map(|(_, t)| t).collect();
            if has_link {
                warnings.push(Warning::new(
                    here.clone(),
                    format!(
                        "a link sits inside the sentence \"{}\": the sentence is kept in the caller's line with the link's text; check that it reads as the caller",
                        excerpt(text.trim(), 50)
                    ),
                ));
            }
            prose.push(text);
        }
        let says = html_to_text(&prose.join("\n"), Newlines::Kept);
        let mut kind = None;
        for t in &p.tags {
            match ending_kind(t) {
                Some(k) if links.is_empty() => kind = Some(k),
                _ => add_tag(&mut tags, t),
            }
        }
        let tag_note = if p.tags.is_empty() {
            String::new()
        } else {
            format!(" [tags: {}]", p.tags.join(" "))
        };
        let origin = format!("{here}{tag_note}");
        if links.is_empty() {
            let debrief = if says.is_empty() {
                warnings.push(Warning::new(
                    here.clone(),
                    "the ending passage has no text: the debrief repeats its name; write what the debrief should say",
                ));
                p.name.clone()
            } else {
                says
            };
            endings.push(DraftEnding {
                id: id.clone(),
                kind: kind.unwrap_or("Resolved"),
                kind_given: kind.is_some(),
                origin,
                title: p.name.clone(),
                debrief,
                says: None,
            });
        } else {
            if says.is_empty() {
                warnings.push(Warning::new(
                    here.clone(),
                    "the passage has no text besides its links, so the caller's line is empty: write it",
                ));
            }
            let mut reply_ids = Ids::reserving(&RESERVED_REPLY_IDS);
            let replies = links
                .iter()
                .map(|link| DraftReply {
                    id: reply_ids.make(&link.text, "reply"),
                    text: html_to_text(&link.text, Newlines::AreSpaces),
                    next: by_name(&link.target)
                        .and_then(|j| target_ids[j].clone())
                        .unwrap_or_default(),
                    note: None,
                    score: None,
                })
                .collect();
            nodes.push(DraftNode {
                id: id.clone(),
                origin,
                says,
                replies,
            });
        }
    }
    let start_id = target_ids[start_index].clone().unwrap_or_default();
    if endings.is_empty() {
        warnings.push(Warning::new(
            "",
            "every passage has links, so the story has no ending: the call can never end; add an ending passage (one without links)",
        ));
    }
    let title = if title.trim().is_empty() {
        Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_else(|| "Imported story".to_owned())
    } else {
        title.trim().to_owned()
    };
    let id = match slug(&title, '-', 6) {
        s if s.is_empty() => "imported-story".to_owned(),
        s => s,
    };
    let made_from = if format.is_empty() {
        "a Twine 2 story".to_owned()
    } else {
        format!("a Twine 2 story in {format}")
    };
    let mut draft = Draft {
        made_from,
        command: "callsim import twine".to_owned(),
        file: file.to_owned(),
        id,
        summary: format!("{title} (imported from Twine)."),
        title,
        tags,
        language: options.lang.clone().unwrap_or_else(|| "en".to_owned()),
        start: start_id,
        nodes,
        endings,
        scoring: Some("Twine stories have no scores, so no reply has points yet.".to_owned()),
        warnings,
    };
    crate::warn_loops(&mut draft);
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(inner: &str) -> (String, String) {
        let (text, target, _) = parse_link(inner);
        (text, target)
    }

    #[test]
    fn the_four_link_forms() {
        assert_eq!(link("Apologise->Sorry"), ("Apologise".into(), "Sorry".into()));
        assert_eq!(link("Sorry<-Apologise"), ("Apologise".into(), "Sorry".into()));
        assert_eq!(link("Apologise|Sorry"), ("Apologise".into(), "Sorry".into()));
        assert_eq!(link("Sorry"), ("Sorry".into(), "Sorry".into()));
    }

    #[test]
    fn the_rightmost_arrow_and_the_leftmost_back_arrow_divide() {
        assert_eq!(link("a->b->c"), ("a->b".into(), "c".into()));
        assert_eq!(link("a<-b<-c"), ("b<-c".into(), "a".into()));
        assert_eq!(link(" Say it -> Target "), ("Say it".into(), "Target".into()));
        // An arrow wins over a pipe.
        assert_eq!(link("a|b->c"), ("a|b".into(), "c".into()));
    }

    #[test]
    fn a_setter_is_kept_apart() {
        assert_eq!(
            parse_link("Refund|Refund now][$refunded to true"),
            (
                "Refund".into(),
                "Refund now".into(),
                Some("$refunded to true".into())
            )
        );
    }

    #[test]
    fn links_macros_and_variables_are_told_apart_from_prose() {
        let text = "Hello $name! (set: $mood to \"a (b)\")Go [[on->Next]].\n<<if $x>>Shout<</if>> <%= s.y %>";
        let got = pieces(text);
        let kinds: Vec<String> = got
            .iter()
            .map(|p| match p {
                Piece::Text(t) => format!("T:{t}"),
                Piece::Link(l) => format!("L:{}>{}@{}", l.text, l.target, l.at),
                Piece::Dropped(d) => format!("D:{}:{}", d.what, d.raw),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "T:Hello ",
                "D:variable:$name",
                "T:! ",
                "D:Harlowe macro:(set: $mood to \"a (b)\")",
                "T:Go ",
                "L:on>Next@39",
                "T:.\n",
                "D:SugarCube macro:<<if $x>>",
                "T:Shout",
                "D:SugarCube macro:<</if>>",
                "T: ",
                "D:Snowman code:<%= s.y %>",
            ]
        );
        assert_eq!(&text[39..39 + 12], "[[on->Next]]");
    }

    #[test]
    fn a_harlowe_hook_keeps_its_text_and_its_links() {
        let got = pieces("(if: $angry)[He shouts. [[Calm him->Calm]]] Then.");
        assert!(matches!(&got[0], Piece::Dropped(d) if d.kept_text && d.raw == "(if: $angry)"));
        assert_eq!(got[1], Piece::Text("He shouts. ".into()));
        assert!(matches!(&got[2], Piece::Link(l) if l.target == "Calm" && l.at == 24));
        assert_eq!(got[3], Piece::Text(" Then.".into()));
    }

    #[test]
    fn brackets_and_parentheses_that_are_not_code_stay_prose() {
        let got = pieces("(sighs) I paid $ 5 [twice] and [[no end");
        assert_eq!(
            got,
            vec![Piece::Text("(sighs) I paid $ 5 [twice] and [[no end".into())]
        );
    }

    #[test]
    fn twee_headers_have_names_tags_and_metadata() {
        assert_eq!(
            parse_header(" Angry caller [angry billing] {\"position\":\"100,200\"}"),
            ("Angry caller".into(), vec!["angry".into(), "billing".into()])
        );
        assert_eq!(
            parse_header(" A \\[weird\\] name"),
            ("A [weird] name".into(), vec![])
        );
    }

    #[test]
    fn start_tags_give_their_attributes_decoded() {
        let tag = "<tw-passagedata pid=\"1\" name=\"Tom &amp; Jerry\" tags='' hidden>x";
        let (attrs, len) = start_tag(tag).expect("closed");
        assert_eq!(&tag[len..], "x");
        assert_eq!(attrs[1], ("name".into(), "Tom & Jerry".into()));
        assert_eq!(attrs[3], ("hidden".into(), String::new()));
        assert!(start_tag("<tw-passagedata name=\"x").is_none());
    }

    #[test]
    fn tags_may_name_an_ending_kind() {
        assert_eq!(ending_kind("escalated"), Some("Escalated"));
        assert_eq!(ending_kind("Caller-Hung-Up"), Some("CallerHungUp"));
        assert_eq!(ending_kind("billing"), None);
    }
}
