//! Understanding a typed reply: which of the replies offered at this moment
//! the trainee's own words mean, or that they mean none of them.
//!
//! Each reply is known by every way the scenario writes it: its text in
//! every language the file has, and its `examples`. A [`Phrasebook`] embeds
//! them all once per scenario with the sentence encoder
//! (`callsim-encoder`). A typed text is embedded, compared with the phrases
//! of every candidate reply (cosine similarity, a reply scoring as its
//! closest phrase), and judged: **understood** (clearly one reply),
//! **unsure** (a close call between two, or a middling match) or **not
//! understood**. The verdict's thresholds have defaults measured on the
//! shipped scenarios (docs/performance.md) and a scenario may tune them
//! (`rules.understanding`).
//!
//! A typed reply that is understood is played as the authored reply it
//! means, so the engine, the analysis and the best-play guarantee are the
//! same as when the trainee picks from the list. Everything here is
//! deterministic: the same text, scenario and state give the same result on
//! every machine.

use callsim_encoder::{Embedding, Encoder};
use serde::{Deserialize, Serialize};

use crate::call::{Call, CallError, Step, Typed};
use crate::engine::{Choice, Model, State};
use crate::scenario::UnderstandingRule;

/// The longest typed reply read, in characters; the rest is cut, and the
/// trainee is told.
pub const MAX_CHARS: usize = 400;

/// What the game made of a typed reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Clearly one reply: it is played.
    Understood,
    /// A close call between two replies, or a middling match: the trainee
    /// picks which was meant, or says it another way.
    Unsure,
    /// No reply is close: the caller says they did not follow.
    NotUnderstood,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Understood => "understood",
            Verdict::Unsure => "unsure",
            Verdict::NotUnderstood => "not_understood",
        }
    }
}

/// Every phrase of every reply of one scenario, embedded: `[node][reply]`.
pub struct Phrasebook {
    phrases: Vec<Vec<Vec<Embedding>>>,
}

impl std::fmt::Debug for Phrasebook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count: usize = self.phrases.iter().flatten().map(Vec::len).sum();
        f.debug_struct("Phrasebook").field("phrases", &count).finish()
    }
}

impl Phrasebook {
    /// Embeds each reply's text in every language it is written in and each
    /// of its examples.
    pub fn new(model: &Model, encoder: &Encoder) -> Phrasebook {
        let phrases = model
            .scenario
            .nodes
            .iter()
            .map(|node| {
                node.replies
                    .iter()
                    .map(|reply| phrases(reply).into_iter().map(|t| encoder.embed(t)).collect())
                    .collect()
            })
            .collect();
        Phrasebook { phrases }
    }

    /// How many phrases were embedded.
    pub fn len(&self) -> usize {
        self.phrases.iter().flatten().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The reply of a node other than `node` closest to `typed`, among
    /// those `counts(node, reply)` keeps: its node and reply indices and
    /// similarity.
    fn closest_elsewhere(
        &self,
        node: usize,
        typed: &Embedding,
        counts: impl Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize, f32)> {
        let mut best: Option<(usize, usize, f32)> = None;
        for (n, replies) in self.phrases.iter().enumerate().filter(|(n, _)| *n != node) {
            for r in (0..replies.len()).filter(|&r| counts(n, r)) {
                let similarity = self.similarity(n, r, typed);
                // Strictly closer only: ties keep the first in file order.
                if best.is_none_or(|(_, _, b)| similarity > b) {
                    best = Some((n, r, similarity));
                }
            }
        }
        best
    }

    /// The similarity of `typed` to reply `reply` of node `node`: its
    /// closest phrase's.
    fn similarity(&self, node: usize, reply: usize, typed: &Embedding) -> f32 {
        self.phrases
            .get(node)
            .and_then(|n| n.get(reply))
            .map_or(0.0, |phrases| {
                // Both unit length: the dot product is the cosine.
                phrases
                    .iter()
                    .map(|p| p.dot(typed))
                    .fold(f32::MIN, f32::max)
                    .max(-1.0)
            })
    }
}

/// The ways a reply is known, the phrases a typed text is compared with:
/// its text in every language the file has, then each of its examples,
/// blank ones left out (a phrase repeated right after itself once).
pub fn phrases(reply: &crate::scenario::Reply) -> Vec<&str> {
    let mut texts: Vec<&str> = reply.text.all().collect();
    texts.extend(reply.examples.iter().flat_map(|e| e.all()));
    texts.retain(|t| !t.trim().is_empty());
    texts.dedup();
    texts
}

/// A reply the typed text was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The reply's index in its node.
    pub index: usize,
    pub reply: String,
    pub similarity: f32,
    /// Offered at this moment (its conditions hold).
    pub offered: bool,
}

/// A reply of another moment of the call that a typed text was closer to
/// than to any reply on offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elsewhere {
    pub node: String,
    pub reply: String,
    pub similarity: f32,
}

/// The judgement of one typed text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// The text as read: trimmed, cut at [`MAX_CHARS`].
    pub text: String,
    /// The text was longer than [`MAX_CHARS`] and was cut.
    pub cut: bool,
    pub verdict: Verdict,
    /// Every candidate, closest first (ties by file order).
    pub candidates: Vec<Candidate>,
    /// Set when a reply written for another moment was closer than the
    /// closest one on offer by `rules.understanding.elsewhere` or more:
    /// the verdict is then unsure at most (never understood).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elsewhere: Option<Elsewhere>,
}

impl Reading {
    /// The closest offered reply.
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.offered)
    }

    /// The second closest offered reply.
    pub fn runner_up(&self) -> Option<&Candidate> {
        self.candidates.iter().filter(|c| c.offered).nth(1)
    }

    /// What the trainee picks from when the game is unsure: the two
    /// closest offered replies, closest first.
    pub fn choices(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(|c| c.offered).take(2)
    }

    /// Choice `n` (1-based) of [`Reading::choices`].
    pub fn meant(&self, n: usize) -> Option<&Candidate> {
        self.choices().nth(n.checked_sub(1)?)
    }
}

/// A typed text made ready to read: control characters dropped, white
/// space folded, cut at [`MAX_CHARS`]. `None` for text with nothing in it.
pub fn clean(text: &str) -> Option<(String, bool)> {
    let folded: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if folded.is_empty() {
        return None;
    }
    let cut = folded.chars().count() > MAX_CHARS;
    let text = if cut {
        folded.chars().take(MAX_CHARS).collect()
    } else {
        folded
    };
    Some((text, cut))
}

/// Reads `text` typed at node `node` against the replies in `offered`
/// (indices into the node's replies) and the node's other replies, marked
/// not offered. Only offered replies decide the verdict. `None` when the
/// text has nothing in it (an empty box is not a turn).
pub fn read(
    encoder: &Encoder,
    book: &Phrasebook,
    model: &Model,
    node: usize,
    offered: &[usize],
    text: &str,
    rule: &UnderstandingRule,
) -> Option<Reading> {
    let (text, cut) = clean(text)?;
    let typed = encoder.embed(&text);
    let replies = &model.scenario.nodes.get(node)?.replies;
    let mut candidates: Vec<Candidate> = replies
        .iter()
        .enumerate()
        .map(|(index, reply)| Candidate {
            index,
            reply: reply.id.clone(),
            similarity: book.similarity(node, index, &typed),
            offered: offered.contains(&index),
        })
        .collect();
    // Stable: equal similarities keep file order, on every machine.
    candidates.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
    let mut reading = Reading {
        text,
        cut,
        verdict: Verdict::NotUnderstood,
        candidates,
        elsewhere: None,
    };
    reading.verdict = judge(
        reading.best().map(|c| c.similarity),
        reading.runner_up().map(|c| c.similarity),
        rule,
    );
    // A move the scenario has for another moment is not played as one of
    // those on offer. A reply elsewhere of a kind on offer here is the same
    // move said at another moment (checking the account again), not another.
    let kinds_here: Vec<&str> = offered
        .iter()
        .filter_map(|&i| replies.get(i).map(|r| r.kind.as_str()))
        .collect();
    let other_move = |n: usize, r: usize| {
        model.scenario.nodes[n]
            .replies
            .get(r)
            .is_some_and(|reply| !kinds_here.contains(&reply.kind.as_str()))
    };
    if let Some(best) = reading.best().map(|c| c.similarity)
        && let Some((n, r, similarity)) = book.closest_elsewhere(node, &typed, other_move)
        && similarity >= best + rule.elsewhere
    {
        let other = &model.scenario.nodes[n];
        reading.elsewhere = Some(Elsewhere {
            node: other.id.clone(),
            reply: other.replies[r].id.clone(),
            similarity,
        });
        if reading.verdict == Verdict::Understood {
            reading.verdict = Verdict::Unsure;
        }
    }
    Some(reading)
}

/// The verdict for a best and a second-best similarity.
pub fn judge(best: Option<f32>, second: Option<f32>, rule: &UnderstandingRule) -> Verdict {
    let Some(best) = best else {
        return Verdict::NotUnderstood;
    };
    let margin = best - second.unwrap_or(-1.0);
    if best >= rule.accept && margin >= rule.margin {
        Verdict::Understood
    } else if best >= rule.floor {
        Verdict::Unsure
    } else {
        Verdict::NotUnderstood
    }
}

/// The replies offered at `state`, as indices into its node's replies.
pub fn offered(model: &Model, state: &State) -> Vec<usize> {
    model
        .choices(state)
        .into_iter()
        .filter_map(|c| match c {
            Choice::Reply(i) => Some(i),
            _ => None,
        })
        .collect()
}

/// The state of the call when it first reaches node `node` from a typical
/// start (meters at the middle of their starting ranges), the first such
/// state the analysis meets; the entered start state for a node no path
/// reaches. What "offered" means for `callsim understand`.
pub fn first_visit(model: &Model, node: usize) -> State {
    let start = model.start_state(crate::analysis::typical_start(model));
    let graph = crate::analysis::Graph::explore(model, start.clone());
    graph
        .states
        .iter()
        .find(|s| s.node == node)
        .cloned()
        .unwrap_or_else(|| model.entered(start, node))
}

/// A similarity as the trainee reads it: how sure the game was, 0-100 %
/// (a similarity of 0 or less is 0 %).
pub fn sureness(similarity: f32) -> u8 {
    (similarity.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// Two replies at one node whose texts are at least this similar cannot be
/// told apart from a trainee's words.
pub const TOO_CLOSE: f32 = 0.90;

/// An example is reported when another reply's phrases are this much
/// closer to it than its own reply's: below that, the model's noise.
pub const EXAMPLE_MARGIN: f32 = 0.05;

/// What `callsim check` says about typed replies in a scenario: pairs of
/// replies at a node too close for the model to tell apart, and examples
/// closer to another reply than to their own.
pub fn lint(model: &Model, encoder: &Encoder) -> Vec<crate::scenario::validate::Finding> {
    use crate::diagnostic::Severity;
    use crate::scenario::spans::Path;
    use crate::scenario::validate::Finding;
    let s = &model.scenario;
    let lang = s.default_language.as_str();
    let mut out = Vec::new();
    for (n, node) in s.nodes.iter().enumerate() {
        let at = |r: usize| Path::root().field("nodes").index(n).field("replies").index(r);
        // Each reply's own phrases, by language: text first, then examples.
        let phrases: Vec<Vec<(Option<usize>, String, Embedding)>> = node
            .replies
            .iter()
            .map(|reply| {
                let mut own: Vec<(Option<usize>, String, Embedding)> = reply
                    .text
                    .by_language(lang)
                    .into_iter()
                    .map(|(l, t)| (None, l, encoder.embed(&t)))
                    .collect();
                for (k, example) in reply.examples.iter().enumerate() {
                    own.extend(
                        example
                            .by_language(lang)
                            .into_iter()
                            .map(|(l, t)| (Some(k), l, encoder.embed(&t))),
                    );
                }
                own
            })
            .collect();
        // Each reply's text in the default language (else its first), from
        // the phrases already embedded.
        let texts: Vec<Option<&Embedding>> = phrases
            .iter()
            .map(|own| {
                let text = || own.iter().filter(|(k, _, _)| k.is_none());
                text()
                    .find(|(_, l, _)| l == lang)
                    .or_else(|| text().next())
                    .map(|(_, _, e)| e)
            })
            .collect();
        // Replies whose conditions exclude each other are never offered
        // together: a typed reply never has to tell them apart.
        let together = |a: usize, b: usize| {
            !crate::scenario::Condition::never_together(&node.replies[a].when, &node.replies[b].when)
        };
        for a in 0..node.replies.len() {
            for b in a + 1..node.replies.len() {
                let (Some(ta), Some(tb)) = (texts[a], texts[b]) else {
                    continue;
                };
                if !together(a, b) {
                    continue;
                }
                let similarity = ta.cosine(tb);
                if similarity >= TOO_CLOSE {
                    out.push(Finding::new(
                        Severity::Warning,
                        "replies-too-close",
                        at(b),
                        format!(
                            "at node `{}`, a typed reply cannot tell `{}` (\"{}\") from `{}` (\"{}\"): similarity {similarity:.2}",
                            node.id,
                            node.replies[a].id,
                            s.text(&node.replies[a].text, lang),
                            node.replies[b].id,
                            s.text(&node.replies[b].text, lang),
                        ),
                        "add examples that show the difference, or merge them",
                    ));
                }
            }
        }
        for (r, own) in phrases.iter().enumerate() {
            let mut warned = std::collections::BTreeSet::new();
            for (k, language, example) in own.iter().filter_map(|(k, l, e)| k.map(|k| (k, l, e))) {
                // Against the phrases in the same language only: across
                // languages the model's similarities are not comparable.
                let closest = |ps: &[(Option<usize>, String, Embedding)], skip: Option<usize>| {
                    ps.iter()
                        .filter(|(other, l, _)| l == language && (skip.is_none() || *other != skip))
                        .map(|(_, _, e)| e.cosine(example))
                        .fold(f32::MIN, f32::max)
                };
                let mine = closest(own, Some(k));
                let nearest = phrases
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| *other != r && together(r, *other))
                    .map(|(other, ps)| (other, closest(ps, None)))
                    .max_by(|x, y| x.1.total_cmp(&y.1));
                let Some((other, theirs)) = nearest else { continue };
                if mine == f32::MIN || theirs < mine + EXAMPLE_MARGIN || !warned.insert(k) {
                    continue;
                }
                let text = node.replies[r].examples[k].get(language, lang).to_owned();
                out.push(Finding::new(
                    Severity::Warning,
                    "example-closer-to-another-reply",
                    at(r).field("examples").index(k),
                    format!(
                        "the example \"{text}\" of `{}` is closer to `{}` ({theirs:.2}) than to its own reply ({mine:.2})",
                        node.replies[r].id, node.replies[other].id
                    ),
                    format!(
                        "reword it so it says what `{}` does and `{}` does not, or move it",
                        node.replies[r].id, node.replies[other].id
                    ),
                ));
            }
        }
    }
    out
}

/// What a typed reply did to a call.
#[derive(Debug, Clone)]
pub enum Heard {
    /// Understood: played as the reply it means.
    Played(Step),
    /// Not understood: the caller said they did not follow (a turn).
    NotUnderstood(Step),
    /// A close call: nothing happened yet; the trainee picks which reply
    /// they meant (`Call::choose_typed` with [`Typed::of`] the reading) or
    /// says it another way.
    Unsure(Reading),
}

/// Reads `text` at the call's current moment and plays what it means.
/// `None` when there was nothing to read (an empty box is not a turn).
pub fn hear(
    call: &mut Call,
    encoder: &Encoder,
    book: &Phrasebook,
    text: &str,
) -> Result<Option<Heard>, CallError> {
    if call.is_over() {
        return Err(CallError::Over);
    }
    let model = std::sync::Arc::clone(call.model());
    let Some(node) = model.scenario.node_index(call.node_id()) else {
        return Ok(None);
    };
    let replies = &model.scenario.nodes[node].replies;
    // The replies on offer now; hang-up is never matched from text.
    let offered: Vec<usize> = call
        .options()
        .iter()
        .filter_map(|o| replies.iter().position(|r| r.id == o.id))
        .collect();
    let Some(reading) = read(
        encoder,
        book,
        &model,
        node,
        &offered,
        text,
        &model.scenario.rules.understanding,
    ) else {
        return Ok(None);
    };
    let typed = Typed::of(&reading);
    Ok(Some(match (reading.verdict, reading.best()) {
        (Verdict::Understood, Some(best)) => {
            let id = best.reply.clone();
            Heard::Played(call.choose_typed(&id, typed)?)
        }
        (Verdict::Unsure, Some(_)) => Heard::Unsure(reading),
        _ => Heard::NotUnderstood(call.not_understood(typed)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> UnderstandingRule {
        UnderstandingRule::default()
    }

    #[test]
    fn empty_and_blank_text_is_not_a_turn() {
        for text in ["", "   ", "\n\t", "\u{7}\u{1b}"] {
            assert_eq!(clean(text), None, "{text:?}");
        }
    }

    #[test]
    fn long_text_is_cut_and_says_so() {
        let long = "word ".repeat(10_000);
        let (text, cut) = clean(&long).expect("text");
        assert!(cut);
        assert_eq!(text.chars().count(), MAX_CHARS);
        let (short, cut) = clean("  I am   sorry\n").expect("text");
        assert_eq!((short.as_str(), cut), ("I am sorry", false));
    }

    #[test]
    fn when_unsure_the_trainee_picks_from_the_two_closest_offered_replies() {
        let candidate = |reply: &str, similarity, offered| Candidate {
            index: 0,
            reply: reply.to_owned(),
            similarity,
            offered,
        };
        let reading = Reading {
            text: "x".into(),
            cut: false,
            elsewhere: None,
            verdict: Verdict::Unsure,
            candidates: vec![
                candidate("not_now", 0.8, false),
                candidate("first", 0.6, true),
                candidate("second", 0.55, true),
                candidate("third", 0.5, true),
            ],
        };
        let ids: Vec<&str> = reading.choices().map(|c| c.reply.as_str()).collect();
        assert_eq!(ids, ["first", "second"]);
        assert_eq!(reading.meant(1).map(|c| c.reply.as_str()), Some("first"));
        assert_eq!(reading.meant(2).map(|c| c.reply.as_str()), Some("second"));
        assert!(reading.meant(0).is_none() && reading.meant(3).is_none());
    }

    #[test]
    fn a_clear_best_is_understood_a_close_call_unsure_a_far_one_not() {
        let r = rule();
        assert_eq!(judge(Some(0.9), Some(0.3), &r), Verdict::Understood);
        assert_eq!(judge(Some(0.9), Some(0.89), &r), Verdict::Unsure);
        assert_eq!(judge(Some(r.floor - 0.01), None, &r), Verdict::NotUnderstood);
        assert_eq!(judge(None, None, &r), Verdict::NotUnderstood);
    }
}
