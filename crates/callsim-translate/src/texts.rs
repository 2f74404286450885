//! Every text of a scenario that a translator must translate, each with a
//! stable id (its place in the scenario, e.g. `node.opening.says.1`), the
//! path to it in the RON file, and a note on the situation it is said in.
//!
//! The walk destructures every scenario type that holds text without `..`,
//! so a text field added to the format does not compile here until it is
//! exported (or said not to be a text).

use callsim_core::Scenario;
use callsim_core::locale::text::Text;
use callsim_core::scenario::spans::Path;
use callsim_core::scenario::{
    AccountFact, Action, Ending, Line, Meter, Node, Persona, Policy, Reply, Rules, Trait, TransferPolicy,
    TransferTarget,
};

/// One text of the scenario, where it is and what it is for.
#[derive(Debug, Clone)]
pub struct Place<'s> {
    /// Stable id, e.g. `node.opening.reply.acknowledge_and_check.text`.
    pub id: String,
    /// Where the text is in the RON file.
    pub path: Path,
    pub text: &'s Text,
    /// A typed-reply example: a paraphrase to write naturally, not translate.
    pub example: bool,
    /// Who says it and when, for the translator.
    pub context: String,
}

impl<'s> Place<'s> {
    /// The text in `lang`, if given there and not blank (a plain string is
    /// in the default language).
    pub fn get(&self, lang: &str, default_lang: &str) -> Option<&'s str> {
        let found = match self.text {
            Text::Missing => None,
            Text::Plain(s) => (lang == default_lang).then_some(s.as_str()),
            Text::Translated(map) => map.get(lang).map(String::as_str),
        };
        found.filter(|s| !s.trim().is_empty())
    }
}

/// Every text given in `s` (left-out optional texts have nothing to
/// translate), in file order: the scenario, the persona, the policy, the
/// account, the nodes with their replies, the endings.
pub fn places(s: &Scenario) -> Vec<Place<'_>> {
    let Scenario {
        id: _,
        title,
        summary,
        difficulty: _,
        tags: _,
        source: _,
        languages: _,
        default_language,
        policy,
        rules,
        kind_names,
        persona,
        account,
        start: _,
        max_turns: _,
        not_understood,
        nodes,
        endings,
        thresholds: _,
        assets: _,
        history: _,
    } = s;
    // The rules hold numbers and ids only; named here so that a rule with
    // a text of its own does not go unexported.
    let Rules {
        repetition: _,
        hold: _,
        hang_up: _,
        over_accommodation: _,
        not_understood: _,
        understanding: _,
    } = rules;
    let Persona {
        name: caller,
        description,
        meters,
        traits,
        face: _,
    } = persona;
    let Policy {
        notes,
        transfer,
        transfers,
    } = policy;
    let TransferPolicy {
        allowed_when: _,
        misuse: _,
        misuse_note,
    } = transfer;
    let lang = default_language.as_str();
    let who = caller.get(lang, lang);
    let mut out = Walk::default();
    let root = Path::root;

    out.add(
        "title",
        root().field("title"),
        title,
        "The scenario's title, on the picker card and the debrief.",
    );
    out.add(
        "summary",
        root().field("summary"),
        summary,
        "The scenario's summary on the picker: who calls, what they want, what the trainee practises.",
    );
    out.add(
        "persona.name",
        root().field("persona").field("name"),
        caller,
        "The name of the customer on the phone.",
    );
    out.add(
        "persona.description",
        root().field("persona").field("description"),
        description,
        format!("Who the customer ({who}) is, shown before the call."),
    );
    for (i, meter) in meters.iter().enumerate() {
        let Meter {
            id,
            label,
            min: _,
            max: _,
            start: _,
        } = meter;
        out.add(
            format!("meter.{id}.label"),
            root().field("persona").field("meters").index(i).field("label"),
            label,
            format!("The label of the bar showing the customer's `{id}` (a mood meter)."),
        );
    }
    for (i, t) in traits.iter().enumerate() {
        let Trait {
            name,
            description,
            kinds: _,
            effects: _,
            points: _,
        } = t;
        let at = root().field("persona").field("traits").index(i);
        let n = i + 1;
        out.add(
            format!("trait.{n}.name"),
            at.clone().field("name"),
            name,
            format!("The name of a trait of the customer ({who}); the debrief names it when it applied."),
        );
        out.add(
            format!("trait.{n}.description"),
            at.field("description"),
            description,
            format!("What the customer's trait “{}” does.", name.get(lang, lang)),
        );
    }
    out.add(
        "policy.notes",
        root().field("policy").field("notes"),
        notes,
        "The call centre's policy, shown to the trainee before the call.",
    );
    out.add(
        "policy.misuse_note",
        root().field("policy").field("transfer").field("misuse_note"),
        misuse_note,
        "Coaching in the debrief when the trainee transferred the customer against the policy.",
    );
    for (i, target) in transfers.iter().enumerate() {
        let TransferTarget {
            id,
            name,
            allowed_when: _,
            misuse: _,
            misuse_note,
        } = target;
        let at = root().field("policy").field("transfers").index(i);
        out.add(
            format!("transfer.{id}.name"),
            at.clone().field("name"),
            name,
            format!("Where a reply transfers the customer (the transfer `{id}`), on the trainee's action button, e.g. “the manufacturer”."),
        );
        out.add(
            format!("transfer.{id}.misuse_note"),
            at.field("misuse_note"),
            misuse_note,
            format!(
                "Coaching in the debrief when the trainee transferred the customer to “{}” against the policy.",
                name.get(lang, lang)
            ),
        );
    }
    for (kind, name) in kind_names {
        out.add(
            format!("kind.{kind}"),
            root().field("kind_names").key(kind),
            name,
            format!(
                "What the trainee is told a reply of the kind `{kind}` is, when a rule names it (e.g. when they repeat it). A few words, as the trainee would say them."
            ),
        );
    }
    for (i, fact) in account.iter().enumerate() {
        let AccountFact { label, value } = fact;
        let at = root().field("account").index(i);
        let n = i + 1;
        out.add(
            format!("account.{n}.label"),
            at.clone().field("label"),
            label,
            format!(
                "What “check the account” shows: the label of the fact “{}”.",
                value.get(lang, lang)
            ),
        );
        out.add(
            format!("account.{n}.value"),
            at.field("value"),
            value,
            format!(
                "What “check the account” shows: the value of “{}”.",
                label.get(lang, lang)
            ),
        );
    }
    for (i, line) in not_understood.iter().enumerate() {
        let at = root().field("not_understood").index(i);
        out.line(format!("not_understood.{}", i + 1), at, line, |when| {
            format!("Said by the customer ({who}) when the game did not understand a reply the trainee typed{when}.")
        });
    }
    for (n, node) in nodes.iter().enumerate() {
        let Node {
            id: node_id,
            says,
            replies,
            done: _,
            neutral: _,
        } = node;
        let at = root().field("nodes").index(n);
        for (i, line) in says.iter().enumerate() {
            out.line(
                format!("node.{node_id}.says.{}", i + 1),
                at.clone().field("says").index(i),
                line,
                |when| format!("Said by the customer ({who}) at the moment `{node_id}` of the call{when}."),
            );
        }
        let heard = says
            .first()
            .map(|l| l.text.get(lang, lang))
            .filter(|s| !s.is_empty());
        for (r, reply) in replies.iter().enumerate() {
            out.reply(
                &format!("node.{node_id}.reply"),
                at.clone().field("replies").index(r),
                reply,
                heard,
                lang,
            );
        }
    }
    for (e, ending) in endings.iter().enumerate() {
        let Ending {
            id,
            kind,
            title,
            debrief,
            says,
        } = ending;
        let at = root().field("endings").index(e);
        let kind = kind.name();
        let named = title.get(lang, lang);
        out.add(
            format!("ending.{id}.title"),
            at.clone().field("title"),
            title,
            format!("The title of the ending `{id}` ({kind}), at the top of the debrief."),
        );
        out.add(
            format!("ending.{id}.debrief"),
            at.clone().field("debrief"),
            debrief,
            format!("What the debrief says about the ending “{named}” ({kind})."),
        );
        out.add(
            format!("ending.{id}.says"),
            at.field("says"),
            says,
            format!("The last words of the customer ({who}) at the ending “{named}” ({kind})."),
        );
    }
    out.places
}

#[derive(Default)]
struct Walk<'s> {
    places: Vec<Place<'s>>,
}

impl<'s> Walk<'s> {
    fn add(&mut self, id: impl Into<String>, path: Path, text: &'s Text, context: impl Into<String>) {
        if matches!(text, Text::Missing) {
            return;
        }
        self.places.push(Place {
            id: id.into(),
            path,
            text,
            example: false,
            context: context.into(),
        });
    }

    /// A caller's line; `context` is given the line's conditions as words.
    fn line(&mut self, id: String, at: Path, line: &'s Line, context: impl Fn(String) -> String) {
        let Line {
            text,
            when,
            weight: _,
        } = line;
        let when = if when.is_empty() {
            String::new()
        } else {
            format!(", said only when {}", callsim_core::graph::conditions_text(when))
        };
        self.add(id, at.field("text"), text, context(when));
    }

    fn reply(&mut self, prefix: &str, at: Path, reply: &'s Reply, heard: Option<&str>, lang: &str) {
        let Reply {
            id,
            text,
            kind: _,
            action,
            when: _,
            once: _,
            points: _,
            effects: _,
            next: _,
            branches: _,
            note,
            seconds: _,
            over_accommodation: _,
            to: _,
            repeatable: _,
            neutral: _,
            examples,
        } = reply;
        let said = text.get(lang, lang);
        let does = match action {
            Action::Say => "",
            Action::CheckAccount => " (it also checks the customer's account)",
            Action::Hold { .. } => " (it puts the customer on hold)",
            Action::Transfer => " (it transfers the customer to a supervisor)",
            Action::EndCall => " (it ends the call)",
        };
        let after = heard.map_or_else(String::new, |line| format!(", after the customer says “{line}”"));
        let coaching = match note.get(lang, lang) {
            "" => String::new(),
            note => format!(" Coaching note: {note}"),
        };
        self.add(
            format!("{prefix}.{id}.text"),
            at.clone().field("text"),
            text,
            format!("Said by the trainee (the agent): a reply they can choose{does}{after}.{coaching}"),
        );
        self.add(
            format!("{prefix}.{id}.note"),
            at.clone().field("note"),
            note,
            format!("Coaching note in the debrief on the trainee's reply “{said}”."),
        );
        for (i, example) in examples.iter().enumerate() {
            let before = self.places.len();
            self.add(
                format!("{prefix}.{id}.example.{}", i + 1),
                at.clone().field("examples").index(i),
                example,
                format!(
                    "EXAMPLE for typed replies: one way a trainee might put the reply “{said}” in their own words. Write how a speaker of your language would naturally say it on the phone, not a word-for-word translation."
                ),
            );
            if let Some(place) = self.places.get_mut(before) {
                place.example = true;
            }
        }
    }
}
