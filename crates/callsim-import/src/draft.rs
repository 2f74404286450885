//! A scenario as an import makes it, and its RON file: a starting point in
//! the scenario format (docs/scenario-format.md) with what the trainer must
//! still decide left for `callsim check` to point at.

use std::fmt::Write as _;

use crate::report::Warning;

/// The kind every imported reply gets until the trainer gives it a real
/// one; exempt from the repetition rule so that replies that merely share
/// it are not scored as repeats.
pub const IMPORTED_KIND: &str = "imported";

/// The most points per sub-skill the format allows (docs/scenario-format.md,
/// "Sane numbers").
pub const MAX_POINTS: i32 = 1000;

/// A scenario made from another tool's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// What it came from, for the header: `an H5P Branching Scenario`.
    pub made_from: String,
    /// The command that made it, for the header: `callsim import h5p`.
    pub command: String,
    /// The source file as the trainer named it.
    pub file: String,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub language: String,
    pub start: String,
    pub nodes: Vec<DraftNode>,
    pub endings: Vec<DraftEnding>,
    /// How the source's scores became points, when it had any: said in
    /// the header.
    pub scoring: Option<String>,
    /// What was dropped or approximated, and where.
    pub warnings: Vec<Warning>,
}

/// A point of the call: a caller's line and the replies to it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftNode {
    pub id: String,
    /// Where in the source it came from, as a comment above it.
    pub origin: String,
    pub says: String,
    pub replies: Vec<DraftReply>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftReply {
    pub id: String,
    pub text: String,
    pub next: String,
    /// Coaching, from the source's feedback.
    pub note: Option<String>,
    /// The source's score for choosing this reply, given to each of the
    /// four sub-skills.
    pub score: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftEnding {
    pub id: String,
    /// One of the format's ending kinds, e.g. `Resolved`.
    pub kind: &'static str,
    /// Whether `kind` came from the source (a tag) rather than a default.
    pub kind_given: bool,
    pub origin: String,
    pub title: String,
    pub debrief: String,
    /// The caller's last words.
    pub says: Option<String>,
}

impl Draft {
    /// The scenario as a RON file, with a header saying where it came from
    /// and what is left to do.
    pub fn to_ron(&self) -> String {
        let mut out = String::new();
        self.header(&mut out);
        out.push_str("Scenario(\n");
        field(&mut out, 1, "id", &quote(&self.id), None);
        field(&mut out, 1, "title", &quote(&self.title), None);
        field(
            &mut out,
            1,
            "summary",
            &quote(&self.summary),
            Some("for the picker: who calls, what they want, what to practise"),
        );
        field(
            &mut out,
            1,
            "difficulty",
            "Medium",
            Some("decide: Easy, Medium or Hard"),
        );
        let tags: Vec<String> = self.tags.iter().map(|t| quote(t)).collect();
        field(&mut out, 1, "tags", &format!("[{}]", tags.join(", ")), None);
        let source = std::path::Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned());
        field(&mut out, 1, "source", &quote(&source), None);
        field(
            &mut out,
            1,
            "languages",
            &format!("[{}]", quote(&self.language)),
            None,
        );
        field(&mut out, 1, "default_language", &quote(&self.language), None);
        field(
            &mut out,
            1,
            "rules",
            &format!("(repetition: (exempt: [{}]))", quote(IMPORTED_KIND)),
            Some("until the replies have kinds of their own; then remove this line"),
        );
        out.push_str("\n    persona: (\n");
        field(&mut out, 2, "name", "\"\"", Some("who calls? e.g. \"Mrs. Chen\""));
        field(
            &mut out,
            2,
            "description",
            "\"\"",
            Some("one line: who they are, how they feel when they dial"),
        );
        field(
            &mut out,
            2,
            "meters",
            "[]",
            Some("the caller's mood: (id: \"anger\", start: 50), (id: \"trust\", start: 50), and your own"),
        );
        out.push_str("    ),\n\n");
        field(&mut out, 1, "start", &quote(&self.start), None);
        out.push_str("\n    nodes: [\n");
        for node in &self.nodes {
            node.write(&mut out);
        }
        out.push_str("    ],\n\n    endings: [\n");
        for ending in &self.endings {
            ending.write(&mut out);
        }
        out.push_str("    ],\n)\n");
        out
    }

    fn header(&self, out: &mut String) {
        let mut line = |text: &str| {
            if text.is_empty() {
                out.push_str("//\n");
            } else {
                let _ = writeln!(out, "// {text}");
            }
        };
        line(&format!(
            "{} — imported by `{}` from {} ({}).",
            one_line(&self.title),
            self.command,
            self.file,
            self.made_from
        ));
        line("");
        line("This is a starting point, not yet a scenario a trainee can play:");
        line("`callsim check` on this file lists what only you can decide.");
        line("1. The caller: `persona` has no name, description or mood meters yet");
        line("   (anger and trust at least; docs/scenario-format.md, \"The persona\").");
        line("2. Points and coaching: a reply with neither is an error; give each reply");
        line("   points for the four sub-skills and a `note` saying why.");
        if let Some(scoring) = &self.scoring {
            for text in wrap(scoring, 74) {
                line(&format!("   {text}"));
            }
        }
        line("3. Then: each ending's `kind` (Resolved unless the source said), the");
        line("   `difficulty`, the `summary`, reply `kind`s (all \"imported\" now),");
        line("   effects on the meters, and `done: true` where the caller has finished.");
        if !self.warnings.is_empty() {
            line("");
            line("What the import dropped or approximated:");
            for w in &self.warnings {
                let mut first = true;
                for text in wrap(&w.to_string(), 72) {
                    line(&format!("{} {text}", if first { "-" } else { " " }));
                    first = false;
                }
            }
        }
        out.push('\n');
    }
}

impl DraftNode {
    fn write(&self, out: &mut String) {
        comment(out, 2, &self.origin);
        out.push_str("        (\n");
        field(out, 3, "id", &quote(&self.id), None);
        field(out, 3, "says", &format!("[(text: {})]", quote(&self.says)), None);
        out.push_str("            replies: [\n");
        for reply in &self.replies {
            reply.write(out);
        }
        out.push_str("            ],\n        ),\n");
    }
}

impl DraftReply {
    fn write(&self, out: &mut String) {
        out.push_str("                (\n");
        let unscored = self.score.is_none_or(|s| s == 0);
        let id_note = match (unscored, &self.note) {
            (true, None) => Some("no points and no note yet: decide both"),
            (true, Some(_)) => Some("no points yet"),
            _ => None,
        };
        field(out, 5, "id", &quote(&self.id), id_note);
        field(out, 5, "text", &quote(&self.text), None);
        field(out, 5, "kind", &quote(IMPORTED_KIND), None);
        if let Some(score) = self.score.filter(|s| *s != 0) {
            let points = format!(
                "(understanding: {score}, acknowledgement: {score}, emotion: {score}, assistance: {score})"
            );
            let why =
                format!("the source's score {score} on each sub-skill: split it by what the reply shows");
            field(out, 5, "points", &points, Some(&why));
        }
        field(out, 5, "next", &quote(&self.next), None);
        if let Some(note) = &self.note {
            field(out, 5, "note", &quote(note), None);
        }
        out.push_str("                ),\n");
    }
}

impl DraftEnding {
    fn write(&self, out: &mut String) {
        comment(out, 2, &self.origin);
        out.push_str("        (\n");
        field(out, 3, "id", &quote(&self.id), None);
        let why = (!self.kind_given)
            .then_some("decide: Delighted, Resolved, Escalated, Complaint, CallerHungUp or AgentHungUp");
        field(out, 3, "kind", self.kind, why);
        field(out, 3, "title", &quote(&self.title), None);
        field(out, 3, "debrief", &quote(&self.debrief), None);
        if let Some(says) = &self.says {
            field(out, 3, "says", &quote(says), None);
        }
        out.push_str("        ),\n");
    }
}

/// `name: value,` indented `depth` levels, with a trailing comment: a
/// check message about the field quotes its line, comment and all.
fn field(out: &mut String, depth: usize, name: &str, value: &str, comment: Option<&str>) {
    let _ = write!(out, "{}{name}: {value},", "    ".repeat(depth));
    if let Some(comment) = comment {
        let _ = write!(out, " // {comment}");
    }
    out.push('\n');
}

fn comment(out: &mut String, depth: usize, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{}// {line}", "    ".repeat(depth));
    }
}

/// `text` as a RON string (the core's [`spans::quote`]), without the
/// control characters other than line breaks and tabs: they mean nothing
/// in a line of dialogue.
pub fn quote(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    callsim_core::scenario::spans::quote(&kept)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` in lines of at most about `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_for_ron() {
        assert_eq!(
            quote("He said \"no\"\\\nthen\tleft\u{7}"),
            r#""He said \"no\"\\\nthen\tleft""#
        );
        assert_eq!(quote("我要投诉"), "\"我要投诉\"");
    }

    #[test]
    fn long_texts_wrap_at_spaces() {
        assert_eq!(wrap("aa bb cc dd", 5), vec!["aa bb", "cc dd"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
    }
}
