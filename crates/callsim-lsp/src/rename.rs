//! Rename an id everywhere in the file: a node or ending with every
//! `start`, `next`, branch, threshold, hang-up ending and `Visited`
//! condition naming it; a meter with its conditions and effects; a reply
//! kind with its traits, exemptions, names and `Used` conditions; a reply
//! id within its node. Refused, with the reason, when the new id is not an
//! id, is taken, or is one the engine reserves.

use std::ops::Range;

use callsim_core::scenario::validate::{REQUIRED_METERS, RESERVED_ENDING_IDS, RESERVED_REPLY_IDS};

use crate::document::Document;
use crate::outline::{Role, Symbol, What};

/// The id under the cursor, if it can be renamed.
pub fn prepare(doc: &Document, offset: usize) -> Result<Range<usize>, String> {
    let symbol = renamable(doc, offset)?;
    Ok(symbol.span.clone())
}

/// The edits that rename the id under the cursor to `new`.
pub fn rename(doc: &Document, offset: usize, new: &str) -> Result<Vec<Range<usize>>, String> {
    let symbol = renamable(doc, offset)?;
    if let Some((line, column, _)) = &doc.unreadable {
        return Err(format!(
            "the file does not read as a scenario (line {line}, column {column}): fix that first, so that no use of `{}` is missed",
            symbol.id
        ));
    }
    let new = new.trim();
    if new == symbol.id {
        return Ok(Vec::new());
    }
    valid_id(new)?;
    let what = defined_as(doc, symbol);
    match what {
        What::Reply => {
            if let Some((_, engine)) = RESERVED_REPLY_IDS.iter().find(|(id, _)| *id == new) {
                return Err(format!("`{new}` is reserved for {engine}: choose another id"));
            }
            let node = doc.outline.node_of(symbol);
            if let Some(other) = doc.outline.symbols.iter().find(|s| {
                s.what == What::Reply
                    && s.role == Role::Definition
                    && s.id == new
                    && doc.outline.node_of(s) == node
            }) {
                return Err(format!(
                    "node `{}` already has a reply `{new}` (line {}): reply ids must be unique within their node",
                    node.unwrap_or("?"),
                    line_of(doc, other)
                ));
            }
        }
        What::Kind => {
            if let Some(other) = doc
                .outline
                .symbols
                .iter()
                .find(|s| s.what == What::Kind && s.id == new)
            {
                return Err(format!(
                    "there is already a reply kind `{new}` (line {}): renaming would merge the two kinds, which changes how repetition and traits score; choose another name",
                    line_of(doc, other)
                ));
            }
        }
        _ => {
            if what == What::Meter
                && let Some(required) = REQUIRED_METERS.iter().find(|m| **m == symbol.id)
            {
                return Err(format!(
                    "the meter `{required}` cannot be renamed: the engine's rules move it, so every persona must have it"
                ));
            }
            if what != What::Meter
                && let Some((_, engine, instead)) = RESERVED_ENDING_IDS.iter().find(|(id, ..)| *id == new)
            {
                return Err(format!(
                    "`{new}` is reserved for {engine}: choose another id, e.g. `{instead}`"
                ));
            }
            if let Some(other) = doc.outline.symbols.iter().find(|s| {
                s.role == Role::Definition
                    && s.id == new
                    && matches!(s.what, What::Node | What::Ending | What::Meter)
            }) {
                return Err(format!(
                    "there is already a {} `{new}` (line {}): node, ending and meter ids must each be unique",
                    other.what.name(),
                    line_of(doc, other)
                ));
            }
        }
    }
    Ok(doc.outline.occurrences(symbol).map(|s| s.span.clone()).collect())
}

fn renamable(doc: &Document, offset: usize) -> Result<&Symbol, String> {
    doc.outline.symbol_at(offset).ok_or_else(|| {
        "put the cursor on the id of a node, an ending, a meter, a reply or a reply kind".to_owned()
    })
}

/// What the symbol names: its definition's kind, or for a `next` naming
/// nothing yet, a node.
fn defined_as(doc: &Document, symbol: &Symbol) -> What {
    match doc.outline.definitions(symbol).next() {
        Some(definition) => definition.what,
        None if symbol.what == What::Target => What::Node,
        None => symbol.what,
    }
}

/// Letters, digits, `_` and `-`: an id ends up in records, `--choose`
/// scripts and test files, where anything else is trouble.
fn valid_id(new: &str) -> Result<(), String> {
    if new.is_empty() {
        return Err("an id cannot be empty".to_owned());
    }
    if new
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Ok(());
    }
    let suggestion: String = new
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut message = format!("`{new}` cannot be an id: use letters, digits, `_` and `-` only");
    if !suggestion.is_empty() {
        message.push_str(&format!(", e.g. `{suggestion}`"));
    }
    Err(message)
}

fn line_of(doc: &Document, symbol: &Symbol) -> u32 {
    doc.lines.position(&doc.text, symbol.span.start).line + 1
}
