//! Graphviz DOT: the graph as text for `dot -Tsvg` or any viewer of DOT.

use std::fmt::Write as _;

use super::*;

impl Design {
    pub(super) fn dot(&self) -> String {
        let q = dot_quote;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "// {}: caller lines (boxes), replies (arrows, U understanding A acknowledgement E emotion S assistance), endings by kind.",
            one_line(&self.title)
        );
        let _ = writeln!(
            out,
            "// Dashed: a conditional branch, or an ending that can come after any reply. ★: the best path."
        );
        let _ = writeln!(out, "digraph {} {{", q(&self.scenario_id));
        let _ = writeln!(
            out,
            "  graph [rankdir=LR, charset=\"UTF-8\", label={}, labelloc=t, fontname=\"DejaVu Sans,Arial,sans-serif\", nodesep=0.25, ranksep=0.5];",
            q(&format!("{} ({})", self.title, self.scenario_id))
        );
        let _ = writeln!(
            out,
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#FFFFFF\", color=\"#333333\", fontname=\"DejaVu Sans,Arial,sans-serif\", fontsize=11];"
        );
        let _ = writeln!(
            out,
            "  edge [fontname=\"DejaVu Sans Mono,monospace\", fontsize=9, arrowsize=0.7];"
        );
        let taken: HashSet<String> = self.spots.iter().map(|s| s.id.clone()).collect();
        let start_id = fresh("start", &taken);
        let _ = writeln!(
            out,
            "  {} [label=\"start\", shape=circle, style=filled, fillcolor=\"#000000\", fontcolor=\"#FFFFFF\", fontsize=9, width=0.55, fixedsize=true];",
            q(&start_id)
        );
        for (i, spot) in self.spots.iter().enumerate() {
            let attrs = match spot.what {
                What::Node => {
                    let label = format!("{}\n{}", spot.id, wrap(&quoted(&spot.text), 34, 3).join("\n"));
                    let bold = if i == self.start { ", penwidth=2.5" } else { "" };
                    format!("label={}{bold}", q(&label))
                }
                What::Ending(kind) => {
                    let (colour, name) = ending_style(kind);
                    let label = format!(
                        "{}\n{}\n{}",
                        spot.id,
                        name.to_uppercase(),
                        wrap(&spot.text, 30, 3).join("\n")
                    );
                    let shape = match kind {
                        EndingKind::Delighted => {
                            "shape=box, style=\"rounded,filled\", peripheries=2, penwidth=2"
                        }
                        EndingKind::Resolved => "shape=box, style=\"rounded,filled\"",
                        EndingKind::Escalated => "shape=trapezium, style=filled",
                        EndingKind::Complaint => "shape=cds, style=filled",
                        EndingKind::CallerHungUp => "shape=hexagon, style=filled",
                        EndingKind::AgentHungUp => "shape=invtrapezium, style=filled",
                    };
                    format!("label={}, {shape}, fillcolor=\"{colour}\"", q(&label))
                }
                What::AnyTurn => format!(
                    "label={}, shape=note, style=\"dashed,filled\", fillcolor=\"#F4F4F4\"",
                    q(&spot.text)
                ),
            };
            let _ = writeln!(out, "  {} [{attrs}];", q(&spot.id));
        }
        let endings: Vec<String> = self
            .spots
            .iter()
            .filter(|s| matches!(s.what, What::Ending(_)))
            .map(|s| q(&s.id))
            .collect();
        if !endings.is_empty() {
            let _ = writeln!(out, "  {{ rank=sink; {}; }}", endings.join("; "));
        }
        if let Some(start) = self.spots.get(self.start) {
            let _ = writeln!(out, "  {} -> {} [penwidth=2];", q(&start_id), q(&start.id));
        }
        for link in &self.links {
            let colour = link.colour();
            let mut attrs = format!(
                "label={}, color=\"{colour}\", fontcolor=\"{}\"",
                q(&link.lines().join("\n")),
                if colour == NEUTRAL { "#444444" } else { colour }
            );
            if link.dashed {
                attrs.push_str(", style=dashed");
            }
            if link.best {
                attrs.push_str(", penwidth=3");
            }
            let _ = writeln!(
                out,
                "  {} -> {} [{attrs}];",
                q(&self.spots[link.from].id),
                q(&self.spots[link.to].id)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
pub(super) fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
