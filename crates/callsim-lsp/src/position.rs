//! Byte offsets in a document to LSP positions and back. LSP counts a
//! line's characters in UTF-16 code units: a Chinese character is one, an
//! emoji two, while the file's bytes give three and four. Every range the
//! server sends goes through here.

use std::ops::Range;

use lsp_types::{Position, Range as LspRange};

/// Where each line of a text starts.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The position of byte `offset` (clamped into `text`, and back to the
    /// start of the character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, text: &str, span: &Range<usize>) -> LspRange {
        LspRange::new(self.position(text, span.start), self.position(text, span.end))
    }

    /// The byte offset of `position`: a character past the end of its line
    /// means the end of the line, a line past the end the end of the text,
    /// and a position inside a character its start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let line = &text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_code_units() {
        let text = "a\n你好x😀y\r\nlast";
        let lines = Lines::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(lines.position(text, x), Position::new(1, 2));
        let y = text.find('y').expect("y");
        // The emoji is two UTF-16 units.
        assert_eq!(lines.position(text, y), Position::new(1, 5));
        assert_eq!(lines.offset(text, Position::new(1, 5)), y);
        assert_eq!(lines.offset(text, Position::new(1, 2)), x);
        // Inside the emoji: its start.
        assert_eq!(
            lines.offset(text, Position::new(1, 4)),
            text.find('😀').expect("emoji")
        );
        // Past the end of a line: before its "\r\n".
        assert_eq!(lines.offset(text, Position::new(1, 99)), y + 1);
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text, text.len()), Position::new(2, 4));
        // A byte inside a character counts as its start.
        assert_eq!(lines.position(text, x - 1), Position::new(1, 1));
    }

    #[test]
    fn every_offset_round_trips() {
        let text = "Сколько?\n\t你好 \"x\"\n\n😀end";
        let lines = Lines::new(text);
        for (offset, _) in text.char_indices() {
            let p = lines.position(text, offset);
            assert_eq!(lines.offset(text, p), offset, "at {offset} ({p:?})");
        }
    }
}
