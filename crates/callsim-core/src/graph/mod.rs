//! The scenario's graph for trainers: caller lines as boxes, replies as
//! arrows labelled with their points, endings shaped and coloured by kind.
//! DOT, Mermaid, and an SVG laid out here so it opens in a browser without
//! Graphviz.

mod dot;
mod layout;
mod mermaid;
mod svg;

use std::collections::HashSet;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

use crate::analysis::{Graph, Objective, To, typical_start};
use crate::engine::{Choice, EndingRef, Model};
use crate::points::Points;
use crate::scenario::{Action, Condition, EndingKind, Reply};

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

#[derive(Clone, PartialEq, Eq)]
enum Tag {
    CheckAccount,
    Hold(u32),
    /// To a supervisor, or to a `policy.transfers` target by id.
    Transfer(Option<String>),
    EndCall,
    OverAccommodation,
}

impl Tag {
    fn text(&self) -> String {
        match *self {
            Tag::CheckAccount => "check account".to_owned(),
            Tag::Hold(seconds) if seconds >= 60 && seconds % 60 == 0 => format!("hold {} min", seconds / 60),
            Tag::Hold(seconds) => format!("hold {seconds} s"),
            Tag::Transfer(None) => "transfer".to_owned(),
            Tag::Transfer(Some(ref to)) => format!("transfer → {to}"),
            Tag::EndCall => "end call".to_owned(),
            Tag::OverAccommodation => "⚠ over-accommodation".to_owned(),
        }
    }

    /// Chip background and text colour in the SVG.
    fn colours(&self) -> (&'static str, &'static str) {
        match self {
            Tag::CheckAccount => ("#D6EAF8", "#003F66"),
            Tag::Hold(_) => ("#FAF0B4", "#4D4300"),
            Tag::Transfer(_) => ("#FCE2BD", "#5C3A00"),
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

/// Conditions in a trainer's words, joined by "and": `anger ≥ 75 and
/// account checked`. Also the translation export's context notes.
pub fn conditions_text(list: &[Condition]) -> String {
    list.iter().map(condition_text).collect::<Vec<_>>().join(" and ")
}

/// One line of text, whitespace runs made single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many columns a character takes: two for East Asian wide characters
/// (Unicode's own table, as the terminal output uses), one for the rest.
fn char_columns(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(1).max(1)
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
/// The caller's words in quotation marks.
fn quoted(text: &str) -> String {
    format!("“{text}”")
}

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
}

/// The arrows one reply draws: its `next`, then one dashed arrow per branch.
fn reply_links(from: usize, reply: &Reply, target: &dyn Fn(&str) -> Option<usize>, links: &mut Vec<Link>) {
    let mut tags = Vec::new();
    match reply.action {
        Action::Say => {}
        Action::CheckAccount => tags.push(Tag::CheckAccount),
        Action::Hold { seconds } => tags.push(Tag::Hold(seconds)),
        Action::Transfer => tags.push(Tag::Transfer(reply.to.clone())),
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
            Choice::HangUp | Choice::NotUnderstood => HANG_UP,
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

#[cfg(test)]
mod tests {
    use super::dot::dot_quote;
    use super::mermaid::mermaid_quote;
    use super::svg::xml;
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
