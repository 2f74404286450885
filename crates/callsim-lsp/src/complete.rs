//! Completion: at a field-name position the fields of that struct not yet
//! written; after `next:` the node and ending ids; in a meter condition
//! or an `effects` key the meter ids; after `kind:` or in `Used(` the reply
//! kinds; the variants of an enum (`difficulty:`, `action:`, a condition);
//! in a text's map the file's languages.

use std::collections::BTreeSet;
use std::ops::Range;

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};

use callsim_core::scenario::lex::{Tok, Tokens, shorten};

use crate::document::Document;
use crate::format::{self, Accepts};
use crate::outline::{Expect, Role, Step, Walk, What, string_span};

/// Where the completion goes.
struct Place {
    /// The bytes the chosen item replaces.
    replace: Range<usize>,
    /// Inside a string's quotes: an id goes in bare.
    in_string: bool,
    /// Inside a string that does not close on its line: the item closes it.
    close_quote: bool,
    /// Right after a `:`: a value goes in after a space.
    after_colon: bool,
}

pub fn complete(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    let text = doc.text.as_str();
    let offset = offset.min(text.len());
    let tokens = Tokens::read(text);
    let i = tokens.at(offset);
    // The token the cursor is in, or the word or unclosed string it ends.
    let current = match tokens.get(i) {
        Some(t) if t.span.start < offset => Some(i),
        _ => i.checked_sub(1).filter(|&p| {
            tokens.get(p).is_some_and(|t| {
                t.span.end == offset && matches!(t.kind, Tok::Ident | Tok::Str { closed: false })
            })
        }),
    };
    let (walk, place) = match current.and_then(|c| tokens.get(c).map(|t| (c, t.kind, t.span.clone()))) {
        Some((c, Tok::Str { closed }, span)) => {
            let content = string_span(text, span.clone());
            // A string the lexer closes on a later line is one being typed.
            let on_line = closed && !text[offset..span.end].contains('\n');
            let (start, end) = (content.start, if on_line { content.end } else { offset });
            let place = Place {
                replace: start..end.max(start),
                in_string: true,
                close_quote: !on_line,
                after_colon: false,
            };
            (Walk::before(&tokens, c), place)
        }
        Some((c, Tok::Ident, span)) => (Walk::before(&tokens, c), word(span)),
        Some(_) => return Vec::new(),
        None => {
            let place = Place {
                replace: offset..offset,
                in_string: false,
                close_quote: false,
                after_colon: text[..offset].ends_with(':'),
            };
            (Walk::before(&tokens, i), place)
        }
    };
    let Some(top) = walk.frames.last() else {
        return Vec::new();
    };
    let Some(leaf) = walk.child_step() else {
        return Vec::new();
    };
    match (walk.expect, top.open) {
        (Expect::Element, '(') if !place.in_string => match format::fields(&walk) {
            Accepts::Fields(fields) => field_items(doc, &tokens, &walk, &fields, &place),
            _ => values(doc, &walk, &leaf, &place),
        },
        (Expect::Element | Expect::Value, _) => values(doc, &walk, &leaf, &place),
        _ => Vec::new(),
    }
}

/// Replacing the word at `span`.
fn word(span: Range<usize>) -> Place {
    Place {
        replace: span,
        in_string: false,
        close_quote: false,
        after_colon: false,
    }
}

/// The fields of the struct being written, less those already in it.
fn field_items(
    doc: &Document,
    tokens: &Tokens,
    walk: &Walk,
    fields: &[&'static str],
    place: &Place,
) -> Vec<CompletionItem> {
    let written = walk
        .frames
        .last()
        .map(|f| written_fields(tokens, f.start))
        .unwrap_or_default();
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !written.contains(**f))
        .map(|(n, f)| CompletionItem {
            label: (*f).to_owned(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(format!("field of {}", struct_name(walk))),
            sort_text: Some(format!("{n:03}")),
            text_edit: Some(edit(doc, place, format!("{f}: "))),
            ..CompletionItem::default()
        })
        .collect()
}

/// The field names written directly in the struct opened at `start`.
fn written_fields(tokens: &Tokens, start: usize) -> BTreeSet<String> {
    let open = tokens.at(start);
    let end = tokens.closing(open).unwrap_or(tokens.list.len());
    let mut depth = 0usize;
    let mut out = BTreeSet::new();
    for j in open + 1..end {
        match tokens.list[j].kind {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Tok::Ident if depth == 0 && tokens.is(j + 1, ':') => {
                out.insert(tokens.text(j).to_owned());
            }
            _ => {}
        }
    }
    out
}

/// The struct a field belongs to, in the format's words.
fn struct_name(walk: &Walk) -> String {
    let shape = walk.shape(None);
    let name = match shape.as_str() {
        "" => "the scenario",
        "nodes[]" => "a node",
        "nodes[].replies[]" => "a reply",
        "nodes[].replies[].branches[]" => "a branch",
        "nodes[].says[]" | "not_understood[]" => "a line",
        "endings[]" => "an ending",
        "persona.meters[]" => "a meter",
        "persona.traits[]" => "a trait",
        "thresholds[]" => "a threshold",
        "account[]" => "an account fact",
        _ => return format!("`{}`", shape.trim_end_matches("[]")),
    };
    name.to_owned()
}

/// Values: ids where the format names one, else an enum's variants.
fn values(doc: &Document, walk: &Walk, leaf: &Step, place: &Place) -> Vec<CompletionItem> {
    if let Some((what, role)) = walk.id_here() {
        // A new node, ending, meter or reply id is the trainer's to invent;
        // a reply's kind is often one already used.
        if role == Role::Definition && what != What::Kind {
            return Vec::new();
        }
        return ids(doc, what)
            .into_iter()
            .map(|(id, what)| CompletionItem {
                label: id.clone(),
                kind: Some(match what {
                    What::Meter => CompletionItemKind::VARIABLE,
                    What::Ending => CompletionItemKind::EVENT,
                    What::Kind => CompletionItemKind::ENUM_MEMBER,
                    _ => CompletionItemKind::REFERENCE,
                }),
                detail: Some(describe(doc, &id, what)),
                text_edit: Some(edit(doc, place, quoted(place, &id))),
                ..CompletionItem::default()
            })
            .collect();
    }
    if *leaf == Step::KeyName && walk.frames.last().is_some_and(|f| f.open == '{') {
        return languages(doc, place);
    }
    if place.in_string {
        return Vec::new();
    }
    let (names, kind): (Vec<&str>, _) = match format::value(walk, leaf) {
        Accepts::Variants(names) => (names.to_vec(), CompletionItemKind::ENUM_MEMBER),
        Accepts::Bool => (vec!["true", "false"], CompletionItemKind::VALUE),
        _ => return Vec::new(),
    };
    let space = if place.after_colon { " " } else { "" };
    names
        .into_iter()
        .enumerate()
        .map(|(n, name)| CompletionItem {
            label: name.to_owned(),
            kind: Some(kind),
            sort_text: Some(format!("{n:03}")),
            text_edit: Some(edit(doc, place, format!("{space}{name}"))),
            ..CompletionItem::default()
        })
        .collect()
}

/// The file's languages, for the keys of a text given in several.
fn languages(doc: &Document, place: &Place) -> Vec<CompletionItem> {
    let languages: Vec<String> = doc
        .scenario()
        .map_or_else(|| vec!["en".to_owned()], |s| s.languages.clone());
    languages
        .into_iter()
        .map(|code| {
            let text = if place.in_string {
                quoted(place, &code)
            } else {
                format!("\"{code}\": ")
            };
            CompletionItem {
                label: code,
                kind: Some(CompletionItemKind::VALUE),
                detail: Some("language of this text".to_owned()),
                text_edit: Some(edit(doc, place, text)),
                ..CompletionItem::default()
            }
        })
        .collect()
}

/// The ids answering `wanted`: the current text's, then any the last
/// readable version had that the current text has lost mid-edit.
fn ids(doc: &Document, wanted: What) -> Vec<(String, What)> {
    let mut out: Vec<(String, What)> = Vec::new();
    let earlier = doc
        .good
        .as_ref()
        .map(|g| g.outline.ids(wanted))
        .unwrap_or_default();
    for (id, what) in doc.outline.ids(wanted).into_iter().chain(earlier) {
        if !out.iter().any(|(known, _)| known == id) {
            out.push((id.to_owned(), what));
        }
    }
    out
}

/// A short description of an id for the completion list.
fn describe(doc: &Document, id: &str, what: What) -> String {
    let Some(s) = doc.scenario() else {
        return what.name().to_owned();
    };
    let lang = s.default_language.as_str();
    match what {
        What::Node => match s.node(id).and_then(|n| n.says.first()) {
            Some(line) => format!("node: \"{}\"", shorten(s.text(&line.text, lang))),
            None => "node".to_owned(),
        },
        What::Ending => match s.ending(id) {
            Some(e) => format!("ending ({}): {}", e.kind.name(), shorten(s.text(&e.title, lang))),
            None => "ending".to_owned(),
        },
        What::Meter => match s.persona.meters.iter().find(|m| m.id == id) {
            Some(m) => format!("meter, {} to {}", m.min, m.max),
            None => "meter".to_owned(),
        },
        _ => what.name().to_owned(),
    }
}

fn quoted(place: &Place, id: &str) -> String {
    match (place.in_string, place.close_quote) {
        (true, true) => format!("{id}\""),
        (true, false) => id.to_owned(),
        (false, _) if place.after_colon => format!(" \"{id}\""),
        (false, _) => format!("\"{id}\""),
    }
}

fn edit(doc: &Document, place: &Place, new_text: String) -> CompletionTextEdit {
    CompletionTextEdit::Edit(TextEdit {
        range: doc.lines.range(&doc.text, &place.replace),
        new_text,
    })
}
