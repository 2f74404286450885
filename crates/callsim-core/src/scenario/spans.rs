//! Where things are in a scenario file. Serde forgets positions, so after a
//! file has parsed, a small RON reader maps paths such as
//! `nodes[2].replies[0].next` back to the bytes a trainer wrote, so a
//! message can point at the reference itself rather than the file start.
//!
//! The reader is only run when there is something to report, and never
//! fails: on text it cannot read it returns what it has, and lookups fall
//! back to the nearest enclosing value.

use std::fmt;
use std::ops::Range;

use super::lex::{Tok, Tokens};

/// One step into a RON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A struct field (`persona`, `next`).
    Field(String),
    /// A list element or a tuple / tuple-variant argument.
    Index(usize),
    /// The value of a map entry, by its key.
    Key(String),
    /// The key of a map entry itself.
    KeyName(String),
    /// The `n`th (0-based) key equal to this one, for duplicate keys.
    NthKeyName(String, usize),
}

/// A path from the top of the file to a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn field(mut self, name: &str) -> Path {
        self.0.push(Seg::Field(name.to_owned()));
        self
    }

    pub fn index(mut self, i: usize) -> Path {
        self.0.push(Seg::Index(i));
        self
    }

    pub fn key(mut self, key: &str) -> Path {
        self.0.push(Seg::Key(key.to_owned()));
        self
    }

    pub fn key_name(mut self, key: &str) -> Path {
        self.0.push(Seg::KeyName(key.to_owned()));
        self
    }

    pub fn nth_key_name(mut self, key: &str, n: usize) -> Path {
        self.0.push(Seg::NthKeyName(key.to_owned(), n));
        self
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) if i == 0 => write!(f, "{name}")?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) | Seg::KeyName(k) | Seg::NthKeyName(k, _) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// A value read from RON source, with the bytes it covers.
#[derive(Debug, Clone)]
pub struct Spanned {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    /// A number, boolean, char, unit or bare identifier.
    Atom,
    /// A string, with its content (escapes are not decoded).
    Str(String),
    /// `Name(field: value, …)` or `(field: value, …)`.
    Struct(Vec<(String, Range<usize>, Spanned)>),
    /// `Name(a, b)`, `(a, b)` or `Some(a)`.
    Tuple(Vec<Spanned>),
    List(Vec<Spanned>),
    Map(Vec<(Spanned, Spanned)>),
}

impl Spanned {
    /// Reads `src`. Never fails; unreadable text ends the value early.
    pub fn read(src: &str) -> Spanned {
        let mut reader = Reader {
            tokens: Tokens::read(src),
            i: 0,
        };
        reader.skip_attributes();
        reader.value()
    }

    /// The span of the value at `path`, or of the deepest value on the way
    /// there that exists.
    pub fn find(&self, path: &Path) -> Range<usize> {
        let mut here = self;
        for seg in &path.0 {
            match here.step(seg) {
                Some(next) => here = next,
                None => break,
            }
        }
        here.span.clone()
    }

    /// The value exactly at `path`, if it exists.
    pub fn at(&self, path: &Path) -> Option<&Spanned> {
        path.0.iter().try_fold(self, |here, seg| here.step(seg))
    }

    fn step(&self, seg: &Seg) -> Option<&Spanned> {
        match (seg, &self.value) {
            (Seg::Field(name), Value::Struct(fields)) => {
                fields.iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v)
            }
            (Seg::Index(i), Value::List(items) | Value::Tuple(items)) => items.get(*i),
            (Seg::Key(key), Value::Map(entries)) => nth_key(entries, key, 0).map(|(_, v)| v),
            (Seg::KeyName(key), Value::Map(entries)) => nth_key(entries, key, 0).map(|(k, _)| k),
            (Seg::NthKeyName(key, n), Value::Map(entries)) => nth_key(entries, key, *n).map(|(k, _)| k),
            _ => None,
        }
    }

    /// The span of the field name `name` in the struct at `path`.
    pub fn field_name(&self, path: &Path, name: &str) -> Option<Range<usize>> {
        match &self.at(path)?.value {
            Value::Struct(fields) => fields
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, span, _)| span.clone()),
            _ => None,
        }
    }
}

/// The `n`th entry whose key is the string `key`.
fn nth_key<'a>(entries: &'a [(Spanned, Spanned)], key: &str, n: usize) -> Option<&'a (Spanned, Spanned)> {
    entries
        .iter()
        .filter(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
        .nth(n)
}

/// A value reader over the lexer's tokens: the same tokens the loader
/// explains syntax errors with, so the two can never disagree on where a
/// string or a comment ends.
struct Reader<'a> {
    tokens: Tokens<'a>,
    i: usize,
}

impl Reader<'_> {
    fn kind(&self) -> Option<Tok> {
        self.tokens.get(self.i).map(|t| t.kind)
    }

    fn span(&self, i: usize) -> Range<usize> {
        self.tokens
            .get(i)
            .map_or(self.tokens.src.len()..self.tokens.src.len(), |t| t.span.clone())
    }

    /// Where the value that ends before token `i` ends.
    fn end_before(&self, i: usize) -> usize {
        match i.checked_sub(1) {
            Some(last) => self.span(last).end,
            None => 0,
        }
    }

    fn is(&self, c: char) -> bool {
        self.kind() == Some(Tok::Punct(c))
    }

    fn eat(&mut self, c: char) -> bool {
        let eaten = self.is(c);
        if eaten {
            self.i += 1;
        }
        eaten
    }

    fn skip_attributes(&mut self) {
        while self.is('#') && self.tokens.is(self.i + 1, '!') {
            match (self.i..self.tokens.list.len()).find(|&j| self.tokens.is(j, ']')) {
                Some(end) => self.i = end + 1,
                None => self.i = self.tokens.list.len(),
            }
        }
    }

    fn value(&mut self) -> Spanned {
        let start_token = self.i;
        let start = self.span(start_token).start;
        let value = match self.kind() {
            Some(Tok::Str { .. }) => {
                self.i += 1;
                Value::Str(string_content(self.tokens.text(start_token)).to_owned())
            }
            Some(Tok::Punct('[')) => {
                self.i += 1;
                Value::List(self.items(']'))
            }
            Some(Tok::Punct('{')) => {
                self.i += 1;
                self.map()
            }
            Some(Tok::Punct('(')) => self.parens(),
            Some(Tok::Ident) => {
                self.i += 1;
                if self.is('(') { self.parens() } else { Value::Atom }
            }
            // A number, a char, or something unreadable: one token.
            Some(_) => {
                self.i += 1;
                Value::Atom
            }
            None => Value::Atom,
        };
        Spanned {
            span: start..self.end_before(self.i).max(start),
            value,
        }
    }

    /// After an optional name: `( … )`, a struct if it opens with `name:`.
    fn parens(&mut self) -> Value {
        self.eat('(');
        let named_field = self.kind() == Some(Tok::Ident)
            && self.tokens.is(self.i + 1, ':')
            && !self.tokens.is(self.i + 2, ':');
        if named_field {
            self.fields()
        } else {
            Value::Tuple(self.items(')'))
        }
    }

    fn fields(&mut self) -> Value {
        let mut fields = Vec::new();
        loop {
            if self.eat(')') || self.kind().is_none() {
                break;
            }
            if self.kind() != Some(Tok::Ident) {
                break;
            }
            let name_span = self.span(self.i);
            self.i += 1;
            if !self.eat(':') {
                break;
            }
            let value = self.value();
            fields.push((self.tokens.src[name_span.clone()].to_owned(), name_span, value));
            if !self.eat(',') {
                self.eat(')');
                break;
            }
        }
        Value::Struct(fields)
    }

    fn items(&mut self, close: char) -> Vec<Spanned> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) || self.kind().is_none() {
                break;
            }
            let before = self.i;
            items.push(self.value());
            if self.i == before {
                break;
            }
            if !self.eat(',') {
                self.eat(close);
                break;
            }
        }
        items
    }

    fn map(&mut self) -> Value {
        let mut entries = Vec::new();
        loop {
            if self.eat('}') || self.kind().is_none() {
                break;
            }
            let before = self.i;
            let key = self.value();
            if !self.eat(':') || self.i == before {
                break;
            }
            let value = self.value();
            entries.push((key, value));
            if !self.eat(',') {
                self.eat('}');
                break;
            }
        }
        Value::Map(entries)
    }
}

/// `text` as a RON string literal, the way tools that write scenario files
/// (translation import, content import) write one: quotes, backslashes and
/// control characters escaped; everything else, any script, written as is.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text between a string token's quotes (escapes left as written):
/// `"…"`, `b"…"` and raw `r#"…"#` alike, closed or not.
pub fn string_content(token: &str) -> &str {
    let body = token.strip_prefix('b').unwrap_or(token);
    let (body, hashes) = match body.strip_prefix('r') {
        Some(raw) => {
            let hashes = raw.len() - raw.trim_start_matches('#').len();
            (&raw[hashes..], hashes)
        }
        None => (body, 0),
    };
    let body = body.strip_prefix('"').unwrap_or(body);
    let closing = format!("\"{}", "#".repeat(hashes));
    body.strip_suffix(closing.as_str()).unwrap_or(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
#![enable(implicit_some)]
// a comment
Scenario(
    id: "x", /* block /* nested */ */
    nodes: [
        (id: "a", replies: [(next: "b", effects: {"anger": -5, "trust": 3})]),
        (id: "b", when: [AtLeast("anger", 50), Not(Visited("a"))]),
    ],
)
"#;

    fn text_at(path: Path) -> &'static str {
        let tree = Spanned::read(SRC);
        &SRC[tree.find(&path)]
    }

    #[test]
    fn finds_a_nested_field() {
        let path = Path::root()
            .field("nodes")
            .index(0)
            .field("replies")
            .index(0)
            .field("next");
        assert_eq!(text_at(path), r#""b""#);
    }

    #[test]
    fn finds_map_keys_and_values() {
        let effects = Path::root()
            .field("nodes")
            .index(0)
            .field("replies")
            .index(0)
            .field("effects");
        assert_eq!(text_at(effects.clone().key_name("trust")), r#""trust""#);
        assert_eq!(text_at(effects.clone().key("anger")), "-5");
        assert_eq!(text_at(effects.nth_key_name("trust", 0)), r#""trust""#);
    }

    #[test]
    fn finds_tuple_variant_arguments() {
        let when = Path::root().field("nodes").index(1).field("when");
        assert_eq!(text_at(when.clone().index(0).index(0)), r#""anger""#);
        assert_eq!(text_at(when.index(1).index(0).index(0)), r#""a""#);
    }

    #[test]
    fn a_missing_field_falls_back_to_its_parent() {
        let path = Path::root().field("nodes").index(1).field("says");
        assert!(text_at(path).starts_with("(id: \"b\""));
    }

    #[test]
    fn unreadable_text_does_not_panic() {
        for src in [
            "",
            "(",
            "([{",
            "Scenario(id: \"x",
            "\"unterminated",
            "/* open",
            "(a: [1, 2",
        ] {
            let tree = Spanned::read(src);
            let _ = tree.find(&Path::root().field("a").index(3));
        }
    }
}
