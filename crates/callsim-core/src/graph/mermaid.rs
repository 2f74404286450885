//! Mermaid: the graph as a flowchart that renders in Markdown viewers.

use std::fmt::Write as _;

use super::*;

impl Design {
    pub(super) fn mermaid(&self) -> String {
        let ids = mermaid_ids(&self.spots);
        let q = mermaid_quote;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "%% {} ({})",
            one_line(&self.title),
            one_line(&self.scenario_id)
        );
        let _ = writeln!(
            out,
            "%% Replies are labelled with their points: U understanding, A acknowledgement, E emotion, S assistance. Dashed: conditional. ★: the best path."
        );
        out.push_str("flowchart LR\n");
        let taken: HashSet<String> = ids.iter().cloned().collect();
        let start_id = fresh("call_start", &taken);
        let _ = writeln!(out, "    {start_id}((\"start\"))");
        for (i, spot) in self.spots.iter().enumerate() {
            let id = &ids[i];
            let line = match spot.what {
                What::Node => {
                    let label = format!("{}\n{}", spot.id, wrap(&quoted(&spot.text), 34, 3).join("\n"));
                    format!("{id}[{}]", q(&label))
                }
                What::Ending(kind) => {
                    let label = format!(
                        "{}\n{}\n{}",
                        spot.id,
                        ending_style(kind).1.to_uppercase(),
                        wrap(&spot.text, 30, 3).join("\n")
                    );
                    let label = q(&label);
                    match kind {
                        EndingKind::Delighted | EndingKind::Resolved => format!("{id}([{label}])"),
                        EndingKind::Escalated => format!("{id}[/{label}\\]"),
                        EndingKind::Complaint => format!("{id}>{label}]"),
                        EndingKind::CallerHungUp => format!("{id}{{{{{label}}}}}"),
                        EndingKind::AgentHungUp => format!("{id}[\\{label}/]"),
                    }
                }
                What::AnyTurn => format!("{id}[[{}]]", q(&spot.text)),
            };
            let _ = writeln!(out, "    {line}");
        }
        let mut styles = Vec::new();
        if let Some(start) = ids.get(self.start) {
            let _ = writeln!(out, "    {start_id} ==> {start}");
            styles.push("stroke:#000000,stroke-width:2px".to_owned());
        }
        for link in &self.links {
            let arrow = match (link.dashed, link.best) {
                (true, _) => "-.->",
                (false, true) => "==>",
                (false, false) => "-->",
            };
            let _ = writeln!(
                out,
                "    {} {arrow}|{}| {}",
                ids[link.from],
                q(&link.lines().join("\n")),
                ids[link.to]
            );
            let width = if link.best { 3 } else { 1 };
            styles.push(format!("stroke:{},stroke-width:{width}px", link.colour()));
        }
        for (n, style) in styles.iter().enumerate() {
            let _ = writeln!(out, "    linkStyle {n} {style}");
        }
        out.push_str("    classDef k_line fill:#FFFFFF,stroke:#333333,color:#000000\n");
        out.push_str(
            "    classDef k_start_line fill:#FFFFFF,stroke:#000000,stroke-width:3px,color:#000000\n",
        );
        out.push_str(
            "    classDef k_any_turn fill:#F4F4F4,stroke:#555555,stroke-dasharray:5 5,color:#000000\n",
        );
        out.push_str("    classDef k_start fill:#000000,stroke:#000000,color:#FFFFFF\n");
        for kind in EndingKind::ALL {
            let (colour, _) = ending_style(kind);
            let width = if kind == EndingKind::Delighted { 4 } else { 1 };
            let _ = writeln!(
                out,
                "    classDef k_{} fill:{colour},stroke:#000000,stroke-width:{width}px,color:#000000",
                kind.name().to_lowercase()
            );
        }
        let _ = writeln!(out, "    class {start_id} k_start");
        for (i, spot) in self.spots.iter().enumerate() {
            let class = match spot.what {
                What::Node if i == self.start => "k_start_line".to_owned(),
                What::Node => "k_line".to_owned(),
                What::Ending(kind) => format!("k_{}", kind.name().to_lowercase()),
                What::AnyTurn => "k_any_turn".to_owned(),
            };
            let _ = writeln!(out, "    class {} {class}", ids[i]);
        }
        out
    }
}

/// A Mermaid label: in quotes, with Mermaid's `#name;` entities for what
/// its parser or the HTML it makes would take as markup.
pub(super) fn mermaid_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mermaid ids: letters, digits and `_` only, prefixed so no scenario id
/// can become one of Mermaid's keywords (`end`, `graph`, …), unique.
fn mermaid_ids(spots: &[Spot]) -> Vec<String> {
    let mut taken = HashSet::new();
    spots
        .iter()
        .map(|s| {
            let prefix = match s.what {
                What::Node => "n_",
                What::Ending(_) => "e_",
                What::AnyTurn => "t_",
            };
            let clean: String =
                s.id.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
            let mut id = format!("{prefix}{clean}");
            while !taken.insert(id.clone()) {
                id.push('_');
            }
            id
        })
        .collect()
}
