//! The one RON lexer: a scenario file as tokens (strings, names, numbers,
//! punctuation) with their byte spans, comments and whitespace left out.
//! The loader reads it to explain a syntax error in the trainer's words;
//! the span map (`spans`) builds on it to point at any value; editing tools
//! (translation import, the language server) find what to change through
//! both. Reading never fails: whatever is not a string, name or number is
//! punctuation.

use std::ops::Range;

use crate::diagnostic::line_column;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Str {
        closed: bool,
    },
    Ident,
    Number,
    /// `'…'`: RON's char literal, or text a trainer put in single quotes.
    Quoted,
    Punct(char),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Tok,
    pub span: Range<usize>,
}

/// The RON source as tokens.
pub struct Tokens<'a> {
    pub src: &'a str,
    pub list: Vec<Token>,
}

impl<'a> Tokens<'a> {
    pub fn read(src: &'a str) -> Tokens<'a> {
        let mut list = Vec::new();
        let mut pos = 0;
        while let Some(c) = src[pos..].chars().next() {
            let rest = &src[pos..];
            let start = pos;
            if c.is_whitespace() {
                pos += c.len_utf8();
                continue;
            }
            if rest.starts_with("//") {
                pos += rest.find('\n').unwrap_or(rest.len());
                continue;
            }
            if rest.starts_with("/*") {
                pos += block_comment_len(rest);
                continue;
            }
            let (kind, len) = if c == '"' {
                let (len, closed) = string_len(rest);
                (Tok::Str { closed }, len)
            } else if c == 'b' && rest.starts_with("b\"") {
                let (len, closed) = string_len(&rest[1..]);
                (Tok::Str { closed }, len + 1)
            } else if let Some((len, closed)) = raw_string_len(rest) {
                (Tok::Str { closed }, len)
            } else if c == '\'' {
                (Tok::Quoted, quoted_len(rest))
            } else if c.is_alphabetic() || c == '_' {
                let raw = if rest.starts_with("r#") { 2 } else { 0 };
                (Tok::Ident, raw + word_len(&rest[raw..]))
            } else if c.is_ascii_digit()
                || (matches!(c, '-' | '+' | '.') && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
            {
                (Tok::Number, 1 + number_len(&rest[1..]))
            } else {
                (Tok::Punct(c), c.len_utf8())
            };
            pos += len.max(1);
            // Keep `pos` on a character boundary whatever the helpers said.
            while !src.is_char_boundary(pos) {
                pos += 1;
            }
            list.push(Token {
                kind,
                span: start..pos,
            });
        }
        Tokens { src, list }
    }

    pub fn get(&self, i: usize) -> Option<&Token> {
        self.list.get(i)
    }

    pub fn text(&self, i: usize) -> &'a str {
        self.list.get(i).map_or("", |t| &self.src[t.span.clone()])
    }

    pub fn is(&self, i: usize, c: char) -> bool {
        self.get(i).is_some_and(|t| t.kind == Tok::Punct(c))
    }

    pub fn is_ident(&self, i: usize) -> bool {
        self.get(i).is_some_and(|t| t.kind == Tok::Ident)
    }

    /// The token covering `offset`, or the first one after it.
    pub fn at(&self, offset: usize) -> usize {
        self.list.partition_point(|t| t.span.end <= offset)
    }

    /// The line (1-based) a token starts on.
    pub fn line(&self, i: usize) -> usize {
        let offset = self.get(i).map_or(self.src.len(), |t| t.span.start);
        line_column(self.src, offset).0
    }

    /// The name of the field whose value starts at token `i`.
    pub fn field_of_value(&self, i: usize) -> Option<&'a str> {
        (i >= 2 && self.is(i - 1, ':') && self.is_ident(i - 2)).then(|| self.text(i - 2))
    }

    /// Brackets opened before token `i` and not yet closed, innermost last.
    pub fn open_before(&self, i: usize) -> Vec<usize> {
        let mut open = Vec::new();
        for (j, t) in self.list.iter().enumerate().take(i) {
            match t.kind {
                Tok::Punct('(' | '[' | '{') => open.push(j),
                Tok::Punct(')' | ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
        open
    }

    /// The closing bracket matching the opening one at `open`.
    pub fn closing(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (j, t) in self.list.iter().enumerate().skip(open) {
            match t.kind {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The tokens of the fields named `name` directly inside the bracket at `open`.
    pub fn fields_named(&self, open: usize, name: &str) -> Vec<usize> {
        let end = self.closing(open).unwrap_or(self.list.len());
        let mut depth = 0usize;
        let mut found = Vec::new();
        for j in open + 1..end {
            match self.list[j].kind {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
                Tok::Ident if depth == 0 && self.text(j) == name && self.is(j + 1, ':') => found.push(j),
                _ => {}
            }
        }
        found
    }

    /// A short description of token `i` for a message.
    pub fn describe(&self, i: usize) -> String {
        let Some(t) = self.get(i) else {
            return "the end of the file".to_owned();
        };
        let text = shorten(self.text(i));
        match t.kind {
            Tok::Str { .. } => format!("the text {text}"),
            Tok::Number => format!("the number {text}"),
            _ => format!("`{text}`"),
        }
    }
}

fn block_comment_len(rest: &str) -> usize {
    // RON block comments nest.
    let mut depth = 0usize;
    let mut i = 0;
    while i < rest.len() {
        if rest[i..].starts_with("/*") {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += rest[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    rest.len()
}

/// Length of the `"…"` string at the start of `rest`, and whether it closes.
fn string_len(rest: &str) -> (usize, bool) {
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return (i + 1, true),
            _ => {}
        }
    }
    (rest.len(), false)
}

fn raw_string_len(rest: &str) -> Option<(usize, bool)> {
    let after_r = rest.strip_prefix('r')?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let closing = format!("\"{}", "#".repeat(hashes));
    Some(match body.find(&closing) {
        Some(end) => (2 + hashes + end + closing.len(), true),
        None => (rest.len(), false),
    })
}

/// `'…'` up to the closing quote on the same line, or just the quote.
fn quoted_len(rest: &str) -> usize {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line[1..].find('\'') {
        Some(end) => end + 2,
        None => 1,
    }
}

fn word_len(rest: &str) -> usize {
    rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len())
}

fn number_len(rest: &str) -> usize {
    rest.find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(rest.len())
}

/// At most about 40 characters of `text`, on one line.
pub fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 40 || line.len() < text.len() {
        let cut: String = line.chars().take(37).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}
