//! The scenario's graph for trainers: caller lines as boxes, replies as
//! arrows labelled with their points, endings shaped and coloured by kind.
//! DOT, Mermaid, and an SVG laid out here so it opens in a browser without
//! Graphviz.

mod layout;

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::analysis::{Graph, Objective, To, typical_start};
use crate::engine::{Choice, EndingRef, Model};
use crate::points::Points;
use crate::scenario::{Action, Condition, EndingKind, Reply};

use layout::{LinkIn, Outline, Rect, Role, SpotIn};

/// Graphviz DOT.
pub fn dot(model: &Model, lang: &str) -> String {
    Design::of(model, lang).dot()
}

/// A Mermaid flowchart.
pub fn mermaid(model: &Model, lang: &str) -> String {
    Design::of(model, lang).mermaid()
}

/// A self-contained SVG with a legend.
pub fn svg(model: &Model, lang: &str) -> String {
    Design::of(model, lang).svg()
}

/// The graph as all three formats see it.
struct Design {
    scenario_id: String,
    title: String,
    spots: Vec<Spot>,
    links: Vec<Link>,
    start: usize,
}

/// A box in the graph: a caller line, an ending, or "after any reply".
struct Spot {
    id: String,
    what: What,
    /// The caller's first line, shortened, or the ending's title.
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Node,
    Ending(EndingKind),
    /// Where threshold endings and hanging up come from: any turn.
    AnyTurn,
}

/// An arrow: a reply (or one of its conditional branches), a threshold, or
/// hanging up.
struct Link {
    from: usize,
    to: usize,
    /// The reply's id, or what triggers a threshold or hang-up.
    head: String,
    tags: Vec<Tag>,
    /// "only if …", "once", "if …", "otherwise".
    conditions: Vec<String>,
    points: Option<Points>,
    /// Taken only under a condition the trainee does not choose.
    dashed: bool,
    /// On the path the analysis finds best.
    best: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    CheckAccount,
    Hold(u32),
    Transfer,
    EndCall,
    OverAccommodation,
}

impl Tag {
    fn text(self) -> String {
        match self {
            Tag::CheckAccount => "check account".to_owned(),
            Tag::Hold(seconds) if seconds >= 60 && seconds % 60 == 0 => format!("hold {} min", seconds / 60),
            Tag::Hold(seconds) => format!("hold {seconds} s"),
            Tag::Transfer => "transfer".to_owned(),
            Tag::EndCall => "end call".to_owned(),
            Tag::OverAccommodation => "⚠ over-accommodation".to_owned(),
        }
    }

    /// Chip background and text colour in the SVG.
    fn colours(self) -> (&'static str, &'static str) {
        match self {
            Tag::CheckAccount => ("#D6EAF8", "#003F66"),
            Tag::Hold(_) => ("#FAF0B4", "#4D4300"),
            Tag::Transfer => ("#FCE2BD", "#5C3A00"),
            Tag::EndCall => ("#E4E4E4", "#111111"),
            Tag::OverAccommodation => ("#A63D00", "#FFFFFF"),
        }
    }
}

/// Colours from Okabe and Ito's palette, told apart with any colour vision;
/// the shapes differ too, so print in black and white still works.
fn ending_style(kind: EndingKind) -> (&'static str, &'static str) {
    match kind {
        EndingKind::Delighted => ("#009E73", "delighted"),
        EndingKind::Resolved => ("#56B4E9", "resolved"),
        EndingKind::Escalated => ("#F0E442", "escalated"),
        EndingKind::Complaint => ("#D55E00", "complaint"),
        EndingKind::CallerHungUp => ("#CC79A7", "caller hung up"),
        EndingKind::AgentHungUp => ("#E69F00", "agent hung up"),
    }
}

/// The label of the "after any reply" arrow for hanging up.
const HANG_UP: &str = "trainee hangs up";

const GAINS: &str = "#0072B2";
const LOSES: &str = "#D55E00";
const NEUTRAL: &str = "#808080";

/// `U+2 A+1 E0 S+3`: understanding, acknowledgement, emotion, assistance.
fn points_text(p: Points) -> String {
    let one = |letter: char, v: i32| {
        if v == 0 {
            format!("{letter}0")
        } else {
            format!("{letter}{v:+}")
        }
    };
    format!(
        "{} {} {} {}",
        one('U', p.understanding),
        one('A', p.acknowledgement),
        one('E', p.emotion),
        one('S', p.assistance)
    )
}

fn total(p: Points) -> i32 {
    p.understanding + p.acknowledgement + p.emotion + p.assistance
}

impl Link {
    fn colour(&self) -> &'static str {
        match self.points.map(total) {
            Some(t) if t > 0 => GAINS,
            Some(t) if t < 0 => LOSES,
            _ => NEUTRAL,
        }
    }

    /// The label as plain lines, for DOT and Mermaid.
    fn lines(&self) -> Vec<String> {
        let mut first = String::new();
        if self.best {
            first.push_str("★ ");
        }
        first.push_str(&self.head);
        for tag in &self.tags {
            let _ = write!(first, " [{}]", tag.text());
        }
        let mut lines = vec![first];
        lines.extend(self.conditions.iter().cloned());
        if let Some(p) = self.points {
            lines.push(points_text(p));
        }
        lines
    }
}

/// A condition in a trainer's words: `anger ≥ 75`, `account checked`.
fn condition_text(c: &Condition) -> String {
    match c {
        Condition::AtLeast(m, v) => format!("{m} ≥ {v}"),
        Condition::AtMost(m, v) => format!("{m} ≤ {v}"),
        Condition::Visited(n) => format!("visited {n}"),
        Condition::NotVisited(n) => format!("not visited {n}"),
        Condition::Used(k) => format!("used {k}"),
        Condition::JustUsed(k) => format!("just used {k}"),
        Condition::Checked => "account checked".to_owned(),
        Condition::AnyOf(list) => match list.as_slice() {
            [one] => condition_text(one),
            _ => format!(
                "({})",
                list.iter().map(condition_text).collect::<Vec<_>>().join(" or ")
            ),
        },
        Condition::Not(inner) => match inner.as_ref() {
            Condition::Checked => "account not checked".to_owned(),
            Condition::Visited(n) => format!("not visited {n}"),
            Condition::NotVisited(n) => format!("visited {n}"),
            other => format!("not {}", condition_text(other)),
        },
    }
}

fn conditions_text(list: &[Condition]) -> String {
    list.iter().map(condition_text).collect::<Vec<_>>().join(" and ")
}

/// One line of text, whitespace runs made single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many columns a character takes: two for East Asian wide characters.
fn char_columns(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// Wraps `text` into at most `max_lines` lines of at most `width` columns,
/// breaking at spaces, or anywhere in text written without them (Chinese).
/// A cut text ends with "…".
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    wrap_by(text, width as f64, max_lines, &|t| columns(t) as f64)
}

/// `wrap`, with line width measured by `measure`.
fn wrap_by(text: &str, width: f64, max_lines: usize, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    // Words, each with whether a space came before it; every wide
    // character is a word of its own.
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let wide = char_columns(c) == 2;
        match words.last_mut() {
            Some((w, _)) if !space && !wide && w.chars().last().is_some_and(|l| char_columns(l) == 1) => {
                w.push(c);
            }
            _ => words.push((c.to_string(), space)),
        }
        space = false;
    }
    // Words longer than a line are split.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for (word, space_before) in words {
        let mut head = String::new();
        let mut first = true;
        for c in word.chars() {
            head.push(c);
            if measure(&head) > width && head.chars().count() > 1 {
                head.pop();
                pieces.push((std::mem::take(&mut head), space_before && first));
                first = false;
                head.push(c);
            }
        }
        pieces.push((head, space_before && first));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut cut = false;
    for (word, space_before) in pieces {
        let sep = if space_before && !line.is_empty() { " " } else { "" };
        let joined = format!("{line}{sep}{word}");
        if measure(&joined) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word));
            if lines.len() == max_lines {
                cut = true;
                line.clear();
                break;
            }
        } else {
            line = joined;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if cut && let Some(last) = lines.last_mut() {
        while !last.is_empty() && measure(&format!("{last}…")) > width {
            last.pop();
        }
        *last = format!("{}…", last.trim_end());
    }
    lines
}

/// A name not yet in `taken`, for the drawing's own boxes.
fn fresh(name: &str, taken: &HashSet<String>) -> String {
    let mut n = name.to_owned();
    while taken.contains(&n) {
        n.push('_');
    }
    n
}

impl Design {
    fn of(model: &Model, lang: &str) -> Design {
        let s = &model.scenario;
        let text = |t| s.text(t, lang);
        let mut spots: Vec<Spot> = s
            .nodes
            .iter()
            .map(|n| Spot {
                id: n.id.clone(),
                what: What::Node,
                text: n
                    .says
                    .first()
                    .map(|l| one_line(text(&l.text)))
                    .unwrap_or_default(),
            })
            .collect();
        spots.extend(s.endings.iter().map(|e| Spot {
            id: e.id.clone(),
            what: What::Ending(e.kind),
            text: one_line(text(&e.title)),
        }));
        let target = |id: &str| {
            s.node_index(id).or_else(|| {
                s.endings
                    .iter()
                    .position(|e| e.id == id)
                    .map(|e| s.nodes.len() + e)
            })
        };

        let mut links = Vec::new();
        for (n, node) in s.nodes.iter().enumerate() {
            for reply in &node.replies {
                reply_links(n, reply, &target, &mut links);
            }
        }

        // Thresholds and hanging up can end the call after any turn.
        let any_turn = spots.len();
        let taken: HashSet<String> = spots.iter().map(|sp| sp.id.clone()).collect();
        spots.push(Spot {
            id: fresh("any turn", &taken),
            what: What::AnyTurn,
            text: "after any reply".to_owned(),
        });
        for t in &s.thresholds {
            if let Some(to) = target(&t.ending) {
                links.push(Link {
                    from: any_turn,
                    to,
                    head: format!("when {}", conditions_text(&t.when)),
                    tags: Vec::new(),
                    conditions: Vec::new(),
                    points: None,
                    dashed: true,
                    best: false,
                });
            }
        }
        if s.nodes.iter().any(|n| !n.done) {
            let to = match s.rules.hang_up.ending.as_deref().and_then(target) {
                Some(to) => to,
                None => {
                    // The engine's own ending for a hang-up nobody wrote.
                    let texts = model.ending_texts(EndingRef::HungUp);
                    let taken: HashSet<String> = spots.iter().map(|sp| sp.id.clone()).collect();
                    spots.push(Spot {
                        id: fresh(texts.id, &taken),
                        what: What::Ending(texts.kind),
                        text: texts.title.get(lang, &s.default_language),
                    });
                    spots.len() - 1
                }
            };
            links.push(Link {
                from: any_turn,
                to,
                head: HANG_UP.to_owned(),
                tags: Vec::new(),
                conditions: vec!["(caller not done)".to_owned()],
                points: Some(s.rules.hang_up.points),
                dashed: true,
                best: false,
            });
        }
        if !links.iter().any(|l| l.from == any_turn) {
            spots.pop();
        }

        mark_best_path(model, &spots, &mut links);

        Design {
            scenario_id: s.id.clone(),
            title: one_line(text(&s.title)),
            spots,
            links,
            start: s.node_index(&s.start).unwrap_or(0),
        }
    }

    fn dot(&self) -> String {
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

    fn mermaid(&self) -> String {
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

/// The arrows one reply draws: its `next`, then one dashed arrow per branch.
fn reply_links(from: usize, reply: &Reply, target: &dyn Fn(&str) -> Option<usize>, links: &mut Vec<Link>) {
    let mut tags = Vec::new();
    match reply.action {
        Action::Say => {}
        Action::CheckAccount => tags.push(Tag::CheckAccount),
        Action::Hold { seconds } => tags.push(Tag::Hold(seconds)),
        Action::Transfer => tags.push(Tag::Transfer),
        Action::EndCall => tags.push(Tag::EndCall),
    }
    if reply.over_accommodation {
        tags.push(Tag::OverAccommodation);
    }
    let mut offered = Vec::new();
    if !reply.when.is_empty() {
        offered.push(format!("only if {}", conditions_text(&reply.when)));
    }
    if reply.once {
        offered.push("once".to_owned());
    }
    let link = |to: usize, condition: Option<String>, dashed: bool| {
        let mut conditions = offered.clone();
        conditions.extend(condition);
        Link {
            from,
            to,
            head: reply.id.clone(),
            tags: tags.clone(),
            conditions,
            points: Some(reply.points),
            dashed,
            best: false,
        }
    };
    if let Some(to) = target(&reply.next) {
        let otherwise = (!reply.branches.is_empty()).then(|| "otherwise".to_owned());
        links.push(link(to, otherwise, false));
    }
    for branch in &reply.branches {
        if let Some(to) = target(&branch.next) {
            links.push(link(
                to,
                Some(format!("if {}", conditions_text(&branch.when))),
                true,
            ));
        }
    }
}

/// Marks the arrows of the path that scores best from a typical start, as
/// `callsim analyze` finds it. One exploration from one start is enough
/// here, a fraction of the full analysis.
fn mark_best_path(model: &Model, spots: &[Spot], links: &mut [Link]) {
    let graph = Graph::explore(model, model.start_state(typical_start(model)));
    let values = graph.values(Objective::TOTAL, true);
    let ending_spot = |id: &str| {
        spots
            .iter()
            .position(|s| s.id == id && matches!(s.what, What::Ending(_)))
    };
    let mut state = 0;
    let mut seen = HashSet::new();
    while seen.insert(state) && state < graph.states.len() {
        let Some(edge) = graph.best_edge(state, Objective::TOTAL, &values) else {
            break;
        };
        let from = graph.states[state].node;
        let to = match edge.to {
            To::State(next) => Some(graph.states[next].node),
            To::Ending(ending) => ending_spot(model.ending_texts(ending).id),
        };
        let head = match edge.choice {
            Choice::Reply(r) => model.scenario.nodes[from].replies[r].id.as_str(),
            Choice::HangUp => HANG_UP,
        };
        let found = links.iter_mut().find(|l| {
            l.head == head && Some(l.to) == to && (l.from == from || spots[l.from].what == What::AnyTurn)
        });
        if let Some(link) = found {
            link.best = true;
        }
        match edge.to {
            To::State(next) => state = next,
            To::Ending(_) => break,
        }
    }
}

/// The caller's words in quotation marks.
fn quoted(text: &str) -> String {
    format!("“{text}”")
}

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn dot_quote(text: &str) -> String {
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

/// A Mermaid label: in quotes, with Mermaid's `#name;` entities for what
/// its parser or the HTML it makes would take as markup.
fn mermaid_quote(text: &str) -> String {
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

/// Text escaped for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

// ---- SVG ----

const SANS: &str = "DejaVu Sans, Verdana, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
const MONO: &str = "DejaVu Sans Mono, Menlo, Consolas, 'Noto Sans Mono CJK SC', monospace";
const NODE_WIDTH: f64 = 200.0;
const ENDING_WIDTH: f64 = 190.0;
const LINE: f64 = 15.0;
const LABEL_LINE: f64 = 14.0;

/// Advance widths of printable ASCII in DejaVu Sans (the font the SVG asks
/// for first, and Debian's default), in thousandths of an em.
const DEJAVU: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const DEJAVU_BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Sans,
    Bold,
    Mono,
}

/// Width of `text` in px at `size`, from DejaVu's metrics plus a little, so
/// boxes hold their text in that font or a narrower one.
fn text_width(text: &str, size: f64, font: Font) -> f64 {
    let thousandths: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if char_columns(c) == 2 {
                1000
            } else if font == Font::Mono {
                602
            } else if (32..127).contains(&code) {
                let i = (code - 32) as usize;
                u32::from(if font == Font::Bold {
                    DEJAVU_BOLD[i]
                } else {
                    DEJAVU[i]
                })
            } else if font == Font::Bold {
                1000
            } else {
                900
            }
        })
        .sum();
    f64::from(thousandths) / 1000.0 * size * 1.04
}

/// A spot's lines as drawn: (text, class).
fn spot_lines(spot: &Spot) -> Vec<(String, &'static str)> {
    match spot.what {
        What::Node => {
            let mut lines = vec![(spot.id.clone(), "id")];
            lines.extend(
                wrap_by(&quoted(&spot.text), NODE_WIDTH - 16.0, 3, &|t| {
                    text_width(t, 12.0, Font::Sans)
                })
                .into_iter()
                .map(|l| (l, "says")),
            );
            lines
        }
        What::Ending(kind) => {
            let mut lines = vec![
                (spot.id.clone(), "id"),
                (ending_style(kind).1.to_uppercase(), "kind"),
            ];
            lines.extend(
                wrap_by(&spot.text, ENDING_WIDTH - 40.0, 3, &|t| {
                    text_width(t, 12.0, Font::Sans)
                })
                .into_iter()
                .map(|l| (l, "says")),
            );
            lines
        }
        What::AnyTurn => vec![
            ("After any reply".to_owned(), "id"),
            ("the call can also end:".to_owned(), "says"),
        ],
    }
}

fn outline(what: What) -> Outline {
    match what {
        What::Node => Outline::Rect,
        What::AnyTurn => Outline::Rect,
        What::Ending(kind) => match kind {
            EndingKind::Delighted | EndingKind::Resolved => Outline::Pill(18.0),
            EndingKind::Escalated => Outline::NarrowTop(16.0),
            EndingKind::Complaint => Outline::PointRight(16.0),
            EndingKind::CallerHungUp => Outline::Hexagon(16.0),
            EndingKind::AgentHungUp => Outline::NarrowBottom(16.0),
        },
    }
}

/// Label rows as drawn: the head (with ★), tag chips, conditions, points.
fn label_size(link: &Link) -> (f64, f64) {
    let head = format!("{}{}", if link.best { "★ " } else { "" }, link.head);
    let mut w = text_width(&head, 12.0, Font::Bold);
    let mut rows = 1.0;
    if !link.tags.is_empty() {
        let chips: f64 = link
            .tags
            .iter()
            .map(|t| text_width(&t.text(), 10.0, Font::Bold) + 12.0)
            .sum();
        w = w.max(chips);
        rows += 1.0;
    }
    for c in &link.conditions {
        w = w.max(text_width(c, 11.0, Font::Sans));
        rows += 1.0;
    }
    if let Some(p) = link.points {
        w = w.max(text_width(&points_text(p), 11.0, Font::Mono));
        rows += 1.0;
    }
    (w + 14.0, rows * LABEL_LINE + 8.0)
}

impl Design {
    fn svg(&self) -> String {
        let spots_in: Vec<SpotIn> = self
            .spots
            .iter()
            .map(|s| {
                let lines = spot_lines(s);
                let (width, role) = match s.what {
                    What::Node => (NODE_WIDTH, Role::Node),
                    What::Ending(_) => (ENDING_WIDTH, Role::Ending),
                    What::AnyTurn => (150.0, Role::AnyTurn),
                };
                SpotIn {
                    width,
                    height: lines.len() as f64 * LINE + 14.0,
                    role,
                    outline: outline(s.what),
                }
            })
            .collect();
        let links_in: Vec<LinkIn> = self
            .links
            .iter()
            .map(|l| {
                let (w, h) = label_size(l);
                LinkIn {
                    from: l.from,
                    to: l.to,
                    label_width: w,
                    label_height: h,
                    priority: if l.best { 1000 } else { 0 } + l.points.map_or(-100, total),
                    straight: l.best,
                }
            })
            .collect();
        let drawing = layout::lay_out(&spots_in, &links_in, self.start);

        let margin = 20.0;
        let min_width = 980.0;
        let width = (drawing.width + 2.0 * margin).max(min_width);
        let (legend, legend_height) = legend(width - 2.0 * margin);
        let header = 46.0 + legend_height + 16.0;
        let height = header + drawing.height + margin;

        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="{SANS}" font-size="12">"#
        );
        let _ = writeln!(
            out,
            "<title>{}</title>",
            xml(&format!("{} ({})", self.title, self.scenario_id))
        );
        out.push_str(&defs());
        let _ = writeln!(
            out,
            r##"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="#FFFFFF"/>"##
        );
        let _ = writeln!(
            out,
            r##"<text x="{margin}" y="30" font-size="20" font-weight="bold" fill="#111111">{}</text>"##,
            xml(&self.title)
        );
        let title_w = text_width(&self.title, 20.0, Font::Bold);
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="30" font-size="13" fill="#555555">{}</text>"##,
            (margin + title_w + 12.0)
                .min(width - margin - text_width(&self.scenario_id, 13.0, Font::Sans) - 4.0)
                .max(margin),
            xml(&self.scenario_id)
        );
        let _ = writeln!(out, r#"<g transform="translate({margin:.0},46)">{legend}</g>"#);
        let _ = writeln!(out, r#"<g transform="translate({margin:.0},{header:.0})">"#);
        self.svg_graph(&mut out, &drawing);
        out.push_str("</g>\n</svg>\n");
        out
    }

    fn svg_graph(&self, out: &mut String, drawing: &layout::Drawing) {
        // Arrows first, then the boxes over them.
        for (k, link) in self.links.iter().enumerate() {
            let colour = link.colour();
            let width = if link.best { 3.2 } else { 1.4 };
            let dash = if link.dashed {
                r#" stroke-dasharray="7 4""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} marker-end="url(#arrow-{})"><title>{}</title></path>"#,
                drawing.paths[k],
                marker_name(colour),
                xml(&link.lines().join(" · "))
            );
        }
        if let Some(start) = drawing.spots.get(self.start) {
            let (x, y) = (start.left(), start.cy);
            let _ = writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{y:.1}" r="7" fill="#000000"/><path d="M{:.1},{y:.1} L{:.1},{y:.1}" stroke="#000000" stroke-width="2.2" marker-end="url(#arrow-start)"/><text x="{:.1}" y="{:.1}" font-size="11" font-weight="bold" fill="#000000">start</text>"##,
                x - 52.0,
                x - 45.0,
                x - 1.0,
                x - 62.0,
                y - 12.0
            );
        }
        for (k, link) in self.links.iter().enumerate() {
            svg_label(out, link, &drawing.labels[k]);
        }
        for (i, spot) in self.spots.iter().enumerate() {
            svg_spot(out, spot, &drawing.spots[i], i == self.start);
        }
    }
}

fn marker_name(colour: &str) -> &'static str {
    match colour {
        GAINS => "gains",
        LOSES => "loses",
        _ => "neutral",
    }
}

fn defs() -> String {
    let mut out = String::from("<defs>\n");
    for (name, colour) in [
        ("gains", GAINS),
        ("loses", LOSES),
        ("neutral", NEUTRAL),
        ("start", "#000000"),
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>"#
        );
    }
    out.push_str("</defs>\n");
    out
}

fn svg_label(out: &mut String, link: &Link, r: &Rect) {
    let colour = link.colour();
    let dash = if link.dashed {
        r#" stroke-dasharray="4 3""#
    } else {
        ""
    };
    let _ = writeln!(
        out,
        r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="5" fill="#FFFFFF" stroke="{colour}" stroke-width="{}"{dash}/>"##,
        r.left(),
        r.top(),
        r.w,
        r.h,
        if link.best { 2.0 } else { 0.8 }
    );
    let x = r.left() + 7.0;
    let mut y = r.top() + 4.0 + LABEL_LINE - 3.0;
    let head = format!("{}{}", if link.best { "★ " } else { "" }, link.head);
    let _ = writeln!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" font-size="12" font-weight="bold" fill="#111111">{}</text>"##,
        xml(&head)
    );
    if !link.tags.is_empty() {
        y += LABEL_LINE;
        let mut cx = x;
        for tag in &link.tags {
            let text = tag.text();
            let w = text_width(&text, 10.0, Font::Bold) + 8.0;
            let (bg, fg) = tag.colours();
            let _ = writeln!(
                out,
                r#"<rect x="{cx:.1}" y="{:.1}" width="{w:.1}" height="13" rx="6" fill="{bg}"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="{fg}">{}</text>"#,
                y - 10.5,
                cx + 4.0,
                y - 0.5,
                xml(&text)
            );
            cx += w + 4.0;
        }
    }
    for c in &link.conditions {
        y += LABEL_LINE;
        let _ = writeln!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" font-style="italic" fill="#333333">{}</text>"##,
            xml(c)
        );
    }
    if let Some(p) = link.points {
        y += LABEL_LINE;
        let fill = if colour == NEUTRAL { "#444444" } else { colour };
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="11" font-family="{MONO}" fill="{fill}">{}</text>"#,
            xml(&points_text(p))
        );
    }
    out.push_str("</g>\n");
}

/// The outline of an ending's shape, as SVG.
fn shape(kind: EndingKind, r: &Rect, fill: &str) -> String {
    let (l, t, rt, b) = (r.left(), r.top(), r.right(), r.bottom());
    let poly = |points: &[(f64, f64)]| {
        let list: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        format!(
            r##"<polygon points="{}" fill="{fill}" stroke="#222222" stroke-width="1.2"/>"##,
            list.join(" ")
        )
    };
    match kind {
        EndingKind::Delighted => format!(
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="18" fill="{fill}" stroke="#222222" stroke-width="1.2"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14" fill="none" stroke="#222222" stroke-width="1.2"/>"##,
            l,
            t,
            r.w,
            r.h,
            l + 4.0,
            t + 4.0,
            r.w - 8.0,
            r.h - 8.0
        ),
        EndingKind::Resolved => format!(
            r##"<rect x="{l:.1}" y="{t:.1}" width="{:.1}" height="{:.1}" rx="18" fill="{fill}" stroke="#222222" stroke-width="1.2"/>"##,
            r.w, r.h
        ),
        EndingKind::Escalated => poly(&[(l + 16.0, t), (rt - 16.0, t), (rt, b), (l, b)]),
        EndingKind::Complaint => poly(&[(l, t), (rt - 16.0, t), (rt, r.cy), (rt - 16.0, b), (l, b)]),
        EndingKind::CallerHungUp => poly(&[
            (l + 16.0, t),
            (rt - 16.0, t),
            (rt, r.cy),
            (rt - 16.0, b),
            (l + 16.0, b),
            (l, r.cy),
        ]),
        EndingKind::AgentHungUp => poly(&[(l, t), (rt, t), (rt - 16.0, b), (l + 16.0, b)]),
    }
}

fn svg_spot(out: &mut String, spot: &Spot, r: &Rect, is_start: bool) {
    out.push_str("<g>");
    match spot.what {
        What::Node => {
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#FFFFFF" stroke="#222222" stroke-width="{}"/>"##,
                r.left(),
                r.top(),
                r.w,
                r.h,
                if is_start { 2.6 } else { 1.2 }
            );
        }
        What::Ending(kind) => out.push_str(&shape(kind, r, ending_style(kind).0)),
        What::AnyTurn => {
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#F4F4F4" stroke="#555555" stroke-width="1.2" stroke-dasharray="6 4"/>"##,
                r.left(),
                r.top(),
                r.w,
                r.h
            );
        }
    }
    let lines = spot_lines(spot);
    let mut y = r.top() + 7.0 + LINE - 3.0;
    for (text, class) in lines {
        let (size, weight, style) = match class {
            "id" => (13.0, "bold", "normal"),
            "kind" => (10.0, "bold", "normal"),
            _ => (
                12.0,
                "normal",
                if spot.what == What::Node {
                    "italic"
                } else {
                    "normal"
                },
            ),
        };
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{y:.1}" text-anchor="middle" font-size="{size}" font-weight="{weight}" font-style="{style}" fill="#000000">{}</text>"##,
            r.cx,
            xml(&text)
        );
        y += LINE;
    }
    out.push_str("</g>\n");
}

/// The legend: ending shapes and colours, arrow styles and tags. Returns
/// the SVG and its height; it wraps to `width`.
fn legend(width: f64) -> (String, f64) {
    let mut out = String::new();
    let mut x = 0.0;
    let mut y = 0.0;
    let row = 30.0;
    let place = |w: f64, x: &mut f64, y: &mut f64| {
        if *x > 0.0 && *x + w > width {
            *x = 0.0;
            *y += row;
        }
        let at = (*x, *y);
        *x += w + 18.0;
        at
    };
    for kind in EndingKind::ALL {
        let (colour, name) = ending_style(kind);
        let w = 56.0 + 6.0 + text_width(name, 12.0, Font::Sans);
        let (px, py) = place(w, &mut x, &mut y);
        let r = Rect {
            cx: px + 28.0,
            cy: py + 11.0,
            w: 56.0,
            h: 22.0,
        };
        let small = shape(kind, &r, colour)
            .replace("rx=\"18\"", "rx=\"11\"")
            .replace("rx=\"14\"", "rx=\"8\"");
        let _ = write!(
            out,
            r##"{small}<text x="{:.1}" y="{:.1}" fill="#111111">{}</text>"##,
            px + 62.0,
            py + 15.0,
            xml(name)
        );
    }
    x = 0.0;
    y += row;
    let arrows = [
        (GAINS, false, false, "reply earns points"),
        (LOSES, false, false, "reply loses points"),
        (NEUTRAL, false, false, "no points"),
        (NEUTRAL, true, false, "only under a condition"),
        (GAINS, false, true, "★ best path"),
    ];
    for (colour, dashed, best, text) in arrows {
        let w = 44.0 + 6.0 + text_width(text, 12.0, Font::Sans);
        let (px, py) = place(w, &mut x, &mut y);
        let dash = if dashed { r#" stroke-dasharray="7 4""# } else { "" };
        let _ = write!(
            out,
            r##"<path d="M{:.1},{:.1} L{:.1},{:.1}" stroke="{colour}" stroke-width="{}"{dash} marker-end="url(#arrow-{})"/><text x="{:.1}" y="{:.1}" fill="#111111">{}</text>"##,
            px,
            py + 11.0,
            px + 42.0,
            py + 11.0,
            if best { 3.2 } else { 1.4 },
            marker_name(colour),
            px + 50.0,
            py + 15.0,
            xml(text)
        );
    }
    let points = "U understanding · A acknowledgement · E emotion · S assistance";
    let (px, py) = place(text_width(points, 12.0, Font::Sans), &mut x, &mut y);
    let _ = write!(
        out,
        r##"<text x="{px:.1}" y="{:.1}" fill="#111111">{}</text>"##,
        py + 15.0,
        xml(points)
    );
    x = 0.0;
    y += row;
    for tag in [
        Tag::CheckAccount,
        Tag::Hold(60),
        Tag::Transfer,
        Tag::EndCall,
        Tag::OverAccommodation,
    ] {
        let text = if let Tag::Hold(_) = tag {
            "hold".to_owned()
        } else {
            tag.text()
        };
        let w = text_width(&text, 10.0, Font::Bold) + 8.0;
        let (px, py) = place(w, &mut x, &mut y);
        let (bg, fg) = tag.colours();
        let _ = write!(
            out,
            r#"<rect x="{px:.1}" y="{:.1}" width="{w:.1}" height="13" rx="6" fill="{bg}"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="{fg}">{}</text>"#,
            py + 4.5,
            px + 4.0,
            py + 14.0,
            xml(&text)
        );
    }
    let note = "arrows leave a caller line on the right; an arrow coming in on the right goes back to an earlier line";
    let (px, py) = place(text_width(note, 12.0, Font::Sans), &mut x, &mut y);
    let _ = write!(
        out,
        r##"<text x="{px:.1}" y="{:.1}" fill="#444444">{}</text>"##,
        py + 15.0,
        xml(note)
    );
    (out, y + row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_like_the_brief() {
        let p = Points::new(2, 1, 0, 3);
        assert_eq!(points_text(p), "U+2 A+1 E0 S+3");
        assert_eq!(points_text(Points::new(-1, 0, -2, 0)), "U-1 A0 E-2 S0");
    }

    #[test]
    fn wrapping_keeps_words_and_cuts_with_an_ellipsis() {
        assert_eq!(wrap("one two three", 7, 3), vec!["one two", "three"]);
        let cut = wrap("aaa bbb ccc ddd", 7, 1);
        assert_eq!(cut, vec!["aaa bb…"]);
        // Chinese has no spaces: it breaks between characters, two columns each.
        let zh = wrap("我充值了一百元还没收到", 8, 3);
        assert_eq!(zh[0], "我充值了");
        assert!(zh.iter().all(|l| columns(l) <= 8), "{zh:?}");
    }

    #[test]
    fn conditions_read_as_words() {
        let c = Condition::AnyOf(vec![
            Condition::Visited("demands".into()),
            Condition::AtLeast("anger".into(), 90),
        ]);
        assert_eq!(condition_text(&c), "(visited demands or anger ≥ 90)");
        assert_eq!(
            condition_text(&Condition::Not(Box::new(Condition::Checked))),
            "account not checked"
        );
    }

    #[test]
    fn escaping_per_format() {
        assert_eq!(dot_quote("say \"hi\" \\ <b>"), r#""say \"hi\" \\ <b>""#);
        assert_eq!(
            mermaid_quote("a \"b\" <c> & #d"),
            "\"a #quot;b#quot; #lt;c#gt; #amp; #35;d\""
        );
        assert_eq!(xml("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }
}
