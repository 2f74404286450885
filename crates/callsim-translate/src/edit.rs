//! Writing translations into a RON file in place: only the bytes of the
//! texts that change are touched, found through the span map
//! (`callsim_core::scenario::spans`), so the author's comments, order and
//! layout stay as they were everywhere else.

use std::ops::Range;

use callsim_core::scenario::spans::{Path, Spanned, Value};
use unicode_width::UnicodeWidthStr;

/// Past this many columns a text written as a language map is laid out one
/// language a line, as the shipped scenarios are.
const INLINE_WIDTH: usize = 100;

/// Edits to one RON source, applied together.
pub struct Editor<'a> {
    src: &'a str,
    tree: Spanned,
    edits: Vec<(Range<usize>, String)>,
    newline: &'static str,
    indent_unit: String,
}

/// A place the editor cannot write to: the file does not look as the
/// loaded scenario says it should (a bug, reported rather than guessed at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub path: String,
    pub message: String,
}

impl<'a> Editor<'a> {
    pub fn new(src: &'a str) -> Editor<'a> {
        Editor {
            src,
            tree: Spanned::read(src),
            edits: Vec::new(),
            newline: if src.contains("\r\n") { "\r\n" } else { "\n" },
            indent_unit: indent_unit(src),
        }
    }

    /// Sets the text at `path` in `lang` to `value`. A plain string (in
    /// `default_lang`) becomes a language map keeping the original string
    /// as written; a map gains the language, or has its value replaced.
    /// `inline` keeps a new map on one line whatever its length (examples
    /// in a list are written so).
    pub fn set_text(
        &mut self,
        path: &Path,
        default_lang: &str,
        lang: &str,
        value: &str,
        inline: bool,
    ) -> Result<(), EditError> {
        let at = self.tree.at(path).ok_or_else(|| EditError {
            path: path.to_string(),
            message: "the text is not where the scenario says it is".to_owned(),
        })?;
        let quoted = quote(value);
        match &at.value {
            Value::Str(_) => {
                let original = &self.src[at.span.clone()];
                let entries = [(quote(default_lang), original.to_owned()), (quote(lang), quoted)];
                let text = self.new_map(at.span.clone(), &entries, inline);
                self.edits.push((at.span.clone(), text));
            }
            Value::Map(entries) => {
                let existing = entries
                    .iter()
                    .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == lang));
                match (existing, entries.first(), entries.last()) {
                    (Some((_, v)), _, _) => self.edits.push((v.span.clone(), quoted)),
                    (None, Some((first_key, _)), Some((last_key, last))) => {
                        let multiline = self.line_of(at.span.start) != self.line_of(first_key.span.start);
                        let item = format!("{}: {quoted}", quote(lang));
                        self.append(last.span.end, last_key.span.start, multiline, &item);
                    }
                    _ => {
                        let text = format!("{{{}: {quoted}}}", quote(lang));
                        self.edits.push((at.span.clone(), text));
                    }
                }
            }
            _ => {
                return Err(EditError {
                    path: path.to_string(),
                    message: "this is not a string or a language map".to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Adds `lang` to the scenario's `languages`, writing the field (after
    /// `default_lang`) when it was left out.
    pub fn add_language(&mut self, default_lang: &str, lang: &str) -> Result<(), EditError> {
        let languages = Path::root().field("languages");
        let item = quote(lang);
        match self.tree.at(&languages).map(|v| (&v.value, v.span.clone())) {
            Some((Value::List(items), span)) => match (items.first(), items.last()) {
                (Some(first), Some(last)) => {
                    let multiline = self.line_of(span.start) != self.line_of(first.span.start);
                    let (end, start) = (last.span.end, last.span.start);
                    self.append(end, start, multiline, &item);
                }
                _ => self.edits.push((span, format!("[{item}]"))),
            },
            Some(_) => {
                return Err(EditError {
                    path: "languages".to_owned(),
                    message: "`languages` is not a list".to_owned(),
                });
            }
            None => {
                let Value::Struct(fields) = &self.tree.value else {
                    return Err(EditError {
                        path: "languages".to_owned(),
                        message: "the file is not a `Scenario(…)`".to_owned(),
                    });
                };
                let field = format!("languages: [{}, {item}],", quote(default_lang));
                // Before `default_language` or the persona, on a line of its own.
                let anchor = ["default_language", "policy", "persona", "start", "nodes"]
                    .iter()
                    .find_map(|name| fields.iter().find(|(n, _, _)| n == name))
                    .or(fields.last());
                let Some((_, name_span, _)) = anchor else {
                    return Err(EditError {
                        path: "languages".to_owned(),
                        message: "the scenario has no fields".to_owned(),
                    });
                };
                let line_start = self.line_start(name_span.start);
                let indent = &self.src[line_start..name_span.start];
                if indent.trim().is_empty() {
                    let text = format!("{indent}{field}{}", self.newline);
                    self.edits.push((line_start..line_start, text));
                } else {
                    self.edits
                        .push((name_span.start..name_span.start, format!("{field} ")));
                }
            }
        }
        Ok(())
    }

    /// Other edits made elsewhere (the translation record).
    pub fn push(&mut self, at: Range<usize>, text: String) {
        self.edits.push((at, text));
    }

    /// The edited source. Edits are applied from the end, so each one's
    /// offsets hold; overlapping edits are a bug and refused.
    pub fn finish(mut self) -> Result<String, EditError> {
        self.edits.sort_by_key(|(r, _)| (r.start, r.end));
        for pair in self.edits.windows(2) {
            if pair[0].0.end > pair[1].0.start {
                return Err(EditError {
                    path: String::new(),
                    message: format!("two edits overlap at bytes {:?} and {:?}", pair[0].0, pair[1].0),
                });
            }
        }
        let mut out = self.src.to_owned();
        for (range, text) in self.edits.into_iter().rev() {
            out.replace_range(range, &text);
        }
        Ok(out)
    }

    /// A new language map for the value at `span`: on one line when short
    /// (or `inline`), else one entry a line, indented one step past the line
    /// the value starts on, closing at that line's indentation.
    fn new_map(&self, span: Range<usize>, entries: &[(String, String)], inline: bool) -> String {
        let one_line = format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let line_start = self.line_start(span.start);
        let line_end = self.line_end(span.end);
        // What follows on the line, its comment left out: only closing
        // brackets and commas, or more fields (then the map stays inline,
        // rather than open in the middle of a line).
        let rest = &self.src[span.end..line_end];
        let rest = rest.find("//").map_or(rest, |i| &rest[..i]).trim_end();
        let ends_line = rest
            .chars()
            .all(|c| matches!(c, ',' | ')' | ']' | '}' | ' ' | '\t'));
        let width = self.src[line_start..span.start].width() + one_line.width() + rest.width();
        if inline || !ends_line || width <= INLINE_WIDTH {
            return one_line;
        }
        let indent = self.indent_at(span.start);
        let nl = self.newline;
        let inner = format!("{indent}{}", self.indent_unit);
        let mut out = format!("{{{nl}");
        for (k, v) in entries {
            out.push_str(&format!("{inner}{k}: {v},{nl}"));
        }
        out.push_str(&format!("{indent}}}"));
        out
    }

    /// Adds `item` after the last element of a map or list (whose value
    /// ends at `last_end` and starts, key included, at `last_start`): on
    /// its own line, indented as the last one, when the collection is laid
    /// out one element a line; else after it on the same line.
    fn append(&mut self, last_end: usize, last_start: usize, multiline: bool, item: &str) {
        let line_end = self.line_end(last_end);
        let rest = &self.src[last_end..line_end];
        let after_space = rest.trim_start();
        let (comma, after_comma) = match after_space.strip_prefix(',') {
            Some(after) => (true, after.trim_start()),
            None => (false, after_space),
        };
        let only_comment = after_comma.is_empty() || after_comma.starts_with("//");
        if multiline && only_comment {
            let indent = self.indent_at(last_start);
            let line_start = self.line_start(last_start);
            // The last element is not first on its line: indent one step in.
            let indent = if self.src[line_start..last_start].trim().is_empty() {
                indent
            } else {
                format!("{indent}{}", self.indent_unit)
            };
            if !comma {
                self.edits.push((last_end..last_end, ",".to_owned()));
            }
            let trailing = if comma { "," } else { "" };
            let text = format!("{}{indent}{item}{trailing}", self.newline);
            // At the end of the line, before its break, after any comment.
            let at = line_end - usize::from(self.src[..line_end].ends_with('\r'));
            self.edits.push((at..at, text));
        } else {
            self.edits.push((last_end..last_end, format!(", {item}")));
        }
    }

    fn line_start(&self, offset: usize) -> usize {
        self.src[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The end of the line holding `offset`, before its `\n`.
    fn line_end(&self, offset: usize) -> usize {
        self.src[offset..]
            .find('\n')
            .map_or(self.src.len(), |i| offset + i)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset].matches('\n').count()
    }

    /// The leading spaces and tabs of the line holding `offset`.
    fn indent_at(&self, offset: usize) -> String {
        let start = self.line_start(offset);
        self.src[start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    }
}

/// The file's indentation step: a tab if its lines are indented with tabs,
/// else the smallest indentation of a line of code (four spaces if none).
fn indent_unit(src: &str) -> String {
    let mut smallest: Option<usize> = None;
    for line in src.lines() {
        let code = line.trim_start();
        if code.is_empty() || code.starts_with("//") || code.starts_with('*') {
            continue;
        }
        if line.starts_with('\t') {
            return "\t".to_owned();
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n > 0 {
            smallest = Some(smallest.map_or(n, |s| s.min(n)));
        }
    }
    " ".repeat(smallest.unwrap_or(4))
}

/// `text` as a RON string literal: the core's, the one way scenario files
/// are written.
pub use callsim_core::scenario::spans::quote;

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &[&str]) -> Path {
        s.iter().fold(Path::root(), |p, seg| match seg.parse::<usize>() {
            Ok(i) => p.index(i),
            Err(_) => p.field(seg),
        })
    }

    fn set(src: &str, at: &[&str], lang: &str, value: &str, inline: bool) -> String {
        let mut editor = Editor::new(src);
        editor
            .set_text(&path(at), "en", lang, value, inline)
            .expect("the text is there");
        editor.finish().expect("no overlap")
    }

    #[test]
    fn quoted_strings_read_back_as_written() {
        for text in [
            "plain",
            "a \"quoted\" word",
            "back\\slash",
            "two\nlines",
            "tab\there",
            "bell\u{7}",
            "Привет, 你好, ¡Hola!",
            "r#\"raw-looking\"#",
            "emoji 🙂 and \u{200b} zero width",
        ] {
            let back: String = ron::from_str(&quote(text)).expect("a valid RON string");
            assert_eq!(back, text);
        }
    }

    #[test]
    fn a_short_plain_string_becomes_an_inline_map() {
        let src = "S(\n    title: \"Hello\", // the title\n)\n";
        assert_eq!(
            set(src, &["title"], "es", "Hola", false),
            "S(\n    title: {\"en\": \"Hello\", \"es\": \"Hola\"}, // the title\n)\n"
        );
    }

    #[test]
    fn a_long_plain_string_becomes_a_map_one_language_a_line() {
        let long = "A".repeat(90);
        let src = format!("S(\n    says: [\n        (text: \"{long}\"),\n    ],\n)\n");
        let out = set(&src, &["says", "0", "text"], "es", "B", false);
        assert_eq!(
            out,
            format!(
                "S(\n    says: [\n        (text: {{\n            \"en\": \"{long}\",\n            \"es\": \"B\",\n        }}),\n    ],\n)\n"
            )
        );
    }

    #[test]
    fn a_text_with_more_fields_after_it_on_its_line_stays_on_one_line() {
        let long = "A".repeat(90);
        let src = format!("S(\n    m: [(id: \"anger\", label: \"{long}\", start: 5), // why\n    ],\n)\n");
        let out = set(&src, &["m", "0", "label"], "es", "B", false);
        assert_eq!(
            out,
            format!(
                "S(\n    m: [(id: \"anger\", label: {{\"en\": \"{long}\", \"es\": \"B\"}}, start: 5), // why\n    ],\n)\n"
            )
        );
    }

    #[test]
    fn a_multiline_map_gains_a_line_with_its_comment_left_in_place() {
        let src =
            "S(\n    text: {\n        \"en\": \"Hi\", // keep me\n        \"zh\": \"你好\"\n    },\n)\n";
        let out = set(src, &["text"], "es", "Hola", false);
        assert_eq!(
            out,
            "S(\n    text: {\n        \"en\": \"Hi\", // keep me\n        \"zh\": \"你好\",\n        \"es\": \"Hola\"\n    },\n)\n"
        );
        let with_comma =
            "S(\n    text: {\n        \"en\": \"Hi\",\n        \"zh\": \"你好\", // last\n    },\n)\n";
        assert_eq!(
            set(with_comma, &["text"], "es", "Hola", false),
            "S(\n    text: {\n        \"en\": \"Hi\",\n        \"zh\": \"你好\", // last\n        \"es\": \"Hola\",\n    },\n)\n"
        );
    }

    #[test]
    fn an_inline_map_gains_an_entry_and_an_existing_translation_is_replaced() {
        let src = "S(examples: [{\"en\": \"Hi\"}, \"Yo\"], t: {\"en\": \"A\", \"es\": \"Viejo\"})";
        let out = set(src, &["examples", "0"], "es", "Hola", true);
        assert_eq!(
            out,
            "S(examples: [{\"en\": \"Hi\", \"es\": \"Hola\"}, \"Yo\"], t: {\"en\": \"A\", \"es\": \"Viejo\"})"
        );
        let out = set(src, &["t"], "es", "Nuevo", false);
        assert!(out.ends_with("t: {\"en\": \"A\", \"es\": \"Nuevo\"})"), "{out}");
        let out = set(src, &["examples", "1"], "es", "Oye", true);
        assert!(
            out.contains("[{\"en\": \"Hi\"}, {\"en\": \"Yo\", \"es\": \"Oye\"}]"),
            "{out}"
        );
    }

    #[test]
    fn raw_and_escaped_originals_are_kept_byte_for_byte() {
        let src = "S(a: r#\"say \"hi\"\"#, b: \"tab\\there\")";
        let out = set(src, &["a"], "es", "di \"hola\"", false);
        assert_eq!(
            out,
            "S(a: {\"en\": r#\"say \"hi\"\"#, \"es\": \"di \\\"hola\\\"\"}, b: \"tab\\there\")"
        );
        let out = set(src, &["b"], "es", "tabulador", false);
        assert!(
            out.contains("b: {\"en\": \"tab\\there\", \"es\": \"tabulador\"}"),
            "{out}"
        );
    }

    #[test]
    fn languages_are_added_to_the_list_or_the_field_written() {
        let mut editor = Editor::new("Scenario(\n    id: \"x\",\n    languages: [\"en\"],\n)\n");
        editor.add_language("en", "es").expect("a list");
        assert_eq!(
            editor.finish().expect("ok"),
            "Scenario(\n    id: \"x\",\n    languages: [\"en\", \"es\"],\n)\n"
        );
        let mut editor = Editor::new("Scenario(\n    id: \"x\",\n    default_language: \"en\",\n)\n");
        editor.add_language("en", "es").expect("a struct");
        assert_eq!(
            editor.finish().expect("ok"),
            "Scenario(\n    id: \"x\",\n    languages: [\"en\", \"es\"],\n    default_language: \"en\",\n)\n"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines_and_tab_files_tabs() {
        let long = "A".repeat(100);
        let src = format!("S(\r\n\ttext: \"{long}\",\r\n)\r\n");
        let out = set(&src, &["text"], "es", "B", false);
        assert_eq!(
            out,
            format!("S(\r\n\ttext: {{\r\n\t\t\"en\": \"{long}\",\r\n\t\t\"es\": \"B\",\r\n\t}},\r\n)\r\n")
        );
    }
}
