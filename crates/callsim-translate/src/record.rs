//! The translation record: comment lines at the end of a scenario file,
//! written by `callsim translate import`, that keep for each imported
//! translation a fingerprint of itself and of the source text it was made
//! from. `callsim translate status` and `export` compare them with the
//! file to find stale translations: ones whose source text was edited
//! after they were written.
//!
//! ```text
//! // Translation record, kept by `callsim translate import`: a fingerprint of
//! // each imported translation and of the source text it was made from, so
//! // that `callsim translate status` can tell which translations are stale.
//! // translated ru: 3f2a1b0c9d4e 8e1f77a0c3b2 …
//! ```
//!
//! A token is 4 hex digits of the source text's SHA-256 and 8 of the
//! translation's: 16 bits are plenty to notice an edit to the source, and
//! 32 keep a translation written by hand from passing for an imported one
//! whose source changed. Keyed by content rather than by id, the record survives
//! renamed nodes and reordered lines; comments keep it out of the
//! scenario's data, so the loader needs nothing new.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use sha2::{Digest, Sha256};

/// The comment the record starts with, one line each.
const HEADER: [&str; 3] = [
    "// Translation record, kept by `callsim translate import`: a fingerprint of",
    "// each imported translation and of the source text it was made from, so",
    "// that `callsim translate status` can tell which translations are stale.",
];

const PREFIX: &str = "// translated ";

/// The longest a record line gets, in characters.
const WIDTH: usize = 100;

/// Whether a translation still matches its source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Imported from this very source text.
    Current,
    /// Imported from another source text: the source changed since.
    Stale,
    /// Not in the record: written by hand, or edited since it was imported.
    Untracked,
}

/// The record of one file: per language, the (source, translation)
/// fingerprint pairs imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pairs: BTreeMap<String, BTreeSet<Token>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Token {
    source: u16,
    translation: u32,
}

impl Token {
    fn of(source: &str, translation: &str) -> Token {
        Token {
            source: fingerprint_16(source),
            translation: fingerprint_32(translation),
        }
    }

    fn parse(word: &str) -> Option<Token> {
        if word.len() != 12 || !word.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        Some(Token {
            source: u16::from_str_radix(&word[..4], 16).ok()?,
            translation: u32::from_str_radix(&word[4..], 16).ok()?,
        })
    }
}

fn fingerprint_16(text: &str) -> u16 {
    let digest = Sha256::digest(text.as_bytes());
    u16::from_be_bytes([digest[0], digest[1]])
}

fn fingerprint_32(text: &str) -> u32 {
    let digest = Sha256::digest(text.as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

impl Record {
    /// The record in `src`; lines that are not record lines are ignored.
    pub fn read(src: &str) -> Record {
        let mut record = Record::default();
        for range in lines(src) {
            if let Some((lang, tokens)) = parse_line(&src[range]) {
                record.pairs.entry(lang.to_owned()).or_default().extend(tokens);
            }
        }
        record
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.values().all(BTreeSet::is_empty)
    }

    /// How `translation` in `lang` stands against the `source` it is for.
    pub fn freshness(&self, lang: &str, source: &str, translation: &str) -> Freshness {
        let Some(pairs) = self.pairs.get(lang) else {
            return Freshness::Untracked;
        };
        let token = Token::of(source, translation);
        if pairs.contains(&token) {
            Freshness::Current
        } else if pairs.iter().any(|t| t.translation == token.translation) {
            Freshness::Stale
        } else {
            Freshness::Untracked
        }
    }

    /// Notes that `translation` in `lang` was made from `source`.
    pub fn insert(&mut self, lang: &str, source: &str, translation: &str) {
        self.pairs
            .entry(lang.to_owned())
            .or_default()
            .insert(Token::of(source, translation));
    }

    /// Keeps only the pairs whose translation is one of `translations` in
    /// `lang`: a record of translations no longer in the file says nothing.
    pub fn keep<'a>(&mut self, lang: &str, translations: impl IntoIterator<Item = &'a str>) {
        let kept: BTreeSet<u32> = translations.into_iter().map(fingerprint_32).collect();
        if let Some(pairs) = self.pairs.get_mut(lang) {
            pairs.retain(|t| kept.contains(&t.translation));
        }
    }

    /// The languages the record has pairs for.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(l, _)| l.as_str())
    }

    /// The record as comment lines, each ending in `newline`.
    fn render(&self, newline: &str) -> String {
        let mut out = String::new();
        if self.is_empty() {
            return out;
        }
        for line in HEADER {
            out.push_str(line);
            out.push_str(newline);
        }
        for (lang, pairs) in self.pairs.iter().filter(|(_, p)| !p.is_empty()) {
            let start = format!("{PREFIX}{lang}:");
            let mut line = start.clone();
            for t in pairs {
                if line.len() + 13 > WIDTH && line != start {
                    out.push_str(&line);
                    out.push_str(newline);
                    line = start.clone();
                }
                line.push_str(&format!(" {:04x}{:08x}", t.source, t.translation));
            }
            out.push_str(&line);
            out.push_str(newline);
        }
        out
    }

    /// The edits that make `src`'s record this one: the old record lines
    /// removed and the new ones at the end of the file, after a blank line.
    /// None when `src` already holds exactly this record.
    pub fn edits(&self, src: &str) -> Vec<(Range<usize>, String)> {
        let newline = if src.contains("\r\n") { "\r\n" } else { "\n" };
        let old: Vec<Range<usize>> = lines(src).filter(|r| is_record_line(&src[r.clone()])).collect();
        let block = self.render(newline);
        // The last line that is not the record nor blank ends the content.
        let content_end = lines(src)
            .filter(|r| {
                let line = &src[r.clone()];
                !line.trim().is_empty() && !is_record_line(line)
            })
            .map(|r| r.end)
            .max()
            .unwrap_or(0);
        let at_end = old.iter().all(|r| r.start >= content_end);
        let mut edits = Vec::new();
        if at_end {
            // The record (if any) is the file's tail: rewrite the tail.
            let tail = &src[content_end..];
            let new_tail = if block.is_empty() {
                if old.is_empty() {
                    tail.to_owned()
                } else {
                    String::new()
                }
            } else {
                let ends_line = src[..content_end].ends_with('\n') || content_end == 0;
                let lead = if ends_line {
                    newline.to_owned()
                } else {
                    format!("{newline}{newline}")
                };
                format!("{lead}{block}")
            };
            if new_tail != tail {
                edits.push((content_end..src.len(), new_tail));
            }
        } else {
            // Record lines moved among the content: take them out, one by
            // one, and write the record at the end.
            for r in old {
                edits.push((r, String::new()));
            }
            if !block.is_empty() {
                let lead = if src.ends_with('\n') {
                    newline.to_owned()
                } else {
                    format!("{newline}{newline}")
                };
                edits.push((src.len()..src.len(), format!("{lead}{block}")));
            }
        }
        edits
    }
}

/// The lines of `src` as byte ranges, each with its line break.
fn lines(src: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    src.split_inclusive('\n').map(move |line| {
        let range = start..start + line.len();
        start += line.len();
        range
    })
}

fn is_record_line(line: &str) -> bool {
    let trimmed = line.trim();
    HEADER.contains(&trimmed) || parse_line(trimmed).is_some()
}

/// `// translated ru: 3f2a1b0c9d4e …` as its language and tokens.
fn parse_line(line: &str) -> Option<(&str, Vec<Token>)> {
    let rest = line.trim().strip_prefix(PREFIX)?;
    let (lang, tokens) = rest.split_once(':')?;
    let plain_code =
        !lang.is_empty() && lang.len() <= 8 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !plain_code {
        return None;
    }
    let tokens: Option<Vec<Token>> = tokens.split_whitespace().map(Token::parse).collect();
    tokens.filter(|t| !t.is_empty()).map(|t| (lang, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(src: &str, edits: Vec<(Range<usize>, String)>) -> String {
        let mut out = src.to_owned();
        let mut edits = edits;
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        for (r, text) in edits {
            out.replace_range(r, &text);
        }
        out
    }

    #[test]
    fn a_translation_is_current_until_its_source_changes() {
        let mut record = Record::default();
        record.insert("ru", "Hello", "Привет");
        assert_eq!(record.freshness("ru", "Hello", "Привет"), Freshness::Current);
        assert_eq!(record.freshness("ru", "Hello!", "Привет"), Freshness::Stale);
        assert_eq!(
            record.freshness("ru", "Hello", "Здравствуйте"),
            Freshness::Untracked
        );
        assert_eq!(record.freshness("es", "Hello", "Привет"), Freshness::Untracked);
    }

    #[test]
    fn the_record_is_written_at_the_end_and_read_back() {
        let src = "Scenario(\n    id: \"x\", // a comment\n)\n";
        let mut record = Record::default();
        record.insert("ru", "Hello", "Привет");
        record.insert("es", "Hello", "Hola");
        let out = apply(src, record.edits(src));
        assert!(out.starts_with(src), "{out}");
        assert!(out.contains("\n\n// Translation record"), "{out}");
        assert!(out.ends_with('\n'));
        assert_eq!(Record::read(&out), record);
        // Writing the same record again changes nothing.
        assert!(record.edits(&out).is_empty());
        // A new pair rewrites the block in place, not a second one.
        record.insert("ru", "Bye", "Пока");
        let again = apply(&out, record.edits(&out));
        assert_eq!(again.matches("// Translation record").count(), 1, "{again}");
        assert_eq!(Record::read(&again), record);
        // An empty record removes the block.
        let empty = Record::default();
        assert_eq!(apply(&again, empty.edits(&again)), src);
    }

    #[test]
    fn long_records_wrap_and_crlf_files_stay_crlf() {
        let src = "Scenario(\r\n    id: \"x\",\r\n)";
        let mut record = Record::default();
        for i in 0..40 {
            record.insert("ru", &format!("text {i}"), &format!("текст {i}"));
        }
        let out = apply(src, record.edits(src));
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(!out.replace("\r\n", "").contains('\n'), "a bare LF in {out:?}");
        assert_eq!(Record::read(&out), record);
    }

    #[test]
    fn ordinary_comments_are_not_mistaken_for_the_record() {
        let src = "// translated ru: by Olga, 2024\n// translated ru: 123456789abx\n// translated ru: 12345678\nScenario()\n";
        assert!(Record::read(src).is_empty());
        assert!(Record::default().edits(src).is_empty());
    }

    #[test]
    fn stale_pairs_of_removed_translations_are_dropped() {
        let mut record = Record::default();
        record.insert("ru", "Hello", "Привет");
        record.insert("ru", "Bye", "Пока");
        record.keep("ru", ["Пока"]);
        assert_eq!(record.freshness("ru", "Hello", "Привет"), Freshness::Untracked);
        assert_eq!(record.freshness("ru", "Bye", "Пока"), Freshness::Current);
    }
}
