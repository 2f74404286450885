//! The checks a scenario must pass beyond RON syntax and types: references
//! that resolve, ids that are unique, a graph where every node can be reached
//! and can reach an ending, texts in every declared language, sane numbers.
//!
//! Findings carry a path into the file; `scenario::load` turns the path into
//! file:line:column.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Component, Path as FsPath};

use crate::diagnostic::{Severity, did_you_mean};
use crate::locale::text::{GAME_LANGUAGES, Text};
use crate::scenario::spans::{Path, Seg};
use crate::scenario::{Action, Condition, EndingKind, Scenario, Start, reply_kinds};

/// One problem, located by a path into the file.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub at: Path,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        code: &'static str,
        at: Path,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            code,
            message: message.into(),
            at,
            label: None,
            help: Some(help.into()),
        }
    }

    fn error(code: &'static str, at: Path, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            code,
            message: message.into(),
            at,
            label: None,
            help: None,
        }
    }

    fn warning(code: &'static str, at: Path, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, at, message)
        }
    }

    fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// Meters every persona must have: the engine's rules move them.
pub const REQUIRED_METERS: [&str; 2] = ["anger", "trust"];

/// The largest change a file may write: a reply's points per sub-skill, a
/// meter effect, the rules' points and per-minute or per-repeat costs. Far
/// beyond any real design (points run -3 to +4), and small enough that no
/// sum over a call can overflow.
pub const MAX_CHANGE: i32 = 1000;
/// The widest a meter's `min` and `max` may reach, either side of 0.
pub const MAX_METER_VALUE: i32 = 100_000;
/// The largest weight a caller's line may have.
pub const MAX_WEIGHT: u32 = 1000;
/// The longest a hold, a reply or the free part of a hold may be: an hour.
pub const MAX_SECONDS: u32 = 3600;
/// The most replies marked `once`, and the most nodes `Visited` or
/// `NotVisited` may name: the engine keeps each as one bit of a `u64`.
pub const MAX_ONCE: usize = 64;
pub const MAX_VISITED: usize = 64;
/// The most replies `max_turns` may allow.
pub const MAX_TURNS: u32 = 1000;

/// The ids the engine gives its own choices in records, debriefs and
/// replays, with what each is: an authored reply of such a name would be
/// replayed as the engine's choice, or the other way.
pub const RESERVED_REPLY_IDS: [(&str, &str); 2] = [
    (crate::call::HANG_UP_ID, "the built-in hang-up"),
    (
        crate::call::NOT_UNDERSTOOD_ID,
        "a typed reply that was not understood",
    ),
];

/// The ids of the engine's own endings (`engine::EndingRef::{HungUp,
/// GaveUp}`), what each is, and a name to suggest instead.
pub const RESERVED_ENDING_IDS: [(&str, &str, &str); 2] = [
    (
        "hung_up",
        "the engine's own ending when the trainee hangs up",
        "agent_hung_up",
    ),
    (
        "gave_up",
        "the engine's own ending when the call runs past `max_turns`",
        "caller_gave_up",
    ),
];

/// Checks `scenario`; `base_dir` is its folder, for asset paths.
pub fn validate(scenario: &Scenario, base_dir: Option<&FsPath>) -> Vec<Finding> {
    let mut v = Validator {
        s: scenario,
        out: Vec::new(),
        visited: BTreeSet::new(),
        suggestions_left: 4 * crate::diagnostic::MAX_REPORTED,
    };
    v.metadata();
    v.meters();
    v.ids();
    v.references();
    v.replies();
    v.texts();
    v.assets(base_dir);
    if !v.out.iter().any(|f| f.severity == Severity::Error) {
        // The graph checks assume the references resolve.
        v.graph();
    }
    v.out
}

struct Validator<'s> {
    s: &'s Scenario,
    out: Vec<Finding>,
    /// Nodes named by `Visited` or `NotVisited`, each once.
    visited: BTreeSet<&'s str>,
    /// How many more "did you mean" searches may be made.
    suggestions_left: usize,
}

fn root() -> Path {
    Path::root()
}

fn node_path(n: usize) -> Path {
    root().field("nodes").index(n)
}

fn reply_path(n: usize, r: usize) -> Path {
    node_path(n).field("replies").index(r)
}

fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

impl<'s> Validator<'s> {
    fn push(&mut self, finding: Finding) {
        self.out.push(finding);
    }

    /// "did you mean …?" when a candidate is close, else the names there
    /// are (`what` is their plural, e.g. "nodes").
    fn suggest_or_list(&mut self, word: &str, candidates: &[&str], what: &str) -> String {
        // A suggestion compares the word with every candidate: past a
        // budget (a file with thousands of broken references) only the
        // list is given, so checking stays linear. References are checked
        // in file order, so the first findings, the ones shown, keep theirs.
        let suggestion = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            suggest(word, candidates.iter().copied())
        } else {
            None
        };
        suggestion.unwrap_or_else(|| match candidates {
            [] => format!("this scenario has no {what} yet"),
            few if few.len() <= 8 => format!(
                "the {what} are {}",
                few.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("it must be one of the {what} declared in this file"),
        })
    }

    fn metadata(&mut self) {
        let s = self.s;
        if s.id.trim().is_empty() {
            self.push(
                Finding::error("empty-text", root().field("id"), "the scenario id is empty")
                    .help("give a short stable id such as \"missing-bonus-number\""),
            );
        } else if !s
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            self.push(
                Finding::warning(
                    "id-format",
                    root().field("id"),
                    format!(
                        "the scenario id `{}` has characters other than letters, digits, `-` and `_`",
                        s.id
                    ),
                )
                .help("ids end up in file names and class records; keep them plain"),
            );
        }
        let known: Vec<&str> = GAME_LANGUAGES.iter().map(|(code, _)| *code).collect();
        let mut seen = BTreeSet::new();
        for (i, lang) in s.languages.iter().enumerate() {
            let at = root().field("languages").index(i);
            if !seen.insert(lang.as_str()) {
                self.push(
                    Finding::error(
                        "duplicate-id",
                        at.clone(),
                        format!("the language `{lang}` is listed twice"),
                    )
                    .help(format!("remove this second \"{lang}\"")),
                );
            }
            if known.contains(&lang.as_str()) {
                continue;
            }
            if let Some((code, why)) = language_mistake(lang) {
                self.push(
                    Finding::error("unknown-language", at, format!("`{lang}` is not a language code"))
                        .help(format!("write \"{code}\": {why}")),
                );
            } else if ISO_639_1.contains(&lang.as_str()) {
                self.push(
                    Finding::warning(
                        "unknown-language",
                        at,
                        format!("the game has no interface in `{lang}`"),
                    )
                    .help(format!(
                        "the texts can be in `{lang}`, but the game's own words will be in {}",
                        known.join(", ")
                    )),
                );
            } else {
                self.push(
                    Finding::error("unknown-language", at, format!("`{lang}` is not a language code")).help(
                        suggest(lang, known.iter().copied()).unwrap_or_else(|| {
                            format!(
                                "write a two-letter ISO 639-1 code; the game speaks {}",
                                known.join(", ")
                            )
                        }),
                    ),
                );
            }
        }
        if !s.languages.contains(&s.default_language) {
            self.push(
                Finding::error(
                    "unknown-language",
                    root().field("default_language"),
                    format!(
                        "the default language `{}` is not in `languages`",
                        s.default_language
                    ),
                )
                .help(match s.languages.first() {
                    Some(first) => format!(
                        "add \"{}\" to `languages`, or write `default_language: \"{first}\"`",
                        s.default_language
                    ),
                    None => format!("add \"{}\" to `languages`", s.default_language),
                }),
            );
        }
        if s.max_turns == 0 || s.max_turns > MAX_TURNS {
            self.push(
                Finding::error(
                    "out-of-range",
                    root().field("max_turns"),
                    format!("`max_turns` is {}, outside 1 to {MAX_TURNS}", s.max_turns),
                )
                .help("leave it out for 40; a call rarely needs more than a few dozen replies"),
            );
        }
    }

    fn meters(&mut self) {
        let meters = &self.s.persona.meters;
        let at = root().field("persona").field("meters");
        if meters.len() > super::MAX_METERS {
            self.push(
                Finding::error(
                    "too-many",
                    at.clone().index(super::MAX_METERS),
                    format!(
                        "the persona has {} meters; at most {} are supported",
                        meters.len(),
                        super::MAX_METERS
                    ),
                )
                .help("fold meters that move together into one"),
            );
        }
        for required in REQUIRED_METERS {
            if !meters.iter().any(|m| m.id == required) {
                self.push(
                    Finding::error(
                        "missing-meter",
                        at.clone(),
                        format!("the persona has no `{required}` meter"),
                    )
                    .help(format!(
                        "every caller needs anger and trust: add (id: \"{required}\", start: 50)"
                    )),
                );
            }
        }
        for (i, m) in meters.iter().enumerate() {
            let mp = at.clone().index(i);
            let wide = [("min", m.min), ("max", m.max)]
                .into_iter()
                .find(|(_, v)| !(-MAX_METER_VALUE..=MAX_METER_VALUE).contains(v));
            if let Some((field, value)) = wide {
                self.push(
                    Finding::error(
                        "out-of-range",
                        mp.clone().field(field),
                        format!(
                            "meter `{}` has {field} {value}, outside -{MAX_METER_VALUE} to {MAX_METER_VALUE}",
                            m.id
                        ),
                    )
                    .help("meters usually run from 0 to 100: leave `min` and `max` out for that"),
                );
                continue;
            }
            if m.min >= m.max {
                let help = if m.min > m.max {
                    format!(
                        "`max` must be greater than `min`: did you mean min: {}, max: {}?",
                        m.max, m.min
                    )
                } else {
                    "`max` must be greater than `min`".to_owned()
                };
                self.push(
                    Finding::error(
                        "out-of-range",
                        mp.clone().field("max"),
                        format!(
                            "meter `{}` has min {} and max {}: it has no range to move in",
                            m.id, m.min, m.max
                        ),
                    )
                    .help(help),
                );
                continue;
            }
            let (low, high) = (m.start.low(), m.start.high());
            if low > high {
                self.push(
                    Finding::error(
                        "out-of-range",
                        mp.clone().field("start"),
                        format!("the start range ({low}, {high}) of `{}` is backwards", m.id),
                    )
                    .help(format!("write ({high}, {low})")),
                );
            }
            for value in [low, high] {
                if value < m.min || value > m.max {
                    let what = match m.start {
                        Start::Fixed(_) => "starts",
                        Start::Between(..) => "can start",
                    };
                    self.push(
                        Finding::error(
                            "out-of-range",
                            mp.clone().field("start"),
                            format!(
                                "meter `{}` {what} at {value}, outside its range of {} to {}",
                                m.id, m.min, m.max
                            ),
                        )
                        .help(format!("start it between {} and {}", m.min, m.max)),
                    );
                    break;
                }
            }
        }
    }

    fn ids(&mut self) {
        let s = self.s;
        // One namespace: `next` names a node or an ending, and a meter
        // sharing a node's name would only confuse.
        let mut first: HashMap<&str, &str> = HashMap::new();
        let mut check = |out: &mut Vec<Finding>, id: &'s str, at: Path, what: &'static str| {
            if id.trim().is_empty() {
                out.push(
                    Finding::error("empty-text", at, format!("this {what} has an empty id"))
                        .help("give it a short name such as \"greeting\""),
                );
            } else if let Some(earlier) = first.get(id) {
                let message = if *earlier == what {
                    format!("two {what}s have the id `{id}`")
                } else {
                    format!("this {what} has the id `{id}`, already used by a {earlier}")
                };
                out.push(
                    Finding::error("duplicate-id", at, message)
                        .help("node, ending and meter ids must each be unique; rename one of the two"),
                );
            } else {
                first.insert(id, what);
            }
        };
        for (i, m) in s.persona.meters.iter().enumerate() {
            check(
                &mut self.out,
                &m.id,
                root().field("persona").field("meters").index(i).field("id"),
                "meter",
            );
        }
        for (i, n) in s.nodes.iter().enumerate() {
            check(&mut self.out, &n.id, node_path(i).field("id"), "node");
        }
        for (i, e) in s.endings.iter().enumerate() {
            check(
                &mut self.out,
                &e.id,
                root().field("endings").index(i).field("id"),
                "ending",
            );
        }
        for (i, e) in s.endings.iter().enumerate() {
            if let Some((_, what, instead)) = RESERVED_ENDING_IDS.iter().find(|(id, ..)| *id == e.id) {
                self.push(
                    Finding::error(
                        "reserved-id",
                        root().field("endings").index(i).field("id"),
                        format!("the ending id `{}` is reserved for {what}", e.id),
                    )
                    .help(format!(
                        "rename it, e.g. \"{instead}\", and every `next`, `ending` and threshold that names it"
                    )),
                );
            }
        }
        for (n, node) in s.nodes.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for (r, reply) in node.replies.iter().enumerate() {
                let at = reply_path(n, r).field("id");
                if let Some((id, what)) = RESERVED_REPLY_IDS.iter().find(|(id, _)| *id == reply.id) {
                    self.push(
                        Finding::error(
                            "reserved-id",
                            at,
                            format!("the reply id `{id}` is reserved for {what}"),
                        )
                        .help(format!(
                            "rename it, e.g. \"say_goodbye\": records name {what} `{id}`, so a reply of that name would be replayed as it"
                        )),
                    );
                } else if reply.id.trim().is_empty() {
                    self.push(
                        Finding::error("empty-text", at, "this reply has an empty id")
                            .help("give it a short name such as \"apologise\"; records and tests name replies by id"),
                    );
                } else if !seen.insert(reply.id.as_str()) {
                    self.push(
                        Finding::error(
                            "duplicate-id",
                            at,
                            format!("the reply id `{}` is used twice in node `{}`", reply.id, node.id),
                        )
                        .help("reply ids must be unique within their node"),
                    );
                }
            }
        }
    }

    fn node_ids(&self) -> impl Iterator<Item = &'s str> {
        self.s.nodes.iter().map(|n| n.id.as_str())
    }

    fn target_ids(&self) -> Vec<&'s str> {
        self.node_ids()
            .chain(self.s.endings.iter().map(|e| e.id.as_str()))
            .collect()
    }

    fn meter_ids(&self) -> Vec<&'s str> {
        self.s.persona.meters.iter().map(|m| m.id.as_str()).collect()
    }

    fn references(&mut self) {
        let s = self.s;
        if s.node(&s.start).is_none() {
            let node_ids: Vec<&str> = self.node_ids().collect();
            let help = if s.ending(&s.start).is_some() {
                "the call must start at a node, not an ending".to_owned()
            } else {
                self.suggest_or_list(&s.start, &node_ids, "nodes")
            };
            self.push(
                Finding::error(
                    "unknown-node",
                    root().field("start"),
                    format!("there is no node `{}` to start the call at", s.start),
                )
                .help(help),
            );
        }
        for (n, node) in s.nodes.iter().enumerate() {
            for (l, line) in node.says.iter().enumerate() {
                let lp = node_path(n).field("says").index(l);
                self.conditions(&line.when, lp.clone().field("when"));
                if line.weight == 0 || line.weight > MAX_WEIGHT {
                    self.push(
                        Finding::error(
                            "out-of-range",
                            lp.field("weight"),
                            format!("a line's weight is {}, outside 1 to {MAX_WEIGHT}", line.weight),
                        )
                        .help("leave `weight` out for 1; 2 makes the line twice as likely as a line of weight 1"),
                    );
                }
            }
            for (r, reply) in node.replies.iter().enumerate() {
                let rp = reply_path(n, r);
                self.target(&reply.next, rp.clone().field("next"));
                for (b, branch) in reply.branches.iter().enumerate() {
                    let bp = rp.clone().field("branches").index(b);
                    self.target(&branch.next, bp.clone().field("next"));
                    self.conditions(&branch.when, bp.field("when"));
                }
                self.conditions(&reply.when, rp.clone().field("when"));
                self.effects(&reply.effects.0, rp.clone().field("effects"));
            }
        }
        for (t, threshold) in s.thresholds.iter().enumerate() {
            let tp = root().field("thresholds").index(t);
            self.ending_ref(&threshold.ending, tp.clone().field("ending"), None);
            if threshold.when.is_empty() {
                self.push(
                    Finding::error(
                        "empty-condition",
                        tp.clone().field("when"),
                        "a threshold with no condition would end every call at once",
                    )
                    .help("add a condition such as AtLeast(\"anger\", 100)"),
                );
            }
            self.conditions(&threshold.when, tp.field("when"));
        }
        if let Some(ending) = &s.rules.hang_up.ending {
            self.ending_ref(
                ending,
                root().field("rules").field("hang_up").field("ending"),
                Some(EndingKind::AgentHungUp),
            );
        }
        self.conditions(
            &s.policy.transfer.allowed_when,
            root().field("policy").field("transfer").field("allowed_when"),
        );
        self.transfer_targets();
        let kinds = reply_kinds(s);
        for (i, kind) in s.rules.repetition.exempt.iter().enumerate() {
            self.kind_ref(
                kind,
                &kinds,
                root().field("rules").field("repetition").field("exempt").index(i),
            );
        }
        for kind in s.kind_names.keys() {
            self.kind_ref(kind, &kinds, root().field("kind_names").key_name(kind));
        }
        self.history(&kinds);
        for (t, tr) in s.persona.traits.iter().enumerate() {
            let tp = root().field("persona").field("traits").index(t);
            if tr.kinds.is_empty() {
                self.push(
                    Finding::warning(
                        "unused-trait",
                        tp.clone().field("kinds"),
                        "this trait applies to no reply kind",
                    )
                    .help("list the kinds it scales, e.g. [\"routine_apology\"]"),
                );
            }
            for (k, kind) in tr.kinds.iter().enumerate() {
                self.kind_ref(kind, &kinds, tp.clone().field("kinds").index(k));
            }
            for (field, value) in [("effects", tr.effects), ("points", tr.points)] {
                if !(0.0..=10.0).contains(&value) {
                    self.push(
                        Finding::error(
                            "out-of-range",
                            tp.clone().field(field),
                            format!("a trait's `{field}` scale of {value} is outside 0 to 10"),
                        )
                        .help("2.0 doubles the effect, 0.5 halves it"),
                    );
                }
            }
        }
        let rep = &s.rules.repetition;
        if !(0.0..=1.0).contains(&rep.keep) {
            self.push(
                Finding::error(
                    "out-of-range",
                    root().field("rules").field("repetition").field("keep"),
                    format!("`keep` is {}, outside 0 to 1", rep.keep),
                )
                .help("0.5 keeps half the points on each repeat"),
            );
        }
        if s.rules.over_accommodation.cap > 100 {
            self.push(
                Finding::error(
                    "out-of-range",
                    root().field("rules").field("over_accommodation").field("cap"),
                    format!("`cap` is {}, above 100", s.rules.over_accommodation.cap),
                )
                .help("the cap is the most a call that gave in can score, on 0-100: 30 reads as a failure"),
            );
        }
        if s.rules.hold.repeat < 1.0 {
            self.push(
                Finding::error(
                    "out-of-range",
                    root().field("rules").field("hold").field("repeat"),
                    format!("`repeat` is {}, below 1", s.rules.hold.repeat),
                )
                .help("a later hold should cost at least as much as the first: use 1.0 or more"),
            );
        }
        self.rule_numbers();
    }

    /// The numbers of `rules` and `policy` that add to points and meters.
    fn rule_numbers(&mut self) {
        let s = self.s;
        let rules = root().field("rules");
        self.points(
            s.rules.hang_up.points,
            rules.clone().field("hang_up").field("points"),
        );
        self.points(
            s.rules.over_accommodation.points,
            rules.clone().field("over_accommodation").field("points"),
        );
        self.points(
            s.policy.transfer.misuse,
            root().field("policy").field("transfer").field("misuse"),
        );
        let rep = rules.clone().field("repetition");
        self.change(
            s.rules.repetition.understanding,
            rep.clone().field("understanding"),
        );
        self.change(s.rules.repetition.anger, rep.field("anger"));
        let not_understood = rules.clone().field("not_understood");
        self.change(
            s.rules.not_understood.anger,
            not_understood.clone().field("anger"),
        );
        self.change(
            s.rules.not_understood.trust,
            not_understood.clone().field("trust"),
        );
        self.seconds(
            s.rules.not_understood.seconds,
            0,
            not_understood.field("seconds"),
            "a reply not understood",
        );
        let hold = rules.field("hold");
        self.change(
            s.rules.hold.anger_per_minute,
            hold.clone().field("anger_per_minute"),
        );
        self.change(
            s.rules.hold.trust_per_minute,
            hold.clone().field("trust_per_minute"),
        );
        self.change(
            s.rules.hold.emotion_per_minute,
            hold.clone().field("emotion_per_minute"),
        );
        self.change(
            s.rules.hold.assistance_per_minute,
            hold.clone().field("assistance_per_minute"),
        );
        self.seconds(
            s.rules.hold.free_seconds,
            0,
            hold.field("free_seconds"),
            "the free part of a hold",
        );
    }

    /// Each sub-skill of `points` within ±[`MAX_CHANGE`].
    fn points(&mut self, points: crate::points::Points, at: Path) {
        for skill in crate::points::Skill::ALL {
            let value = points.get(skill);
            if value.unsigned_abs() > MAX_CHANGE.unsigned_abs() {
                self.push(
                    Finding::error(
                        "out-of-range",
                        at.clone().field(skill.name()),
                        format!(
                            "{value} points of {} is outside -{MAX_CHANGE} to {MAX_CHANGE}",
                            skill.name()
                        ),
                    )
                    .help(
                        "points per sub-skill usually run from -3 to +4; the debrief scales totals to 0-100",
                    ),
                );
            }
        }
    }

    /// A change a rule makes, within ±[`MAX_CHANGE`].
    fn change(&mut self, value: i32, at: Path) {
        if value.unsigned_abs() > MAX_CHANGE.unsigned_abs() {
            let field = at.0.last().map(at_name).unwrap_or_default();
            self.push(
                Finding::error(
                    "out-of-range",
                    at,
                    format!("`{field}` is {value}, outside -{MAX_CHANGE} to {MAX_CHANGE}"),
                )
                .help("leave it out for the default, or use a change of the size of a reply's effects"),
            );
        }
    }

    /// A time in seconds from `least` to [`MAX_SECONDS`].
    fn seconds(&mut self, value: u32, least: u32, at: Path, what: &str) {
        if value < least || value > MAX_SECONDS {
            self.push(
                Finding::error(
                    "out-of-range",
                    at,
                    format!("{what} of {value} seconds is outside {least} to {MAX_SECONDS} (an hour)"),
                )
                .help("write the time in seconds, e.g. 60 for a minute"),
            );
        }
    }

    fn target(&mut self, id: &str, at: Path) {
        if self.s.node(id).is_none() && self.s.ending(id).is_none() {
            let targets = self.target_ids();
            let help = self.suggest_or_list(id, &targets, "nodes and endings");
            self.push(
                Finding::error(
                    "unknown-target",
                    at,
                    format!("no node or ending is called `{id}`"),
                )
                .help(help),
            );
        }
    }

    fn ending_ref(&mut self, id: &str, at: Path, kind: Option<EndingKind>) {
        match self.s.ending(id) {
            None => {
                let endings: Vec<&str> = self.s.endings.iter().map(|e| e.id.as_str()).collect();
                let help = if self.s.node(id).is_some() {
                    format!("`{id}` is a node; this must name an ending")
                } else {
                    self.suggest_or_list(id, &endings, "endings")
                };
                self.push(
                    Finding::error("unknown-ending", at, format!("no ending is called `{id}`")).help(help),
                );
            }
            Some(ending) => {
                if let Some(kind) = kind.filter(|k| *k != ending.kind) {
                    let fitting = self.s.endings.iter().find(|e| e.kind == kind);
                    let message = format!(
                        "`{at}` needs an ending of kind {}, but `{id}` is {}",
                        kind.name(),
                        ending.kind.name()
                    );
                    self.push(
                        Finding::error("wrong-ending-kind", at, message).help(match fitting {
                            Some(e) => format!("did you mean `{}`? it is the {} ending", e.id, kind.name()),
                            None => format!("add an ending with `kind: {}` and name it here", kind.name()),
                        }),
                    );
                }
            }
        }
    }

    /// `policy.transfers`: unique ids, names, conditions, misuse points;
    /// and every reply's `to` naming one, on a transfer.
    fn transfer_targets(&mut self) {
        let s = self.s;
        let mut seen: Vec<&str> = Vec::new();
        for (i, target) in s.policy.transfers.iter().enumerate() {
            let at = root().field("policy").field("transfers").index(i);
            if target.id.trim().is_empty() {
                self.push(
                    Finding::error(
                        "empty-text",
                        at.clone().field("id"),
                        "this transfer target has an empty id",
                    )
                    .help("give it a short name such as \"billing\" or \"manufacturer\""),
                );
            } else if seen.contains(&target.id.as_str()) {
                self.push(
                    Finding::error(
                        "duplicate-id",
                        at.clone().field("id"),
                        format!("two transfer targets have the id `{}`", target.id),
                    )
                    .help("rename one of the two; replies name a target by its id"),
                );
            }
            seen.push(&target.id);
            self.conditions(&target.allowed_when, at.clone().field("allowed_when"));
            self.points(target.misuse, at.field("misuse"));
        }
        for (n, node) in s.nodes.iter().enumerate() {
            for (r, reply) in node.replies.iter().enumerate() {
                let Some(to) = &reply.to else { continue };
                let at = root()
                    .field("nodes")
                    .index(n)
                    .field("replies")
                    .index(r)
                    .field("to");
                if reply.action != Action::Transfer {
                    self.push(
                        Finding::error(
                            "to-without-transfer",
                            at,
                            format!(
                                "reply `{}` names a transfer target but is not a transfer",
                                reply.id
                            ),
                        )
                        .help("add `action: Transfer`, or remove `to`"),
                    );
                } else if !seen.contains(&to.as_str()) {
                    let help = if seen.is_empty() {
                        format!(
                            "declare it under `policy: (transfers: [(id: \"{to}\", name: \"…\", allowed_when: [...])])`, or leave out `to` to transfer to a supervisor"
                        )
                    } else {
                        self.suggest_or_list(to, &seen, "transfer targets")
                    };
                    self.push(
                        Finding::error(
                            "unknown-target",
                            at,
                            format!("no transfer target is called `{to}`"),
                        )
                        .help(help),
                    );
                }
            }
        }
    }

    /// `history`: kinds that replies have, counts the engine can hold,
    /// nodes that exist.
    fn history(&mut self, kinds: &[&str]) {
        let s = self.s;
        let history = root().field("history");
        for (kind, &times) in &s.history.used {
            let at = history.clone().field("used").key_name(kind);
            self.kind_ref(kind, kinds, at.clone());
            let most = crate::engine::MAX_COUNTED_REPEATS;
            if times == 0 || times > most {
                self.push(
                    Finding::error(
                        "out-of-range",
                        history.clone().field("used").key(kind),
                        format!("`{kind}` used {times} times before the call"),
                    )
                    .help(format!(
                        "give 1 to {most}: the repetition rule counts up to {most} uses; leave the kind out if it was never used"
                    )),
                );
            }
        }
        for (i, node) in s.history.visited.iter().enumerate() {
            if s.node(node).is_none() {
                let ids: Vec<&str> = self.node_ids().collect();
                let help = self.suggest_or_list(node, &ids, "nodes");
                self.push(
                    Finding::error(
                        "unknown-node",
                        history.clone().field("visited").index(i),
                        format!("no node is called `{node}`"),
                    )
                    .help(help),
                );
            }
        }
    }

    fn kind_ref(&mut self, kind: &str, kinds: &[&str], at: Path) {
        if !kinds.contains(&kind) {
            let help = self.suggest_or_list(kind, kinds, "reply kinds");
            self.push(
                Finding::error("unknown-kind", at, format!("no reply has the kind `{kind}`")).help(help),
            );
        }
    }

    /// The range of meter `meter`, or `None` (reported) if there is no such
    /// meter. A meter whose own range is broken (`min` not below `max`) has
    /// its error already; references to it are not measured against it.
    fn meter_ref(&mut self, meter: &str, at: Path) -> Option<Option<(i32, i32)>> {
        match self.s.persona.meters.iter().find(|m| m.id == meter) {
            Some(m) => Some((m.min < m.max).then_some((m.min, m.max))),
            None => {
                let ids = self.meter_ids();
                let help = self.suggest_or_list(meter, &ids, "meters");
                self.push(
                    Finding::error("unknown-meter", at, format!("the persona has no meter `{meter}`"))
                        .help(help),
                );
                None
            }
        }
    }

    fn conditions(&mut self, conditions: &'s [Condition], at: Path) {
        for (i, c) in conditions.iter().enumerate() {
            self.condition(c, at.clone().index(i));
        }
    }

    fn condition(&mut self, c: &'s Condition, at: Path) {
        match c {
            Condition::AtLeast(meter, value) | Condition::AtMost(meter, value) => {
                if let Some(Some((min, max))) = self.meter_ref(meter, at.clone().index(0))
                    && (*value < min || *value > max)
                {
                    let (test, always) = match c {
                        Condition::AtLeast(..) => ("AtLeast", *value < min),
                        _ => ("AtMost", *value > max),
                    };
                    let nearest = (*value).clamp(min, max);
                    self.push(
                        Finding::error(
                            "out-of-range",
                            at.index(1),
                            format!(
                                "`{meter}` only goes from {min} to {max}, so `{test}(\"{meter}\", {value})` is {} true",
                                if always { "always" } else { "never" }
                            ),
                        )
                        .help(format!("use a value from {min} to {max}, e.g. {nearest}")),
                    );
                }
            }
            Condition::Visited(node) | Condition::NotVisited(node) => {
                if self.s.node(node).is_some()
                    && self.visited.insert(node.as_str())
                    && self.visited.len() == MAX_VISITED + 1
                {
                    self.push(
                        Finding::error(
                            "too-many",
                            at.clone().index(0),
                            format!(
                                "`{node}` is the {}th node named by `Visited` or `NotVisited`; at most {MAX_VISITED} are supported",
                                MAX_VISITED + 1
                            ),
                        )
                        .help("test fewer nodes: one node that every path of interest passes through often does"),
                    );
                }
                if self.s.node(node).is_none() {
                    let ids: Vec<&str> = self.node_ids().collect();
                    let help = if self.s.ending(node).is_some() {
                        format!("`{node}` is an ending; `Visited` and `NotVisited` name nodes")
                    } else {
                        self.suggest_or_list(node, &ids, "nodes")
                    };
                    self.push(
                        Finding::error("unknown-node", at.index(0), format!("no node is called `{node}`"))
                            .help(help),
                    );
                }
            }
            Condition::Used(kind) | Condition::JustUsed(kind) => {
                let kinds = reply_kinds(self.s);
                self.kind_ref(kind, &kinds, at.index(0));
            }
            Condition::Checked => {}
            Condition::AnyOf(list) => {
                if list.is_empty() {
                    self.push(Finding::error(
                        "empty-condition",
                        at.clone(),
                        "`AnyOf([])` is never true",
                    )
                    .help("list the conditions of which one must hold, e.g. AnyOf([Checked, AtLeast(\"trust\", 50)]), or remove it"));
                }
                self.conditions(list, at.index(0));
            }
            Condition::Not(inner) => self.condition(inner, at.index(0)),
        }
    }

    fn effects(&mut self, effects: &[(String, i32)], at: Path) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (meter, change) in effects {
            let count = seen.entry(meter).or_insert(0);
            if *count == 1 {
                let total: i32 = effects.iter().filter(|(m, _)| m == meter).map(|(_, c)| *c).sum();
                self.push(
                    Finding::error(
                        "duplicate-id",
                        at.clone().nth_key_name(meter, *count),
                        format!("the meter `{meter}` is changed twice in one reply"),
                    )
                    .help(format!("change it once, by the total: \"{meter}\": {total}")),
                );
            }
            *count += 1;
            if change.unsigned_abs() > MAX_CHANGE.unsigned_abs() {
                self.push(
                    Finding::error(
                        "out-of-range",
                        at.clone().key(meter),
                        format!("a change of {change} to `{meter}` is outside -{MAX_CHANGE} to {MAX_CHANGE}"),
                    )
                    .help("a change of 10 to 30 is a big reaction on a meter from 0 to 100"),
                );
                continue;
            }
            if let Some(Some((min, max))) = self.meter_ref(meter, at.clone().key_name(meter)) {
                // In i64: the width of an i32 range does not fit an i32.
                let span = i64::from(max) - i64::from(min);
                if i64::from(*change).abs() > span {
                    self.push(
                        Finding::error(
                            "out-of-range",
                            at.clone().key(meter),
                            format!("a change of {change} is more than the whole range of `{meter}` ({min} to {max})"),
                        )
                        .help(format!("use a change from -{span} to {span}")),
                    );
                }
            }
        }
    }

    fn replies(&mut self) {
        let s = self.s;
        let kinds = reply_kinds(s);
        if kinds.len() > super::MAX_KINDS {
            self.push(
                Finding::error(
                    "too-many",
                    root().field("nodes"),
                    format!(
                        "the replies use {} kinds; at most {} are supported",
                        kinds.len(),
                        super::MAX_KINDS
                    ),
                )
                .help("give replies that are the same move the same kind"),
            );
        }
        let mut once = 0;
        for (n, node) in s.nodes.iter().enumerate() {
            for (r, reply) in node.replies.iter().enumerate() {
                once += usize::from(reply.once);
                if reply.once && once == MAX_ONCE + 1 {
                    self.push(
                        Finding::error(
                            "too-many",
                            reply_path(n, r).field("once"),
                            format!(
                                "reply `{}` is the {}th reply marked `once`; at most {MAX_ONCE} are supported",
                                reply.id,
                                MAX_ONCE + 1
                            ),
                        )
                        .help("drop `once` where the call cannot come back to the reply anyway, or use a `NotVisited` condition"),
                    );
                }
            }
        }
        for (n, node) in s.nodes.iter().enumerate() {
            if node.says.is_empty() {
                self.push(
                    Finding::error(
                        "empty-text",
                        node_path(n).field("says"),
                        format!("the caller says nothing at node `{}`", node.id),
                    )
                    .help("add at least one line: says: [(text: \"…\")]"),
                );
            }
            if node.replies.is_empty() {
                self.push(
                    Finding::error(
                        "no-replies",
                        node_path(n).field("replies"),
                        format!("node `{}` offers the trainee no reply", node.id),
                    )
                    .help("add replies, or send the call to an ending instead of this node"),
                );
            }
            let has_end_call = node.replies.iter().any(|r| r.action == Action::EndCall);
            if node.done && !has_end_call {
                self.push(
                    Finding::error(
                        "done-without-goodbye",
                        node_path(n).field("done"),
                        format!("the caller is done at `{}`, but no reply ends the call", node.id),
                    )
                    .help("add a reply with `action: EndCall` leading to the ending"),
                );
            }
            if !node.neutral && !node.replies.is_empty() && node.replies.iter().all(|r| r.points.total() <= 0)
            {
                self.push(
                    Finding::warning(
                        "no-good-reply",
                        // Where the analysis reports the same thing, so the two merge.
                        node_path(n).field("id"),
                        format!("no reply at node `{}` earns positive points", node.id),
                    )
                    .help("give the trainee at least one good option to learn from"),
                );
            }
            for (r, reply) in node.replies.iter().enumerate() {
                let rp = reply_path(n, r);
                if reply.kind.trim().is_empty() {
                    self.push(
                        Finding::error(
                            "empty-text",
                            rp.clone().field("kind"),
                            "this reply's kind is empty",
                        )
                        .help("tag the reply, e.g. \"apology\"; repeats of a kind land worse"),
                    );
                }
                let silent = matches!(reply.note, Text::Missing) || reply.note.is_blank();
                let neutral = node.neutral || reply.neutral;
                if reply.neutral && !reply.points.is_zero() {
                    self.push(
                        Finding::error(
                            "neutral-with-points",
                            rp.clone().field("neutral"),
                            format!("reply `{}` is neutral but earns or loses points", reply.id),
                        )
                        .help("a neutral reply is neither right nor wrong: remove its `points`, or remove `neutral: true`"),
                    );
                } else if neutral && reply.points.is_zero() {
                    // Nothing to coach: it only moves the call on.
                } else if reply.points.is_zero() && silent {
                    self.push(
                        Finding::error(
                            "no-points-no-note",
                            rp.clone().field("id"),
                            format!("reply `{}` has no points and no coaching note", reply.id),
                        )
                        .help("give it points, e.g. points: (understanding: 1), and a one-line `note` saying why"),
                    );
                } else if silent {
                    self.push(
                        Finding::warning(
                            "no-note",
                            rp.clone().field("id"),
                            format!("reply `{}` has no coaching note", reply.id),
                        )
                        .help("add `note: \"…\"`: one line saying why these points"),
                    );
                }
                self.points(reply.points, rp.clone().field("points"));
                self.seconds(reply.seconds, 0, rp.clone().field("seconds"), "a reply");
                match reply.action {
                    Action::Hold { seconds: 0 } => self.push(
                        Finding::error("out-of-range", rp.clone().field("action"), "a hold of 0 seconds")
                            .help("write e.g. Hold(seconds: 60), or use `Say`"),
                    ),
                    Action::Hold { seconds } => self.seconds(
                        seconds,
                        1,
                        rp.clone().field("action").index(0).field("seconds"),
                        "a hold",
                    ),
                    Action::EndCall => self.end_call(node.done, &reply.next, rp.clone().field("next")),
                    _ => {}
                }
                if reply.over_accommodation && reply.points.total() > 0 {
                    self.push(
                        Finding::warning(
                            "rewarded-over-accommodation",
                            rp.clone().field("over_accommodation"),
                            format!(
                                "reply `{}` gives in to an unjustified demand but earns {} points",
                                reply.id,
                                reply.points.total()
                            ),
                        )
                        .help("over-accommodation is not a win (seed 004): give it negative assistance"),
                    );
                }
            }
        }
    }

    fn end_call(&mut self, caller_done: bool, next: &str, at: Path) {
        match self.s.ending(next) {
            None if self.s.node(next).is_some() => {
                let hung_up = self
                    .s
                    .endings
                    .iter()
                    .find(|e| e.kind == EndingKind::AgentHungUp)
                    .or(self.s.endings.first());
                let help = match hung_up {
                    Some(e) => format!(
                        "point `next` at an ending such as `{}`, or use `action: Say` to go on to `{next}`",
                        e.id
                    ),
                    None => format!("point `next` at an ending, or use `action: Say` to go on to `{next}`"),
                };
                self.push(
                    Finding::error(
                        "end-call-to-node",
                        at,
                        format!("this reply ends the call, but leads to the node `{next}`"),
                    )
                    .help(help),
                );
            }
            Some(ending) if !caller_done && ending.kind.is_good() => self.push(
                Finding::error(
                    "hang-up-rewarded",
                    at,
                    format!("ending the call here hangs up on a caller who is not done, yet leads to the {} ending `{next}`", ending.kind.name()),
                )
                .help("mark the node `done: true` if the caller has finished, or lead to an AgentHungUp or Complaint ending"),
            ),
            _ => {}
        }
    }

    fn texts(&mut self) {
        let s = self.s;
        let declared = &s.languages;
        let mut missing: BTreeMap<&str, Vec<Path>> = BTreeMap::new();
        // With the default language undeclared every text would lack it;
        // the error on `default_language` says it once.
        let check_translations = declared.contains(&s.default_language);
        for (at, text) in s.texts() {
            if text.is_blank() {
                let field = match at.0.last() {
                    Some(Seg::Field(name)) => name.clone(),
                    _ => "text".to_owned(),
                };
                let optional = matches!(
                    field.as_str(),
                    "note" | "says" | "notes" | "description" | "label" | "misuse_note"
                );
                self.push(
                    Finding::error("empty-text", at, format!("`{field}` is empty")).help(if optional {
                        "write the words between the quotes, or leave the field out"
                    } else {
                        "write the words between the quotes"
                    }),
                );
                continue;
            }
            if !check_translations {
                continue;
            }
            for lang in text.languages() {
                if !declared.iter().any(|d| d == lang) {
                    self.push(
                        Finding::warning(
                            "undeclared-language",
                            at.clone().key_name(lang),
                            format!("`{lang}` is not one of this scenario's languages"),
                        )
                        .help(format!(
                            "add \"{lang}\" to `languages`, or remove this translation"
                        )),
                    );
                }
            }
            // A declared code that is no language has its error already;
            // a missing text per text in it would bury that.
            for lang in declared.iter().filter(|l| is_language_code(l)) {
                if !text.has(lang, &s.default_language) {
                    missing.entry(lang).or_default().push(at.clone());
                }
            }
        }
        for (lang, places) in missing {
            let count = places.len();
            for at in places.into_iter().take(3) {
                let others = if count > 1 {
                    format!(" ({count} texts lack it; the first 3 are shown)")
                } else {
                    String::new()
                };
                self.push(
                    Finding::warning(
                        "missing-translation",
                        at,
                        format!("no `{lang}` translation{others}"),
                    )
                    .help(format!(
                        "write the text as {{\"{}\": \"…\", \"{lang}\": \"…\"}}",
                        s.default_language
                    )),
                );
            }
        }
    }

    fn assets(&mut self, base_dir: Option<&FsPath>) {
        let assets = &self.s.assets;
        for (field, path) in [("hold_music", &assets.hold_music), ("ringtone", &assets.ringtone)] {
            let Some(path) = path else { continue };
            let at = root().field("assets").field(field);
            if !stays_inside(path) {
                let absolute = path.starts_with(['/', '\\']) || path.contains(':');
                let message = if absolute {
                    format!("`{path}` is an absolute path; sounds must be in the scenario's folder")
                } else {
                    format!("`{path}` leaves the scenario's folder")
                };
                let name = FsPath::new(path)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("sound.ogg");
                self.push(Finding::error("asset-outside", at, message).help(format!(
                    "copy the file beside the scenario (or into a subfolder) and write e.g. \"{name}\""
                )));
            } else if let Some(dir) = base_dir
                && !dir.join(path).is_file()
            {
                self.push(
                    Finding::warning(
                        "missing-asset",
                        at,
                        format!("`{path}` does not exist next to this scenario"),
                    )
                    .help("the game plays its own sound instead; add the file or remove the field"),
                );
            }
        }
    }

    /// Nodes the start cannot reach, nodes that cannot reach an ending, and
    /// endings nothing leads to, on the graph of `next` links (conditions
    /// are not evaluated here; `analyze` does that).
    fn graph(&mut self) {
        let s = self.s;
        let index: HashMap<&str, usize> = s
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let edges: Vec<Vec<&str>> = s
            .nodes
            .iter()
            .map(|n| {
                n.replies
                    .iter()
                    .flat_map(|r| {
                        std::iter::once(r.next.as_str()).chain(r.branches.iter().map(|b| b.next.as_str()))
                    })
                    .collect()
            })
            .collect();
        let Some(&start) = index.get(s.start.as_str()) else {
            return;
        };
        let mut seen = vec![false; s.nodes.len()];
        let mut reached_endings: BTreeSet<&str> = BTreeSet::new();
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(n) = queue.pop_front() {
            for target in &edges[n] {
                match index.get(target) {
                    Some(&t) if !seen[t] => {
                        seen[t] = true;
                        queue.push_back(t);
                    }
                    Some(_) => {}
                    None => {
                        reached_endings.insert(target);
                    }
                }
            }
        }
        for (n, node) in s.nodes.iter().enumerate() {
            if !seen[n] {
                self.push(
                    Finding::warning(
                        "unreachable-node",
                        node_path(n).field("id"),
                        format!("no reply leads to node `{}`", node.id),
                    )
                    .help("point a reply's `next` here, or remove the node"),
                );
            }
        }
        // Endings a mood threshold or the hang-up rule can reach count as reached.
        for t in &s.thresholds {
            reached_endings.insert(&t.ending);
        }
        if let Some(e) = &s.rules.hang_up.ending {
            reached_endings.insert(e);
        }
        for (e, ending) in s.endings.iter().enumerate() {
            if !reached_endings.contains(ending.id.as_str()) {
                self.push(
                    Finding::warning(
                        "unreachable-ending",
                        root().field("endings").index(e).field("id"),
                        format!("nothing leads to the ending `{}`", ending.id),
                    )
                    .help("point a reply's `next` or a threshold at it, or remove it"),
                );
            }
        }
        // Backwards from the endings: which nodes can still end the call?
        let mut can_end: Vec<bool> = edges
            .iter()
            .map(|targets| targets.iter().any(|t| !index.contains_key(t)))
            .collect();
        loop {
            let mut changed = false;
            for n in 0..s.nodes.len() {
                if !can_end[n] && edges[n].iter().any(|t| index.get(t).is_some_and(|&i| can_end[i])) {
                    can_end[n] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (n, node) in s.nodes.iter().enumerate() {
            if seen[n] && !can_end[n] {
                self.push(
                    Finding::error("no-way-out", node_path(n).field("id"), format!("from node `{}` no reply ever reaches an ending", node.id))
                        .help("the call would go round in circles: send one reply to an ending or to a node that reaches one"),
                );
            }
        }
    }
}

/// ISO 639-1: the two-letter language codes.
const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi", "bm",
    "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz",
    "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl",
    "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii",
    "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr",
    "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi",
    "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv",
    "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw",
    "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv",
    "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk",
    "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Whether `code` is a language: one of the game's, or any ISO 639-1 code.
fn is_language_code(code: &str) -> bool {
    GAME_LANGUAGES.iter().any(|(c, _)| *c == code) || ISO_639_1.contains(&code)
}

/// A code a trainer may write for a language that is not its code: a
/// country code (`cn`, `jp`), a region tag (`zh-CN`), or the language's
/// name. The code meant, and why. Only mistakes that are not themselves
/// a language code are listed: `ch` (Chamorro) and `kr` (Kanuri) are.
fn language_mistake(written: &str) -> Option<(&'static str, String)> {
    let lower = written.trim().to_lowercase();
    let country = |code: &'static str, country: &str| {
        Some((code, format!("`{written}` is the country code of {country}")))
    };
    match lower.as_str() {
        "cn" => country("zh", "China"),
        "hk" => Some(("zh", format!("`{written}` is a region; Chinese is `zh`"))),
        "jp" => country("ja", "Japan"),
        "ua" => country("uk", "Ukraine"),
        "dk" => country("da", "Denmark"),
        "gr" => country("el", "Greece"),
        "cz" => country("cs", "the Czech Republic"),
        "us" | "gb" => Some(("en", format!("`{written}` is a country; English is `en`"))),
        "mx" => Some(("es", format!("`{written}` is a country; Spanish is `es`"))),
        "english" => Some(("en", "languages are written as codes".to_owned())),
        "chinese" | "mandarin" | "中文" | "汉语" => {
            Some(("zh", "languages are written as codes".to_owned()))
        }
        "russian" | "русский" => Some(("ru", "languages are written as codes".to_owned())),
        "spanish" | "español" | "espanol" => Some(("es", "languages are written as codes".to_owned())),
        "japanese" => Some(("ja", "languages are written as codes".to_owned())),
        _ => {
            // A region tag: `zh-CN`, `en_US`, `es-419`.
            let (base, _) = lower.split_once(['-', '_'])?;
            let code = ISO_639_1.iter().find(|c| **c == base)?;
            Some((
                code,
                "the game's languages are plain two-letter codes, without the region".to_owned(),
            ))
        }
    }
}

/// A field's name as written, for messages.
fn at_name(seg: &Seg) -> String {
    match seg {
        Seg::Field(name) | Seg::Key(name) | Seg::KeyName(name) | Seg::NthKeyName(name, _) => name.clone(),
        Seg::Index(i) => i.to_string(),
    }
}

/// Whether a relative asset path stays within the scenario's folder.
fn stays_inside(path: &str) -> bool {
    let mut depth = 0i32;
    for part in FsPath::new(path).components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    // A drive letter or a Windows separator could escape on another system.
    !path.trim().is_empty() && !path.contains(':') && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::{stays_inside, validate};
    use crate::scenario::Scenario;

    /// Every text in English and Chinese except the ones a test leaves out.
    fn bilingual(anger_label: &str, trait_description: &str) -> Scenario {
        let source = format!(
            r#"Scenario(
                id: "t", title: {{"en": "T", "zh": "题"}}, summary: {{"en": "S", "zh": "概要"}},
                difficulty: Easy, source: "000_aad0425544450f2b.txt", languages: ["en", "zh"],
                policy: (transfer: (misuse_note: {{"en": "Not yet.", "zh": "还不到时候。"}})),
                persona: (
                    name: {{"en": "Mr. Zhou", "zh": "周先生"}},
                    description: {{"en": "A talker.", "zh": "话多。"}},
                    meters: [
                        (id: "anger", label: {anger_label}, start: 10),
                        (id: "trust", start: 10),
                    ],
                    traits: [(name: {{"en": "Proud", "zh": "好面子"}}, description: {trait_description}, kinds: ["close"])],
                ),
                start: "a",
                nodes: [(id: "a", done: true, says: [(text: {{"en": "Bye.", "zh": "再见。"}})], replies: [
                    (id: "bye", text: {{"en": "Goodbye!", "zh": "再见!"}}, kind: "close", action: EndCall,
                     points: (emotion: 1), note: {{"en": "Warm.", "zh": "热情。"}}, next: "end"),
                ])],
                endings: [(id: "end", kind: Resolved, title: {{"en": "E", "zh": "结"}}, debrief: {{"en": "D", "zh": "评"}})],
            )"#
        );
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(&source)
            .expect("the test scenario parses")
    }

    fn untranslated(s: &Scenario) -> Vec<String> {
        validate(s, None)
            .into_iter()
            .filter(|f| f.code == "missing-translation")
            .map(|f| f.at.to_string())
            .collect()
    }

    #[test]
    fn meter_labels_and_trait_descriptions_need_every_language() {
        let complete = bilingual(
            r#"{"en": "Anger", "zh": "怒气"}"#,
            r#"{"en": "Hates lectures.", "zh": "最烦被教育。"}"#,
        );
        assert_eq!(untranslated(&complete), Vec::<String>::new());
        // A label left out shows the id, in no language: nothing to translate.
        let english_only = bilingual(r#""Anger""#, r#""Hates lectures.""#);
        assert_eq!(
            untranslated(&english_only),
            ["persona.meters[0].label", "persona.traits[0].description"]
        );
    }

    #[test]
    fn asset_paths_must_stay_in_the_folder() {
        assert!(stays_inside("hold.ogg"));
        assert!(stays_inside("sounds/hold.ogg"));
        assert!(stays_inside("sounds/../hold.ogg"));
        assert!(!stays_inside("../hold.ogg"));
        assert!(!stays_inside("/etc/passwd"));
        assert!(!stays_inside("sounds/../../x.ogg"));
    }
}
