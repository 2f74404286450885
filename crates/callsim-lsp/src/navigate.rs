//! Go to definition, find references, and the file's outline of nodes,
//! replies, endings and meters: all read from the current text's outline,
//! so they work on a file mid-edit.

use std::ops::Range;

use lsp_types::{DocumentSymbol, SymbolKind};

use crate::document::Document;
use crate::outline::{Role, What};

/// Where the id under the cursor is defined: a node's or ending's `id`,
/// a meter's, a reply's (in its node), or every `kind:` of a reply kind.
pub fn definition(doc: &Document, offset: usize) -> Vec<Range<usize>> {
    let Some(symbol) = doc.outline.symbol_at(offset) else {
        return Vec::new();
    };
    doc.outline.definitions(symbol).map(|s| s.span.clone()).collect()
}

/// Every place the id under the cursor is written.
pub fn references(doc: &Document, offset: usize, with_definition: bool) -> Vec<Range<usize>> {
    let Some(symbol) = doc.outline.symbol_at(offset) else {
        return Vec::new();
    };
    doc.outline
        .occurrences(symbol)
        .filter(|s| with_definition || s.role == Role::Reference)
        .map(|s| s.span.clone())
        .collect()
}

/// Nodes (with their replies), endings and meters, for the editor's
/// outline view and breadcrumbs.
pub fn symbols(doc: &Document) -> Vec<DocumentSymbol> {
    let outline = &doc.outline;
    let symbol = |k: usize, children: Option<Vec<DocumentSymbol>>| {
        let item = &outline.items[k];
        let name_span = outline
            .symbols
            .iter()
            .find(|s| s.item == Some(k) && s.role == Role::Definition && s.what == item.what)
            .map_or(item.span.start..item.span.start, |s| s.span.clone());
        let (kind, detail) = match item.what {
            What::Node => (SymbolKind::CLASS, "node"),
            What::Reply => (SymbolKind::METHOD, "reply"),
            What::Ending => (SymbolKind::EVENT, "ending"),
            _ => (SymbolKind::VARIABLE, "meter"),
        };
        #[allow(deprecated)] // `deprecated` is a field LSP keeps for old clients; it must be given.
        DocumentSymbol {
            name: item
                .id
                .clone()
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| "(no id)".to_owned()),
            detail: Some(detail.to_owned()),
            kind,
            tags: None,
            deprecated: None,
            range: doc.lines.range(&doc.text, &item.span),
            selection_range: doc.lines.range(&doc.text, &name_span),
            children,
        }
    };
    outline
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.parent.is_none())
        .map(|(k, item)| {
            let children = (item.what == What::Node).then(|| {
                outline
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, child)| child.parent == Some(k))
                    .map(|(c, _)| symbol(c, None))
                    .collect()
            });
            symbol(k, children)
        })
        .collect()
}
