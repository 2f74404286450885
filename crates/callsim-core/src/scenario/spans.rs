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
        let mut reader = Reader { src, pos: 0 };
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

struct Reader<'a> {
    src: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn skip_trivia(&mut self) {
        loop {
            let rest = self.rest();
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                self.skip_block_comment();
            } else {
                return;
            }
        }
    }

    fn skip_block_comment(&mut self) {
        // RON block comments nest.
        let mut depth = 0usize;
        while !self.rest().is_empty() {
            if self.rest().starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if self.rest().starts_with("*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
    }

    fn skip_attributes(&mut self) {
        loop {
            self.skip_trivia();
            if !self.rest().starts_with("#!") {
                return;
            }
            match self.rest().find(']') {
                Some(end) => self.pos += end + 1,
                None => self.pos = self.src.len(),
            }
        }
    }

    fn ident(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        if self.rest().starts_with("r#") {
            self.pos += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                self.bump();
            } else {
                break;
            }
        }
        (self.pos > start).then_some(start..self.pos)
    }

    fn value(&mut self) -> Spanned {
        self.skip_trivia();
        let start = self.pos;
        let value = match self.peek() {
            Some('"') => self.string(),
            Some('r') if self.rest().starts_with("r\"") || self.rest().starts_with("r#\"") => {
                self.raw_string()
            }
            Some('b') if self.rest().starts_with("b\"") => {
                self.bump();
                self.string()
            }
            Some('\'') => {
                self.bump();
                while let Some(c) = self.peek() {
                    self.bump();
                    if c == '\\' {
                        self.bump();
                    } else if c == '\'' {
                        break;
                    }
                }
                Value::Atom
            }
            Some('[') => {
                self.bump();
                Value::List(self.items(']'))
            }
            Some('{') => {
                self.bump();
                self.map()
            }
            Some('(') => self.parens(),
            Some(c) if c.is_alphabetic() || c == '_' => {
                self.ident();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.parens()
                } else {
                    Value::Atom
                }
            }
            Some(_) => {
                // A number (or something unreadable): take what a number can contain.
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || matches!(c, '-' | '+' | '.' | '_') {
                        self.bump();
                    } else {
                        break;
                    }
                }
                if self.pos == start {
                    self.bump();
                }
                Value::Atom
            }
            None => Value::Atom,
        };
        Spanned {
            span: start..self.pos,
            value,
        }
    }

    fn string(&mut self) -> Value {
        self.bump();
        let content_start = self.pos;
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.bump();
                self.bump();
            } else if c == '"' {
                let content = self.src[content_start..self.pos].to_owned();
                self.bump();
                return Value::Str(content);
            } else {
                self.bump();
            }
        }
        Value::Str(self.src[content_start..].to_owned())
    }

    fn raw_string(&mut self) -> Value {
        self.bump();
        let mut hashes = 0;
        while self.eat('#') {
            hashes += 1;
        }
        self.eat('"');
        let closing = format!("\"{}", "#".repeat(hashes));
        let content_start = self.pos;
        match self.rest().find(&closing) {
            Some(end) => {
                self.pos += end + closing.len();
                Value::Str(self.src[content_start..content_start + end].to_owned())
            }
            None => {
                self.pos = self.src.len();
                Value::Str(self.src[content_start..].to_owned())
            }
        }
    }

    /// After an optional name: `( … )`, a struct if it opens with `name:`.
    fn parens(&mut self) -> Value {
        self.eat('(');
        self.skip_trivia();
        let save = self.pos;
        if let Some(name) = self.ident() {
            self.skip_trivia();
            if self.peek() == Some(':') && !self.rest().starts_with("::") {
                self.pos = save;
                let _ = name;
                return self.fields();
            }
        }
        self.pos = save;
        Value::Tuple(self.items(')'))
    }

    fn fields(&mut self) -> Value {
        let mut fields = Vec::new();
        loop {
            self.skip_trivia();
            if self.eat(')') || self.peek().is_none() {
                break;
            }
            let Some(name_span) = self.ident() else {
                break;
            };
            self.skip_trivia();
            if !self.eat(':') {
                break;
            }
            let value = self.value();
            fields.push((self.src[name_span.clone()].to_owned(), name_span, value));
            self.skip_trivia();
            if !self.eat(',') {
                self.skip_trivia();
                self.eat(')');
                break;
            }
        }
        Value::Struct(fields)
    }

    fn items(&mut self, close: char) -> Vec<Spanned> {
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            if self.eat(close) || self.peek().is_none() {
                break;
            }
            let before = self.pos;
            items.push(self.value());
            if self.pos == before {
                break;
            }
            self.skip_trivia();
            if !self.eat(',') {
                self.skip_trivia();
                self.eat(close);
                break;
            }
        }
        items
    }

    fn map(&mut self) -> Value {
        let mut entries = Vec::new();
        loop {
            self.skip_trivia();
            if self.eat('}') || self.peek().is_none() {
                break;
            }
            let before = self.pos;
            let key = self.value();
            self.skip_trivia();
            if !self.eat(':') || self.pos == before {
                break;
            }
            let value = self.value();
            entries.push((key, value));
            self.skip_trivia();
            if !self.eat(',') {
                self.skip_trivia();
                self.eat('}');
                break;
            }
        }
        Value::Map(entries)
    }
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
