//! Plain text out of what other tools store: HTML entities decoded, tags
//! stripped with paragraphs kept apart, and ids made from titles.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Decodes the HTML entities in `raw` (`&amp;`, `&eacute;`, `&#233;`,
/// `&#xE9;`, every named entity of HTML5), and says for each byte of the
/// result which byte of `raw` it came from, so a place found in the decoded
/// text can be shown in the file. The map has one entry more than the text:
/// its end.
pub fn decode_entities_mapped(raw: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        if rest.starts_with('&')
            && let Some((decoded, len)) = entity_at(rest)
        {
            for _ in 0..decoded.len() {
                map.push(i);
            }
            out.push_str(&decoded);
            i += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or('\u{fffd}');
        for _ in 0..c.len_utf8() {
            map.push(i);
        }
        out.push(c);
        i += c.len_utf8().max(1);
    }
    map.push(raw.len());
    (out, map)
}

/// `raw` with its HTML entities decoded.
pub fn decode_entities(raw: &str) -> String {
    decode_entities_mapped(raw).0
}

/// The entity at the start of `s` (which starts with `&`): its text and
/// the length of its source. `None` for a lone `&`, which stays as it is.
fn entity_at(s: &str) -> Option<(String, usize)> {
    // The longest named entity is 33 bytes (`&CounterClockwiseContourIntegral;`).
    let end = s
        .char_indices()
        .take(40)
        .find(|(_, c)| *c == ';' || c.is_whitespace())
        .filter(|(_, c)| *c == ';')?
        .0;
    let candidate = &s[..=end];
    let decoded = html_escape::decode_html_entities(candidate);
    (decoded != candidate).then(|| (decoded.into_owned(), end + 1))
}

/// Block-level elements: each starts and ends a line of its own.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "dl",
    "dt",
    "dd",
    "hr",
    "figure",
];

/// Elements whose content is never text to show.
const HIDDEN: [&str; 4] = ["script", "style", "template", "head"];

/// How [`html_to_text`] treats line breaks in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Newlines {
    /// HTML: a line break in the source is a space (H5P texts).
    AreSpaces,
    /// Story text: a line break is a line break (Twine passages).
    Kept,
}

/// HTML as plain text: tags removed, paragraphs, headings, list items and
/// `<br>` as line breaks (one, never a blank line), runs of spaces as one
/// space, entities decoded, each line trimmed and empty lines dropped.
pub fn html_to_text(html: &str, newlines: Newlines) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    // Source line breaks are spaces in HTML; only the tags break lines.
    let push_text = |text: &mut String, s: &str| match newlines {
        Newlines::AreSpaces => text.extend(s.chars().map(|c| if c == '\n' { ' ' } else { c })),
        Newlines::Kept => text.push_str(s),
    };
    while let Some(lt) = rest.find('<') {
        push_text(&mut text, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(tag) = tag_at(rest) else {
            // A `<` that opens no tag (`a < b`) is text.
            text.push('<');
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if HIDDEN.contains(&tag.name.as_str()) && !tag.closing {
            let close = format!("</{}", tag.name);
            rest = find_ignore_case(rest, &close)
                .map_or("", |at| &rest[at..])
                .split_once('>')
                .map_or("", |(_, after)| after);
            continue;
        }
        if tag.name == "br" || BLOCKS.contains(&tag.name.as_str()) {
            text.push('\n');
            if tag.name == "li" && !tag.closing {
                text.push_str("- ");
            }
        } else if matches!(tag.name.as_str(), "td" | "th") {
            text.push(' ');
        }
    }
    push_text(&mut text, rest);
    tidy(&decode_entities(&text))
}

/// Collapses spaces, trims lines, drops empty ones.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for raw_line in text.split('\n') {
        let mut line = String::new();
        let mut space = false;
        for c in raw_line.chars() {
            // A non-breaking space is a space in plain text.
            if c.is_whitespace() || c == '\u{a0}' {
                space = true;
            } else {
                if space && !line.is_empty() {
                    line.push(' ');
                }
                space = false;
                line.push(c);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// A tag at the start of `s` (which starts with `<`).
struct Tag {
    name: String,
    closing: bool,
    /// Bytes from `<` to `>` included.
    len: usize,
}

fn tag_at(s: &str) -> Option<Tag> {
    let inner = &s[1..];
    let (closing, name_start) = match inner.strip_prefix('/') {
        Some(after) => (true, after),
        None => (false, inner),
    };
    let name: String = name_start
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    // The tag ends at the first `>` outside a quoted attribute value.
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                return Some(Tag {
                    name: name.to_ascii_lowercase(),
                    closing,
                    len: i + 1,
                });
            }
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.to_ascii_lowercase();
    hay.find(&needle.to_ascii_lowercase())
}

/// Ids the engine keeps for itself or that a trainer will add: an imported
/// node or ending never takes them.
pub const RESERVED_TARGET_IDS: [&str; 4] = ["hung_up", "gave_up", "anger", "trust"];
/// Reply ids the engine keeps for itself.
pub const RESERVED_REPLY_IDS: [&str; 2] = ["hang_up", "not_understood"];

/// `text` as an id: ASCII letters and digits (accents dropped: `Café` →
/// `cafe`), lower case, words joined by `sep`, at most `max_words` words
/// and about 40 characters. Empty when `text` has no such letter at all
/// (e.g. Chinese): the caller then numbers it.
pub fn slug(text: &str, sep: char, max_words: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' => word.push_str("ss"),
            'æ' | 'Æ' => word.push_str("ae"),
            'ø' | 'Ø' => word.push('o'),
            c if c.is_ascii_alphanumeric() => word.push(c.to_ascii_lowercase()),
            // An apostrophe joins: "don't" is one word, "dont".
            '\'' | '\u{2019}' => {}
            _ => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut out = String::new();
    for w in words.into_iter().take(max_words) {
        if !out.is_empty() && out.len() + w.len() > 40 {
            break;
        }
        if !out.is_empty() {
            out.push(sep);
        }
        out.push_str(&w);
    }
    out
}

/// Hands out unique ids: the slug of a name, numbered when taken
/// (`greeting`, `greeting_2`), or `fallback_N` when the name has no
/// letters to make one of.
#[derive(Debug, Default)]
pub struct Ids {
    taken: BTreeSet<String>,
}

impl Ids {
    /// Ids that `reserved` names may never be given.
    pub fn reserving(reserved: &[&str]) -> Ids {
        Ids {
            taken: reserved.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// A fresh id for `name`.
    pub fn make(&mut self, name: &str, fallback: &str) -> String {
        let base = slug(name, '_', 5);
        let mut n = 1;
        loop {
            let id = match (base.is_empty(), n) {
                (true, n) => format!("{fallback}_{n}"),
                (false, 1) => base.clone(),
                (false, n) => format!("{base}_{n}"),
            };
            if self.taken.insert(id.clone()) {
                return id;
            }
            n += 1;
        }
    }
}

/// The first `max` characters of `text` on one line, with `…` when cut:
/// for naming a text in a message.
pub fn excerpt(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded_named_and_numeric() {
        assert_eq!(
            decode_entities(
                "Tom &amp; Jerry &lt;3 &quot;hi&quot; &#39;x&#39; caf&eacute; &#233;&#xE9; &hellip;"
            ),
            "Tom & Jerry <3 \"hi\" 'x' café éé …"
        );
        // A lone ampersand and an unknown name stay as written.
        assert_eq!(decode_entities("R&D &nosuch; a & b"), "R&D &nosuch; a & b");
    }

    #[test]
    fn decoding_keeps_a_map_back_to_the_source() {
        let raw = "a&amp;b&eacute;c";
        let (text, map) = decode_entities_mapped(raw);
        assert_eq!(text, "a&béc");
        assert_eq!(map.len(), text.len() + 1);
        let c = text.find('c').expect("c");
        assert_eq!(&raw[map[c]..], "c");
        let b = text.find('b').expect("b");
        assert_eq!(&raw[map[b]..map[b] + 1], "b");
        assert_eq!(map[text.len()], raw.len());
    }

    #[test]
    fn html_paragraphs_become_lines_and_tags_go() {
        let html = "<h3>Is the <strong>principle</strong> clear?</h3>\n\n<h3>(texts, photos)</h3>\n<p>One<br />\ntwo&nbsp;&nbsp;three</p>";
        assert_eq!(
            html_to_text(html, Newlines::AreSpaces),
            "Is the principle clear?\n(texts, photos)\nOne\ntwo three"
        );
    }

    #[test]
    fn html_lists_links_scripts_and_comments() {
        let html = "<ul><li>first</li><li>second</li></ul><script>var x = '<p>no</p>';</script><!-- hidden --><a href=\"x?a=1&amp;b=2\" target=\"_blank\">here</a> &gt; there";
        assert_eq!(
            html_to_text(html, Newlines::AreSpaces),
            "- first\n- second\nhere > there"
        );
    }

    #[test]
    fn a_less_than_sign_that_opens_no_tag_is_text() {
        assert_eq!(
            html_to_text("<p>a < b and 3<4</p>", Newlines::AreSpaces),
            "a < b and 3<4"
        );
    }

    #[test]
    fn story_text_keeps_its_line_breaks() {
        assert_eq!(
            html_to_text(
                "First line\n  second <b>bold</b>  line\n\n\nthird",
                Newlines::Kept
            ),
            "First line\nsecond bold line\nthird"
        );
    }

    #[test]
    fn ids_are_plain_unique_and_never_reserved() {
        assert_eq!(
            slug("Ask for the Order Number!", '_', 5),
            "ask_for_the_order_number"
        );
        assert_eq!(slug("Café – déjà vu", '-', 5), "cafe-deja-vu");
        assert_eq!(slug("Don't hang up", '_', 5), "dont_hang_up");
        assert_eq!(slug("我要投诉", '_', 5), "");
        assert_eq!(
            slug("one two three four five six seven", '_', 5),
            "one_two_three_four_five"
        );
        let mut ids = Ids::reserving(&RESERVED_TARGET_IDS);
        assert_eq!(ids.make("Greeting", "node"), "greeting");
        assert_eq!(ids.make("greeting", "node"), "greeting_2");
        assert_eq!(ids.make("Greeting!", "node"), "greeting_3");
        assert_eq!(ids.make("Hung up", "ending"), "hung_up_2");
        assert_eq!(ids.make("Anger", "node"), "anger_2");
        assert_eq!(ids.make("我要投诉", "node"), "node_1");
        assert_eq!(ids.make("", "node"), "node_2");
        let mut replies = Ids::reserving(&RESERVED_REPLY_IDS);
        assert_eq!(replies.make("Hang up", "reply"), "hang_up_2");
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt("a\nb  c", 10), "a b c");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcde…");
    }
}
