//! Hover: on a reply, its points, effects, coaching note and where it
//! leads; on a node, the caller's line and the replies that lead there; on
//! an ending, its kind and what reaches it; on a meter, its range. Read
//! from the last version of the file that read as a scenario, found by
//! the ids under the cursor in the current text.

use std::fmt::Write as _;

use callsim_core::Scenario;
use callsim_core::points::Skill;
use callsim_core::scenario::lex::{Tok, Tokens};
use callsim_core::scenario::{Action, Reply};

use crate::document::Document;
use crate::outline::{Walk, What};

/// Markdown for the hover at `offset`, if there is anything to say.
pub fn hover(doc: &Document, offset: usize) -> Option<String> {
    let s = doc.scenario()?;
    if let Some(symbol) = doc.outline.symbol_at(offset) {
        let id = symbol.id.as_str();
        return match symbol.what {
            What::Reply => reply(s, doc.outline.node_of(symbol)?, id),
            What::Node => node(s, id),
            What::Ending => ending(s, id),
            What::Target if s.node(id).is_some() => node(s, id),
            What::Target => ending(s, id),
            What::Meter => meter(s, id),
            What::Kind => kind(s, id),
        };
    }
    // On a reply's text: the reply.
    let tokens = Tokens::read(&doc.text);
    let i = tokens.at(offset);
    let on_string = tokens
        .get(i)
        .is_some_and(|t| matches!(t.kind, Tok::Str { .. }) && t.span.start <= offset);
    let walk = Walk::before(&tokens, i);
    if on_string
        && walk
            .shape(walk.child_step().as_ref())
            .starts_with("nodes[].replies[].text")
    {
        let item = doc.outline.item_at(offset, What::Reply)?;
        let node = doc.outline.items.get(item.parent?)?.id.as_deref()?;
        return reply(s, node, item.id.as_deref()?);
    }
    None
}

fn reply(s: &Scenario, node_id: &str, id: &str) -> Option<String> {
    let r: &Reply = s.node(node_id)?.replies.iter().find(|r| r.id == id)?;
    let lang = s.default_language.as_str();
    let mut out = format!("**reply** `{id}` at node `{node_id}` · kind `{}`", r.kind);
    if r.action != Action::Say {
        let _ = write!(out, " · {}", action(r.action));
    }
    let _ = write!(out, "\n\n\"{}\"\n\n", s.text(&r.text, lang));
    let p = r.points;
    let skills: Vec<String> = Skill::ALL
        .iter()
        .filter(|k| p.get(**k) != 0)
        .map(|k| format!("{} {:+}", k.name(), p.get(*k)))
        .collect();
    if skills.is_empty() {
        out.push_str("points: none");
    } else {
        let _ = write!(
            out,
            "points: {} (respect {:+}, sincerity {:+})",
            skills.join(", "),
            p.respect(),
            p.sincerity()
        );
    }
    if !r.effects.0.is_empty() {
        let effects: Vec<String> = r.effects.0.iter().map(|(m, v)| format!("{m} {v:+}")).collect();
        let _ = write!(out, "  \neffects: {}", effects.join(", "));
    }
    let note = s.text(&r.note, lang);
    if note.trim().is_empty() {
        out.push_str("  \nnote: none (the trainee is not told why)");
    } else {
        let _ = write!(out, "  \nnote: {note}");
    }
    let _ = write!(out, "  \nnext: `{}`", r.next);
    for b in &r.branches {
        let _ = write!(out, ", or `{}` when its conditions hold", b.next);
    }
    if r.once {
        out.push_str("  \noffered only until chosen once");
    }
    if r.over_accommodation {
        out.push_str("  \nover-accommodation: the debrief names it, and it is never a win");
    }
    Some(out)
}

fn action(a: Action) -> String {
    match a {
        Action::Say => "Say".to_owned(),
        Action::CheckAccount => "CheckAccount".to_owned(),
        Action::Hold { seconds } => format!("Hold {seconds} s"),
        Action::Transfer => "Transfer".to_owned(),
        Action::EndCall => "EndCall".to_owned(),
    }
}

/// The replies (`node` / `reply`) whose `next` or a branch leads to `id`.
fn leading_to(s: &Scenario, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in &s.nodes {
        for r in &n.replies {
            if r.next == id {
                out.push(format!("`{}` → reply `{}`", n.id, r.id));
            }
            if r.branches.iter().any(|b| b.next == id) {
                out.push(format!("`{}` → reply `{}` (a branch)", n.id, r.id));
            }
        }
    }
    out
}

fn node(s: &Scenario, id: &str) -> Option<String> {
    let n = s.node(id)?;
    let lang = s.default_language.as_str();
    let mut out = format!("**node** `{id}`");
    if n.done {
        out.push_str(" · the caller is done");
    }
    // The line said when no mood condition picks another.
    if let Some(line) = n.says.iter().find(|l| l.when.is_empty()).or(n.says.first()) {
        let _ = write!(out, "\n\ncaller: \"{}\"", s.text(&line.text, lang));
        if n.says.len() > 1 {
            let _ = write!(out, " ({} more by mood or chance)", n.says.len() - 1);
        }
    }
    let mut from = leading_to(s, id);
    if s.start == id {
        from.insert(0, "the start of the call".to_owned());
    }
    let replies: Vec<String> = n.replies.iter().map(|r| format!("`{}`", r.id)).collect();
    let _ = write!(out, "\n\nreplies: {}", replies.join(", "));
    reached_from(&mut out, &from);
    Some(out)
}

fn ending(s: &Scenario, id: &str) -> Option<String> {
    let e = s.ending(id)?;
    let lang = s.default_language.as_str();
    let mut out = format!(
        "**ending** `{id}` · {} · \"{}\"\n\n{}",
        e.kind.name(),
        s.text(&e.title, lang),
        s.text(&e.debrief, lang)
    );
    let mut from = leading_to(s, id);
    for (t, threshold) in s.thresholds.iter().enumerate() {
        if threshold.ending == id {
            from.push(format!("threshold {}", t + 1));
        }
    }
    if s.rules.hang_up.ending.as_deref() == Some(id) {
        from.push("the trainee hanging up".to_owned());
    }
    reached_from(&mut out, &from);
    Some(out)
}

/// The ways into a node or an ending, one a line.
fn reached_from(out: &mut String, from: &[String]) {
    if from.is_empty() {
        out.push_str("\n\nnothing leads here");
        return;
    }
    out.push_str("\n\nreached from:\n");
    for way in from {
        let _ = write!(out, "\n- {way}");
    }
}

fn meter(s: &Scenario, id: &str) -> Option<String> {
    let m = s.persona.meters.iter().find(|m| m.id == id)?;
    let lang = s.default_language.as_str();
    let label = s.text(&m.label, lang);
    let start = if m.start.low() == m.start.high() {
        format!("{}", m.start.low())
    } else {
        format!("anywhere from {} to {}", m.start.low(), m.start.high())
    };
    let label = if label.is_empty() { id } else { label };
    Some(format!(
        "**meter** `{id}` · \"{label}\"\n\n{} to {}, starts at {start}",
        m.min, m.max
    ))
}

fn kind(s: &Scenario, id: &str) -> Option<String> {
    let users: Vec<String> = s
        .nodes
        .iter()
        .flat_map(|n| {
            n.replies
                .iter()
                .filter(|r| r.kind == id)
                .map(move |r| format!("`{}` → `{}`", n.id, r.id))
        })
        .collect();
    let mut out = format!("**reply kind** `{id}`");
    let shown = s.kind_name(id, &s.default_language);
    if shown != id {
        let _ = write!(out, " · shown as \"{shown}\"");
    }
    let _ = write!(
        out,
        "\n\n{} repl{}: {}",
        users.len(),
        if users.len() == 1 { "y" } else { "ies" },
        users.join(", ")
    );
    Some(out)
}
