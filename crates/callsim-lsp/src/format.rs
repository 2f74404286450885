//! The format's field and variant names at a place in a file, asked of the
//! serde structs themselves: a one-line probe file reaches the place (the
//! brackets open at the cursor, as the walk read them) and writes an
//! unknown name there; the scenario's own deserialiser refuses it and
//! lists what it expected. No table of names is kept here to drift from
//! `callsim_core::scenario`: a field added to the format is offered the
//! day it is added.

use ron::error::Error as RonError;

use callsim_core::Scenario;
use callsim_core::scenario::ron_options;

use crate::outline::{Frame, Step, Walk};

/// A field name no struct of the format has.
const PROBE_FIELD: &str = "callsim_probe_field";
/// A variant name no enum of the format has.
const PROBE_VARIANT: &str = "CallsimProbeVariant";

/// What the format accepts at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepts {
    /// The fields of the struct.
    Fields(Vec<&'static str>),
    /// One of these names: `Easy`, `Hold`, `AtLeast`…
    Variants(&'static [&'static str]),
    Bool,
    /// Something this module cannot name: a string, a number, a text.
    Other,
}

/// The fields of the struct whose bracket is the innermost one open.
pub fn fields(walk: &Walk) -> Accepts {
    if walk.frames.last().is_none_or(|f| f.open != '(') {
        return Accepts::Other;
    }
    let name = walk.frames.last().and_then(|f| f.name.as_deref());
    match ask(&probe(&walk.frames, None, &format!("{PROBE_FIELD}: 0"))) {
        Err(RonError::MissingStructField { field, outer }) if outer.as_deref() == name && name.is_some() => {
            // A variant's fields (`Hold(seconds: 60)`) take unknown names
            // quietly: the first one missing is all serde says.
            Accepts::Fields(vec![field])
        }
        Err(other) => accepts(other),
        Ok(()) => Accepts::Other,
    }
}

/// What a value at the current place (reached by `leaf`) may be.
pub fn value(walk: &Walk, leaf: &Step) -> Accepts {
    match ask(&probe(&walk.frames, Some(leaf), PROBE_VARIANT)) {
        Err(err) => match accepts(err) {
            Accepts::Fields(_) => Accepts::Other,
            other => other,
        },
        Ok(()) => Accepts::Other,
    }
}

/// A one-line file that opens `frames` as they are open at the cursor,
/// reaches the value by `leaf`, and writes `inner` there.
fn probe(frames: &[Frame], leaf: Option<&Step>, inner: &str) -> String {
    let mut text = match leaf {
        Some(step) => reach(step, inner),
        None => inner.to_owned(),
    };
    for frame in frames.iter().rev() {
        let close = match frame.open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        text = format!(
            "{}{}{text}{close}",
            frame.name.as_deref().unwrap_or(""),
            frame.open
        );
        if let Some(step) = &frame.step {
            text = reach(step, &text);
        }
    }
    text
}

fn reach(step: &Step, inner: &str) -> String {
    match step {
        Step::Field(name) => format!("{name}: {inner}"),
        // A list's elements are all alike; a tuple's first is the one
        // that can be asked about (conditions name their id first).
        Step::Index(_) => inner.to_owned(),
        Step::Key(key) => format!("{key:?}: {inner}"),
        // A key itself: nothing to ask (maps are keyed by strings).
        Step::KeyName => format!("\"\": {inner}"),
    }
}

/// Why the scenario's deserialiser refuses `probe`.
fn ask(probe: &str) -> Result<(), RonError> {
    ron_options()
        .from_str::<Scenario>(probe)
        .map(|_| ())
        .map_err(|e| e.code)
}

fn accepts(refusal: RonError) -> Accepts {
    match refusal {
        RonError::NoSuchStructField { expected, found, .. } if found == PROBE_FIELD => {
            Accepts::Fields(expected.to_vec())
        }
        RonError::NoSuchEnumVariant { expected, found, .. } if found == PROBE_VARIANT => {
            Accepts::Variants(expected)
        }
        RonError::ExpectedBoolean => Accepts::Bool,
        _ => Accepts::Other,
    }
}

#[cfg(test)]
mod tests {
    use callsim_core::scenario::lex::Tokens;

    use super::*;

    fn walk_to_end(src: &str) -> Walk {
        let tokens = Tokens::read(src);
        Walk::before(&tokens, tokens.list.len())
    }

    #[test]
    fn a_reply_offers_the_fields_of_a_reply() {
        let walk = walk_to_end("Scenario(nodes: [(id: \"a\", replies: [(");
        let Accepts::Fields(fields) = fields(&walk) else {
            panic!("no fields")
        };
        for f in [
            "id",
            "text",
            "kind",
            "next",
            "branches",
            "note",
            "examples",
            "over_accommodation",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        assert!(!fields.contains(&"says"), "{fields:?}");
    }

    #[test]
    fn values_name_the_variants_of_the_enum_there() {
        let walk = walk_to_end("Scenario(difficulty:");
        let leaf = walk.child_step().expect("in a struct");
        assert_eq!(
            value(&walk, &leaf),
            Accepts::Variants(&["Easy", "Medium", "Hard"])
        );
        let walk = walk_to_end("Scenario(nodes: [(replies: [(when: [");
        let leaf = walk.child_step().expect("in a list");
        let Accepts::Variants(conditions) = value(&walk, &leaf) else {
            panic!("no conditions")
        };
        assert!(conditions.contains(&"AtLeast") && conditions.contains(&"Checked"));
        let walk = walk_to_end("Scenario(nodes: [(done:");
        let leaf = walk.child_step().expect("in a struct");
        assert_eq!(value(&walk, &leaf), Accepts::Bool);
        let walk = walk_to_end("Scenario(nodes: [(replies: [(action: Hold(");
        assert_eq!(fields(&walk), Accepts::Fields(vec!["seconds"]));
    }

    #[test]
    fn not_a_struct_offers_no_fields() {
        for src in [
            "Scenario(persona: (meters: [(start: (",
            "Scenario(nodes: [(replies: [(when: [AtLeast(",
            "Scenario(nodes: [(replies: [(effects: {",
            "Scenario(nodes: [(says: [(text: {",
        ] {
            assert!(!matches!(fields(&walk_to_end(src)), Accepts::Fields(_)), "{src}");
        }
    }

    /// Every field written in the shipped scenarios (which between them
    /// use every field of the format) is offered where it is written, and
    /// every field offered there deserialises there: the probes reach the
    /// right struct everywhere.
    #[test]
    fn every_field_of_the_shipped_scenarios_is_offered_where_it_is_written() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let files = callsim_core::scenario::scenario_files(&dir).expect("scenarios/");
        assert!(files.len() >= 6, "{files:?}");
        let mut structs = std::collections::BTreeSet::new();
        for file in files {
            let src = std::fs::read_to_string(&file).expect("readable");
            let tokens = Tokens::read(&src);
            let mut walk = Walk::default();
            for i in 0..tokens.list.len() {
                let is_field = tokens.is_ident(i) && tokens.is(i + 1, ':') && !tokens.is(i + 2, ':');
                if is_field && walk.frames.last().is_some_and(|f| f.open == '(') {
                    let name = tokens.text(i);
                    let Accepts::Fields(offered) = fields(&walk) else {
                        panic!(
                            "{}: no fields offered before `{name}` at byte {}",
                            file.display(),
                            tokens.list[i].span.start
                        )
                    };
                    assert!(offered.contains(&name), "{name} not in {offered:?}");
                    let shape = walk.shape(None);
                    if structs.insert(shape.clone()) {
                        for field in offered {
                            let leaf = Step::Field((*field).to_owned());
                            let text = probe(&walk.frames, Some(&leaf), "CallsimProbeVariant");
                            let err = ask(&text).err();
                            assert!(
                                !matches!(&err, Some(RonError::NoSuchStructField { .. })),
                                "`{field}` offered at {shape} does not deserialise: {err:?}"
                            );
                        }
                    }
                }
                walk.read(&tokens, i);
            }
        }
        for shape in [
            "",
            "persona.meters[]",
            "nodes[].replies[]",
            "nodes[].replies[].branches[]",
            "rules.hold",
            "policy.transfer",
        ] {
            assert!(structs.contains(shape), "{shape} not seen in {structs:?}");
        }
    }
}
